// Prometheus metrics (prom-client, a private registry). Gauges are derived from the last outcome
// of each asset, so they always describe the present, not the history.
import client from 'prom-client';
import type { Customization, Outcome } from '../chain/outcome.js';
import type { ControllerMetrics } from '../controller/reconciler.js';

const IN_SYNC = new Set(['in-sync', 'created', 'updated']);

export class OperatorMetrics implements ControllerMetrics {
  readonly registry = new client.Registry();
  private readonly compliance = new client.Gauge({
    name: 'virt_platform_compliance_status',
    help: 'Whether the object of an asset matches its desired state (1) or not (0: throttled, paused, refused, failed)',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  private readonly thrashingTotal = new client.Counter({
    name: 'virt_platform_thrashing_total',
    help: 'Edit wars detected (objects paused by the anti-thrashing gate)',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  private readonly paused = new client.Gauge({
    name: 'virt_platform_paused_objects',
    help: 'Objects whose reconciliation is paused (reconcile-paused annotation)',
    registers: [this.registry],
  });
  private readonly customizations = new client.Gauge({
    name: 'virt_platform_customizations',
    help: 'Managed objects customised by users, by kind of customisation (patch, ignore-fields, unmanaged)',
    labelNames: ['type'],
    registers: [this.registry],
  });
  private readonly missing = new client.Gauge({
    name: 'virt_platform_missing_dependencies',
    help: 'Assets skipped because a CRD they need is not installed',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  private readonly failing = new client.Gauge({
    name: 'virt_platform_asset_failures',
    help: 'Assets whose last reconcile failed or whose user annotation was refused (1)',
    labelNames: ['asset', 'reason'],
    registers: [this.registry],
  });
  private readonly rolloutHeld = new client.Gauge({
    name: 'virt_platform_rollout_held',
    help: 'Node-disrupting changes held (1) by the MachineConfigPool they land on (Updating, Degraded, paused, settling) or the node-disruption window',
    labelNames: ['pool', 'asset'],
    registers: [this.registry],
  });
  private readonly heldBy = new Map<string, readonly string[]>();
  readonly reconcileDuration = new client.Histogram({
    name: 'virt_platform_reconcile_duration_seconds',
    help: 'Duration of reconciles, by work item type (world pass or single asset)',
    labelNames: ['type'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly apiRequests = new client.Counter({
    name: 'virt_platform_api_requests_total',
    help: 'Requests sent to the Kubernetes API server, by verb',
    labelNames: ['verb'],
    registers: [this.registry],
  });
  /** Objects held by each informer, read at scrape time (set by the operator). */
  watchedObjects: () => Record<string, number> = () => ({});
  private readonly watched = new client.Gauge({
    name: 'virt_platform_watched_objects',
    help: 'Objects held in memory by each watch (Nodes are compact projections)',
    labelNames: ['informer'],
    registers: [this.registry],
    collect: () => {
      this.watched.reset();
      for (const [informer, n] of Object.entries(this.watchedObjects())) this.watched.set({ informer }, n);
    },
  });
  private readonly state = new Map<string, { status: string; customizations: readonly string[]; failure?: string }>();

  constructor(defaultMetrics = true) {
    if (defaultMetrics) client.collectDefaultMetrics({ register: this.registry });
  }

  outcome(asset: string, o: Outcome, customizations: readonly Customization[]): void {
    const custom: readonly string[] = o.reason === 'UnmanagedMode' ? ['unmanaged'] : customizations;
    const failure = o.status === 'failed' || o.status === 'refused' ? (o.reason ?? 'Error') : undefined;
    this.state.set(asset, { status: o.status, customizations: custom, failure });
    if (o.status === 'skipped' && o.reason !== 'UnmanagedMode') this.compliance.remove({ asset });
    else this.compliance.set({ asset }, IN_SYNC.has(o.status) ? 1 : 0);
    this.missing.set({ asset }, o.reason === 'CRDMissing' ? 1 : 0);
    for (const pool of this.heldBy.get(asset) ?? []) this.rolloutHeld.remove({ pool, asset });
    this.heldBy.set(asset, o.status === 'held' ? (o.holders ?? []) : []);
    for (const pool of this.heldBy.get(asset) ?? []) this.rolloutHeld.set({ pool, asset }, 1);
    this.failing.reset();
    this.paused.set([...this.state.values()].filter((s) => s.status === 'paused').length);
    for (const type of ['patch', 'ignore-fields', 'unmanaged']) {
      this.customizations.set({ type }, [...this.state.values()].filter((s) => s.customizations.includes(type)).length);
    }
    for (const [a, s] of this.state) if (s.failure) this.failing.set({ asset: a, reason: s.failure }, 1);
  }

  thrashing(asset: string): void {
    this.thrashingTotal.inc({ asset });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
