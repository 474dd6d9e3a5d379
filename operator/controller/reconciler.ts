// The controller loop: turns cache changes into work items and work items into chain runs.
// A world pass re-evaluates everything (HCO first, then the other assets in reconcile order, then
// the tombstones); an asset item reconciles one asset after an event on its object. A periodic
// world resync catches anything missed, and costs no request when nothing changed.
import type { Asset, Catalog } from '../catalog/catalog.js';
import { parseActivation, unknownActivationEntries } from '../catalog/eligibility.js';
import { parseExclusions } from '../catalog/exclusion.js';
import { loadTombstones, type Tombstone } from '../catalog/tombstones.js';
import type { AntiThrashing } from '../chain/anti-thrashing.js';
import { assetReport, type AssetReport } from '../chain/asset-report.js';
import { applyEnd, buildChain, type Chain } from '../chain/chain.js';
import type { ChainMetrics } from '../chain/chain-metrics.js';
import { DriftMemo } from '../chain/drift-memo.js';
import { HoldDown } from '../chain/hold-down.js';
import { adoptionByGet } from '../chain/lookup-step.js';
import { OutcomeMemory } from '../chain/outcome-memory.js';
import type { Outcome } from '../chain/outcome.js';
import { newRun } from '../chain/run.js';
import type { Families } from '../families/registry.js';
import type { KubeClient } from '../kube/client.js';
import { describeError } from '../kube/errors.js';
import { involvedOf, type EventSink } from '../kube/events.js';
import { log } from '../log.js';
import type { Renderer } from '../render/renderer.js';
import { hashOf } from '../util/stable-json.js';
import { ANNOTATIONS, annotationsOf, MAX_ANNOTATION_BYTES, oversizeControls } from '../vocabulary/annotations.js';
import { namespacedName, parseApiVersion, type KubeObject } from '../vocabulary/object.js';
import { objectKey, type GroupKind, type ObjectKey } from '../vocabulary/resource.js';
import type { Change, ClusterCache } from '../watch/cluster-cache.js';
import { ControllerMemory } from './controller-memory.js';
import { declaredResources } from './declared-resources.js';
import { reapTombstones } from './tombstones.js';
import { assetItem, TOMBSTONES, WORLD, workKey, type WorkItem } from './work-item.js';
import { GoAutopilotMigration, loadGoObjects } from './go-autopilot.js';
import { WorkQueue } from './work-queue.js';

export { WORLD } from './work-item.js';

/** What the controller reports to metrics (implemented by http/metrics.ts). */
export interface ControllerMetrics extends ChainMetrics {
  reconcileDuration: { startTimer(labels: { type: string }): () => void };
}

export interface ReconcilerOptions {
  catalog: Catalog;
  renderer: Renderer;
  client: KubeClient;
  cache: ClusterCache;
  events: EventSink;
  antiThrashing: AntiThrashing;
  /** The family handlers: their gates in the chain, their hooks around each pass. */
  families: Families;
  familyKinds: readonly GroupKind[];
  metrics?: ControllerMetrics;
  resyncMs?: number;
  /** The off-switch's hold-down for fact-based "no"s (chain/hold-down.ts). */
  holdDown?: HoldDown;
}

/** How long a world pass waits for the first list of a kind an asset turned out to render. */
const PENDING_WAIT_MS = 5000;
/** How long a world pass waits for more of a burst of changes (see onChange). */
const COALESCE_MS = 100;

export class Reconciler {
  readonly queue = new WorkQueue<WorkItem>(undefined, workKey);
  readonly reports = new Map<string, AssetReport>();
  private readonly chain: Chain;
  private readonly memo = new DriftMemo();
  private readonly memory = new ControllerMemory();
  private readonly objectToAsset = new Map<ObjectKey, string>();
  private readonly tombstones: Tombstone[];
  private readonly tombstoneKeys: Set<ObjectKey>;
  /** Objects of the Go autopilot replaced by assets here (assets/migration/go-autopilot.yaml). */
  readonly migration: GoAutopilotMigration;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** Set when the HCO, a CRD or the namespaces changed: the next world pass skips no backoff. */
  private retryNow = true;
  private workers: Promise<void>[] = [];
  /** Completed world passes (tests and benchmarks wait on this). */
  worldPasses = 0;

