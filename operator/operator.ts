// The operator's core wiring, shared by the process and the integration tests: the watch layer
// feeds the reconciler, which runs the shared chain for every asset family.
import { loadCatalog, type Catalog } from './catalog/catalog.js';
import { AntiThrashing, DEFAULT_THROTTLE, type ThrottleSettings } from './chain/anti-thrashing.js';
import { buildChain, offlineEnd, type Chain } from './chain/chain.js';
import { evaluateCatalog, type Evaluation } from './chain/evaluate-catalog.js';
import { DEFAULT_PRUNE_HOLD_DOWN_MS, HoldDown } from './chain/hold-down.js';
import { OutcomeMemory } from './chain/outcome-memory.js';
import { Reconciler } from './controller/reconciler.js';
import { Families, familyKinds, familyObserved } from './families/registry.js';
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
  /** How long a MachineConfigPool may settle after a batch of ours before its conditions alone decide (default 30 min). */
  settleTimeoutMs?: number;
  /** The clock the families' gates and the off-switch's hold-down read; tests inject one. */
  now?: () => number;
  /** How long a fact-based "no" (hardware, topology, an empty render) must hold before the off-switch prunes (default 10 min). */
  pruneHoldDownMs?: number;
}

export const DEFAULT_SETTLE_TIMEOUT_MS = 30 * 60_000;

export class Operator {
  readonly catalog: Catalog;
  readonly renderer: Renderer;
  readonly cache: ClusterCache;
  readonly events: EventRecorder;
  readonly reconciler: Reconciler;
  readonly metrics: OperatorMetrics;
  readonly families: Families;

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
      observe: familyObserved(),
    });
    this.families = new Families(undefined, {
      observed: (name) => this.cache.observed(name),
      now: options.now ?? Date.now,
      settleTimeoutMs: options.settleTimeoutMs ?? DEFAULT_SETTLE_TIMEOUT_MS,
      nodes: () => [...this.cache.nodes.list()],
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
      families: this.families,
      familyKinds: familyKinds(),
      resyncMs: options.resyncMs,
      holdDown: new HoldDown(options.pruneHoldDownMs ?? DEFAULT_PRUNE_HOLD_DOWN_MS, options.now ?? Date.now),
    });
    this.reconciler.queue.metrics = this.metrics;
    this.metrics.queueDepth = () => this.reconciler.queue.length;
  }

  private renderChain: Chain | undefined;

  /** What every asset would apply now (/debug/render): the offline end of the chain, over the live caches; writes nothing. */
  renderAll(hco: KubeObject): Promise<Evaluation[]> {
    this.renderChain ??= buildChain(
      {
        renderer: this.renderer,
        cache: this.cache,
        record: { events: { emit: () => undefined }, memory: new OutcomeMemory() },
        policies: this.families.policies,
      },
      offlineEnd(),
    );
    return evaluateCatalog(this.catalog, this.renderChain, hco, this.cache.facts(), { policies: this.families.policies });
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
