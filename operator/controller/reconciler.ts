// The controller loop: turns cache changes into work items and work items into chain runs.
// "world" re-evaluates everything (HCO first, then the other assets in reconcile order, then the
// tombstones); "asset:<name>" reconciles one asset after an event on its object. A periodic world
// resync catches anything missed, and costs no request when nothing changed.
import { ANNOTATIONS, annotationsOf, MAX_ANNOTATION_BYTES, oversizeControls } from '../annotations.js';
import type { Asset, Catalog } from '../catalog/catalog.js';
import { parseActivation, unknownActivationEntries } from '../catalog/eligibility.js';
import { parseExclusions } from '../catalog/exclusion.js';
import { buildChain, type Chain } from '../chain/chain.js';
import type { ChainDeps } from '../chain/deps.js';
import { DriftMemo } from '../chain/drift-memo.js';
import { Transitions } from '../chain/record-step.js';
import { newRun } from '../chain/run.js';
import { Throttle } from '../chain/token-bucket.js';
import type { Outcome } from '../chain/types.js';
import type { KubeClient } from '../kube/client.js';
import { describeError } from '../kube/errors.js';
import { involvedOf, type EventSink } from '../kube/events.js';
import { hashOf } from '../util/stable-json.js';
import { objectKey } from '../kube/resources.js';
import type { KubeObject } from '../kube/types.js';
import type { OperatorMetrics } from '../http/metrics.js';
import { log } from '../log.js';
import type { Renderer } from '../render/renderer.js';
import type { Change, ClusterCache } from '../watch/cluster-cache.js';
import { GoAutopilotMigration, loadGoObjects } from './go-autopilot.js';
import { loadTombstones, reapTombstones } from './tombstones.js';
import { WorkQueue } from './work-queue.js';

export const WORLD = 'world';
/** A world pass retried while a tombstoned kind's cache is still filling (with backoff). */
const TOMBSTONES = 'tombstones';
const assetKey = (name: string): string => `asset:${name}`;

export interface AssetReport {
  asset: string;
  family: string;
  kind: string;
  object?: string;
  status: Outcome['status'];
  reason?: string;
  message: string;
  drift?: string[];
  customizations: string[];
  at: string;
}

export interface ReconcilerOptions {
  catalog: Catalog;
  renderer: Renderer;
  client: KubeClient;
  cache: ClusterCache;
  events: EventSink;
  metrics?: OperatorMetrics;
  throttle?: Throttle;
  resyncMs?: number;
}

export class Reconciler {
  readonly queue = new WorkQueue();
  readonly reports = new Map<string, AssetReport>();
  private readonly chain: Chain;
  private readonly transitions = new Transitions();
  private readonly objectToAsset = new Map<string, string>();
  private readonly tombstones: KubeObject[];
  /** Objects of the Go autopilot replaced by assets here (assets/migration/go-autopilot.yaml). */
  readonly migration: GoAutopilotMigration;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** Set when the HCO, a CRD or the namespaces changed: the next world pass skips no backoff. */
  private retryNow = true;
  private workers: Promise<void>[] = [];
  /** Completed world passes (tests and benchmarks wait on this). */
  worldPasses = 0;

  constructor(private readonly o: ReconcilerOptions) {
    const deps: ChainDeps = {
      renderer: o.renderer,
      cache: o.cache,
      events: o.events,
      client: o.client,
      throttle: o.throttle ?? new Throttle(),
      driftMemo: new DriftMemo(),
      metrics: o.metrics,
    };
    this.chain = buildChain(deps, this.transitions);
    this.tombstones = loadTombstones(o.catalog.dir);
    this.migration = new GoAutopilotMigration(o.client, o.events, loadGoObjects(o.catalog.dir), () => this.queue.add(WORLD));
  }