  constructor(private readonly o: ReconcilerOptions) {
    const memo = this.memo;
    this.chain = buildChain(
      {
        renderer: o.renderer,
        cache: o.cache,
        record: { events: o.events, memory: new OutcomeMemory(), metrics: o.metrics },
        policies: o.families.policies,
        adoption: adoptionByGet(o.client),
        prune: {
          ready: () => o.cache.synced,
          holdDown: o.holdDown ?? new HoldDown(),
          unknownActivation: (a) => unknownActivationEntries(a, o.catalog.assets),
        },
      },
      applyEnd({ client: o.client, cache: o.cache, memo, antiThrashing: o.antiThrashing, policies: o.families.policies, metrics: o.metrics }),
    );
    this.tombstones = loadTombstones(o.catalog.dir);
    this.migration = new GoAutopilotMigration(o.client, o.events, loadGoObjects(o.catalog.dir), () => this.queue.add(WORLD));
    this.tombstoneKeys = new Set(
      this.tombstones.map(({ object: t }) =>
        objectKey({ group: parseApiVersion(t.apiVersion ?? '').group, kind: t.kind ?? '' }, t.metadata?.namespace, t.metadata?.name ?? ''),
      ),
    );
  }

  /** The managed kinds to watch now (the catalog's, the tombstones', the families'), resolved against the installed CRDs. */
  watchedResources(): ReturnType<typeof declaredResources> {
    return declaredResources(this.o.catalog, this.tombstones, this.o.familyKinds, this.o.cache.establishedCrds());
  }

