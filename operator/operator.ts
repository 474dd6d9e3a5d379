// The operator's core wiring, shared by the process and the integration tests: the watch layer
// feeds the reconciler, which runs the shared chain for every asset family.
import { loadCatalog, type Catalog } from './catalog/catalog.js';
import { AntiThrashing, DEFAULT_THROTTLE, type ThrottleSettings } from './chain/anti-thrashing.js';
import { buildChain, offlineEnd, type Chain } from './chain/chain.js';
import { evaluateCatalog, type Evaluation } from './chain/evaluate-catalog.js';
import { OutcomeMemory } from './chain/outcome-memory.js';
import { Reconciler } from './controller/reconciler.js';
import { familyKinds, familyPolicies } from './families/registry.js';
import type { KubeClient } from './kube/client.js';
import { EventRecorder } from './kube/events.js';
import { OperatorMetrics } from './http/metrics.js';
import { Renderer } from './render/renderer.js';
import type { KubeObject } from './vocabulary/object.js';
import { ClusterCache } from './watch/cluster-cache.js';

export interface OperatorOptions {
  client: KubeClient;
  assetsDir: string;
  /** Namespace of the HyperConverged CR; empty or undefined: any namespace. */
  hcoNamespace?: string;
  /** The operator's own namespace (its monitoring assets go there). */
  operatorNamespace?: string;
  throttle?: Partial<ThrottleSettings>;
  resyncMs?: number;
  metrics?: OperatorMetrics;
}

export class Operator {
  readonly catalog: Catalog;
  readonly renderer: Renderer;
  readonly cache: ClusterCache;
  readonly events: EventRecorder;
  readonly reconciler: Reconciler;
  readonly metrics: OperatorMetrics;

  constructor(readonly options: OperatorOptions) {
    this.catalog = loadCatalog(options.assetsDir);
    this.renderer = new Renderer(options.assetsDir);
    this.metrics = options.metrics ?? new OperatorMetrics(false);
    options.client.onRequest((verb) => this.metrics.apiRequests.inc({ verb }));
    this.events = new EventRecorder(options.client);
    this.cache = new ClusterCache(options.client, {
      hcoNamespace: options.hcoNamespace,
      operatorNamespace: options.operatorNamespace,
      onChange: (c) => this.reconciler.onChange(c),
    });
    this.metrics.watchedObjects = () => this.cache.sizes();
    this.metrics.nodeCapacityScans = () => ({ scans: this.cache.capacityScans, nodes: this.cache.capacityScanned });
    this.reconciler = new Reconciler({
      catalog: this.catalog,
      renderer: this.renderer,
      client: options.client,
      cache: this.cache,
      events: this.events,
      metrics: this.metrics,
      antiThrashing: new AntiThrashing({ ...DEFAULT_THROTTLE, ...options.throttle }),
      policies: familyPolicies(),
      familyKinds: familyKinds(),
      resyncMs: options.resyncMs,
    });
    this.reconciler.queue.metrics = this.metrics;
    this.metrics.queueDepth = () => this.reconciler.queue.length;
  }

  private renderChain: Chain | undefined;

  /** What every asset would apply now (/debug/render): the offline end of the chain, over the live caches; writes nothing. */
  renderAll(hco: KubeObject): Promise<Evaluation[]> {
    this.renderChain ??= buildChain(
      { renderer: this.renderer, cache: this.cache, record: { events: { emit: () => undefined }, memory: new OutcomeMemory() } },
      offlineEnd(),
    );
    return evaluateCatalog(this.catalog, this.renderChain, hco, this.cache.facts(), { policies: familyPolicies() });
  }

  /** Fills the caches (the managed kinds' too), then starts reconciling. */
  async start(): Promise<void> {
    await this.cache.start();
    const managed = this.reconciler.watchedResources();
    this.cache.watch(managed);
    await this.cache.whenTried(managed);
    this.reconciler.start();
  }

  get ready(): boolean {
    return this.cache.synced;
  }

  async stop(): Promise<void> {
    await this.reconciler.stop();
    this.cache.stop();
    this.events.close();
    await this.events.flush();
  }

  /** Resolves once the work queue has been idle for `quietMs` (tests and the demo). */
  async settle(quietMs = 300, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let idleSince = 0;
    while (Date.now() < deadline) {
      if (this.reconciler.queue.idle) {
        idleSince ||= Date.now();
        if (Date.now() - idleSince >= quietMs) return;
      } else idleSince = 0;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the operator did not settle within ${timeoutMs / 1000} s`);
  }
}