  /** Feeds cache changes into the queue. */
  onChange(c: Change): void {
    // What an asset's failure may depend on changed: world passes try failing assets again.
    if (c.type === 'hco' || c.type === 'crd' || c.type === 'namespaces') this.retryNow = true;
    if (c.type === 'object') {
      const asset = this.objectToAsset.get(objectKey(c.resource, c.resource.namespaced ? c.namespace : undefined, c.name));
      if (asset) this.queue.add(assetKey(asset));
      else if (c.deleted === false && this.isTombstone(c.resource.kind, c.namespace, c.name)) this.queue.add(WORLD);
      return;
    }
    this.queue.add(WORLD);
  }

  private isTombstone(kind: string, namespace: string | undefined, name: string): boolean {
    return this.tombstones.some((t) => t.kind === kind && t.metadata?.name === name && (t.metadata?.namespace ?? '') === (namespace ?? ''));
  }

  start(workers = 1): void {
    this.queue.add(WORLD);
    const resync = this.o.resyncMs ?? 600_000;
    this.resyncTimer = setInterval(() => this.queue.add(WORLD), resync);
    for (let i = 0; i < workers; i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    this.queue.shutdown();
    await Promise.all(this.workers);
    this.migration.stop();
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const end = this.o.metrics?.reconcileDuration.startTimer({ type: key === WORLD ? 'world' : 'asset' });
      try {
        await this.reconcile(key);
      } catch (err) {
        log.error('reconcile failed', { key, error: describeError(err) });
        this.queue.addRateLimited(key);
      } finally {
        end?.();
        this.queue.done(key);
      }
    }
  }

  async reconcile(key: string): Promise<void> {
    if (key === WORLD || key === TOMBSTONES) return this.reconcileWorld();
    const asset = this.o.catalog.assets.find((a) => assetKey(a.name) === key);
    const hco = this.o.cache.hco();
    if (!asset || !hco) return;
    this.schedule(asset, await this.runAsset(asset, hco));
  }

  private schedule(asset: Asset, o: Outcome): void {
    const key = assetKey(asset.name);
    if (o.status === 'throttled' && o.requeueAfterMs !== undefined) this.queue.addAfter(key, o.requeueAfterMs);
    else if (o.status === 'failed') this.queue.addRateLimited(key, o.requeueAfterMs);
    else this.queue.forget(key);
  }

  private async runAsset(asset: Asset, hco: KubeObject): Promise<Outcome> {
    const run = newRun(asset, hco, this.o.cache.facts());
    const outcome = await this.chain(run);
    if (run.key) this.objectToAsset.set(run.key, asset.name);
    const d = outcome.desired ?? run.desired;
    this.reports.set(asset.name, {
      asset: asset.name,
      family: asset.family,
      kind: asset.component,
      object: d?.metadata?.name ? `${d.metadata.namespace ? d.metadata.namespace + '/' : ''}${d.metadata.name}` : undefined,
      status: outcome.status,
      reason: outcome.reason,
      message: outcome.message,
      drift: outcome.drift,
      customizations: [...run.customizations],
      at: new Date().toISOString(),
    });
    return outcome;
  }

  private checkHcoAnnotations(hco: KubeObject): void {
    const problems: string[] = [];
    const activation = parseActivation(hco);
    if (activation) {
      const unknown = unknownActivationEntries(activation, this.o.catalog.assets);
      if (unknown.length) problems.push(`${ANNOTATIONS.autopilot} names no asset or group: ${unknown.join(', ')}`);
    }
    const big = oversizeControls(hco);
    if (big.length) problems.push(`${big.join(', ')} longer than ${MAX_ANNOTATION_BYTES} bytes: refused, the operator stays idle until it is shortened`);
    const { invalid } = parseExclusions(annotationsOf(hco)[ANNOTATIONS.disabledResources]);
    if (invalid.length) problems.push(`${ANNOTATIONS.disabledResources} has entries that are not Kind/namespace/name or Kind/name (ignored): ${invalid.join(', ')}`);
    const message = problems.join('; ');
    if (this.transitions.changed('hco-annotations', message) && message) {
      log.warn('invalid HyperConverged annotation', { kind: hco.kind, namespace: hco.metadata?.namespace, name: hco.metadata?.name, detail: message });
      this.o.events.emit(involvedOf(hco), 'InvalidAnnotation', message);
    }
  }