  /** Feeds cache changes into the queue. */
  onChange(c: Change): void {
    // What an asset's failure may depend on changed: world passes try failing assets again.
    if (c.type === 'hco' || c.type === 'crd' || c.type === 'namespaces' || c.type === 'synced') this.retryNow = true;
    if (c.type === 'object') {
      const asset = this.objectToAsset.get(c.key);
      if (asset) this.queue.add(assetItem(asset));
      else if (!c.deleted && this.tombstoneKeys.has(c.key)) this.queue.add(WORLD);
      return;
    }
    // The HCO (an admin's edit, a drift of it) is acted on at once. What changes in bursts — a
    // kind's cache filling at start-up, CRDs installed together, Nodes labelled one after another —
    // is one world pass for the burst, not one per change (each pass renders every asset).
    if (c.type === 'hco') this.queue.add(WORLD);
    else this.queue.addAfter(WORLD, COALESCE_MS);
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
      const item = await this.queue.get();
      if (item === undefined) return;
      const end = this.o.metrics?.reconcileDuration.startTimer({ type: item.type === 'asset' ? 'asset' : 'world' });
      try {
        await this.reconcile(item);
      } catch (err) {
        log.error('reconcile failed', { item: workKey(item), error: describeError(err) });
        this.queue.addRateLimited(item);
      } finally {
        end?.();
        this.queue.done(item);
      }
    }
  }

  async reconcile(item: WorkItem): Promise<void> {
    if (item.type !== 'asset') return this.reconcileWorld();
    const asset = this.o.catalog.assets.find((a) => a.name === item.name);
    const hco = this.o.cache.hco();
    if (!asset || !hco) return;
    // One asset's pass is a batch of its own (drift repair goes through the same gates).
    this.o.families.beginPass();
    try {
      this.schedule(asset, await this.runAsset(asset, hco));
    } finally {
      this.o.families.endPass();
    }
  }

  private schedule(asset: Asset, o: Outcome): void {
    const item = assetItem(asset.name);
    // A timed hold (window, settling) ends for every held change of the pool at once: a world pass,
    // not this asset alone, so they go out in one batch and cost one rollout.
    if (o.status === 'held' && o.requeueAfterMs !== undefined) this.queue.addAfter(WORLD, o.requeueAfterMs);
    else if (o.status === 'throttled' && o.requeueAfterMs !== undefined) this.queue.addAfter(item, o.requeueAfterMs);
    else if (o.status === 'failed') this.queue.addRateLimited(item, o.requeueAfterMs);
    else if (o.status === 'pending') {
      // The kind of what it renders is not watched yet (a version the catalog did not declare):
      // watch it; its `synced` change brings a world pass.
      if (o.subject?.resource) this.o.cache.watch([o.subject.resource]);
    } else this.queue.forget(item);
  }

  private async runAsset(asset: Asset, hco: KubeObject): Promise<Outcome> {
    const facts = this.o.cache.facts();
    const outcome = await this.chain(newRun(asset, hco, facts, this.o.families.policies(asset.family).context?.(hco, facts)));
    if (outcome.subject?.key) this.objectToAsset.set(outcome.subject.key, asset.name);
    this.reports.set(asset.name, assetReport(asset, outcome));
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
    problems.push(...this.o.families.hcoAnnotationProblems(hco));
    if (invalid.length)
      problems.push(`${ANNOTATIONS.disabledResources} has entries that are not Kind/namespace/name or Kind/name (ignored): ${invalid.join(', ')}`);
    const message = problems.join('; ');
    if (this.memory.annotationProblems === message) return;
    this.memory.annotationProblems = message;
    if (message) {
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
      const uid = other.metadata?.uid ?? '';
      if (this.memory.ignoredHcos.get(uid) === why) continue;
      this.memory.ignoredHcos.set(uid, why);
      log.warn('HyperConverged ignored', { hco: namespacedName(other), why });
      this.o.events.emit(involvedOf(other), problem ? 'CRDMissing' : 'HyperConvergedIgnored', why);
    }
  }

  /** The assets in reconcile order (one batch for the families); answers the HCO as read back. */
  private async runAssets(hco: KubeObject, outcomes: Outcome[]): Promise<KubeObject> {
    const retryNow = this.retryNow;
    this.retryNow = false;
    for (const asset of this.o.catalog.assets) {
      // A failing asset waits for its backoff: a world pass (any Node label change starts one)
      // must not retry it early, unless something it may depend on changed.
      if (!retryNow && this.queue.backingOff(assetItem(asset.name))) {
        outcomes.push({ status: 'failed', message: 'waiting for its retry' });
        continue;
      }
      let o = await this.runAsset(asset, hco);
      if (o.status === 'pending' && o.subject?.resource) {
        // What it renders is not watched yet (a kind several groups serve, a version nothing
        // declared): watch it, and look once more when its first list is in (bounded).
        this.o.cache.watch([o.subject.resource]);
        await Promise.race([this.o.cache.whenTried([o.subject.resource]), new Promise((r) => setTimeout(r, PENDING_WAIT_MS).unref())]);
        o = await this.runAsset(asset, hco);
      }
      this.schedule(asset, o);
      outcomes.push(o);
      // The configuration source as the family that owns it says (the HCO family reads it back).
      hco = this.o.families.policies(asset.family).sourceAfter?.(hco, o, () => this.o.cache.hco()) ?? hco;
    }
    return hco;
  }

  /** What an asset rendered, as a hash: the drift check's for an object in sync or written now
   *  (computed once per pass, not twice). */
  private desiredHash(o: Outcome): string | null {
    const desired = o.subject?.desired;
    if (!desired) return null;
    const checked =
      o.subject?.key && (o.status === 'in-sync' || o.status === 'created' || o.status === 'updated') ? this.memo.desiredHash(o.subject.key) : undefined;
    return checked ?? hashOf(desired);
  }

  private async reconcileWorld(): Promise<void> {
    this.reportOtherHcos();
    let hco = this.o.cache.hco();
    if (!hco) {
      if (this.memory.hcoPresent !== false) log.info('no HyperConverged to manage; idle until one exists', { looked: this.o.cache.describeHcoLocation() });
      this.memory.hcoPresent = false;
      this.reports.clear();
      this.worldPasses++;
      return;
    }
    this.memory.hcoPresent = true;
    this.checkHcoAnnotations(hco);
    // The kinds the catalog declares are watched before their assets run (a read starts nothing).
    this.o.cache.watch(this.watchedResources());
    const outcomes: Outcome[] = [];
    this.o.families.beginPass();
    try {
      hco = await this.runAssets(hco, outcomes);
    } finally {
      this.o.families.endPass();
    }
    const tomb = await reapTombstones(this.tombstones, this.o.cache.establishedCrds(), this.o.cache, this.o.client, this.o.events);
    const mig = await this.migration.pass(
      this.o.catalog,
      hco,
      this.o.cache.establishedCrds(),
      this.o.catalog.assets.map((a, i) => ({ asset: a.name, outcome: outcomes[i]! })),
    );
    // A kind whose cache cannot fill (e.g. list/watch revoked) must not start a pass every second.
    if (tomb.pending || mig.pending) this.queue.addRateLimited(TOMBSTONES, 1000);
    else this.queue.forget(TOMBSTONES);
    const bad = outcomes.filter(
      (o) => o.status === 'failed' || o.status === 'refused' || o.status === 'throttled' || o.status === 'pending' || o.status === 'held',
    );
    const applied = outcomes.filter((o) => o.status === 'in-sync' || o.status === 'created' || o.status === 'updated').length;
    // Once per configuration that converged: a blip and its recovery are not a new success, nor is a
    // drift repair (it bumps the HCO's generation but renders the same objects), so the key is what
    // was rendered, not the generation. Nothing applied (an allowlist naming no asset, nothing
    // eligible) is no success to report.
    const config = `${hco.metadata?.uid}/${hashOf(annotationsOf(hco))}/${applied}/${hashOf(outcomes.map((o) => this.desiredHash(o)))}`;
    if (!bad.length && applied > 0 && parseActivation(hco) && this.memory.converged !== config) {
      this.memory.converged = config;
      this.o.events.emit(involvedOf(hco), 'ReconcileSucceeded', `all ${applied} eligible assets are applied and in sync`);
    }
    this.worldPasses++;
  }
}