  /** Says once, on each HyperConverged the operator will not act on, why. */
  private reportOtherHcos(): void {
    const problem = this.o.cache.hcoVersionProblem();
    for (const other of this.o.cache.ignoredHcos()) {
      const why = problem
        ? problem
        : `this HyperConverged is not the one the operator manages (${this.o.cache.describeHcoLocation()}); it is never acted on. Remove it, or run the operator with --namespace set to its namespace if it is the cluster's HyperConverged`;
      if (this.transitions.changed(`ignored-hco/${other.metadata?.uid}`, why)) {
        log.warn('HyperConverged ignored', { hco: `${other.metadata?.namespace}/${other.metadata?.name}`, why });
        this.o.events.emit(involvedOf(other), problem ? 'CRDMissing' : 'HyperConvergedIgnored', why);
      }
    }
  }

  private async reconcileWorld(): Promise<void> {
    this.reportOtherHcos();
    let hco = this.o.cache.hco();
    if (!hco) {
      if (this.transitions.changed('world', 'no-hco')) log.info('no HyperConverged to manage; idle until one exists', { looked: this.o.cache.describeHcoLocation() });
      this.reports.clear();
      this.worldPasses++;
      return;
    }
    this.transitions.changed('world', 'hco');
    this.checkHcoAnnotations(hco);
    const outcomes: Outcome[] = [];
    const retryNow = this.retryNow;
    this.retryNow = false;
    for (const asset of this.o.catalog.assets) {
      // A failing asset waits for its backoff: a world pass (any Node label change starts one)
      // must not retry it early, unless something it may depend on changed.
      if (!retryNow && this.queue.backingOff(assetKey(asset.name))) {
        outcomes.push({ status: 'failed', message: 'waiting for its retry' });
        continue;
      }
      const o = await this.runAsset(asset, hco);
      this.schedule(asset, o);
      outcomes.push(o);
      // The HCO is the configuration source: read it back after its own asset.
      if (asset.reconcileOrder === 0) hco = this.o.cache.hco() ?? hco;
    }
    const tomb = await reapTombstones(this.tombstones, this.o.cache.establishedCrds(), this.o.cache, this.o.client, this.o.events);
    const mig = await this.migration.pass(this.o.catalog, hco, this.o.cache.establishedCrds(), this.o.catalog.assets.map((a, i) => ({ asset: a.name, outcome: outcomes[i]! })));
    // A kind whose cache cannot fill (e.g. list/watch revoked) must not start a pass every second.
    if (tomb.pending || mig.pending) this.queue.addRateLimited(TOMBSTONES, 1000);
    else this.queue.forget(TOMBSTONES);
    const bad = outcomes.filter((o) => o.status === 'failed' || o.status === 'refused' || o.status === 'throttled');
    const applied = outcomes.filter((o) => o.status === 'in-sync' || o.status === 'created' || o.status === 'updated').length;
    // Once per configuration that converged: a blip and its recovery are not a new success, nor is a
    // drift repair (it bumps the HCO's generation but renders the same objects), so the key is what
    // was rendered, not the generation. Nothing applied (an allowlist naming no asset, nothing
    // eligible) is no success to report.
    const config = `${hco.metadata?.uid}/${hashOf(annotationsOf(hco))}/${applied}/${hashOf(outcomes.map((o) => o.desired ?? null))}`;
    if (!bad.length && applied > 0 && parseActivation(hco) && this.transitions.changed('world-converged', config)) {
      this.o.events.emit(involvedOf(hco), 'ReconcileSucceeded', `all ${applied} eligible assets are applied and in sync`);
    }
    this.worldPasses++;
  }
}
