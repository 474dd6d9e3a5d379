// Prometheus metrics (prom-client, a private registry). Gauges are derived from the last outcome
// of each asset, so they always describe the present, not the history. Names follow the
// Prometheus conventions and the KubeVirt ones (one prefix for the operator's own metrics, help
// that says what a series means); scripts/metrics-lint.ts checks both in npm test.
// The process figures (CPU, RSS, heap) are read when scraped: prom-client's default metrics sample
// the event loop every 10 ms and observe every GC, which was most of what the process spent idle.
import client from 'prom-client';
import type { Customization, Outcome } from '../chain/outcome.js';
import type { ControllerMetrics } from '../controller/reconciler.js';
import type { QueueMetrics } from '../controller/work-queue.js';
import type { LeaderMetrics } from '../leader/leader-elector.js';
import { VERSION } from '../version.js';

/** The prefix of every metric the operator defines (the Node.js process metrics aside). */
export const METRIC_PREFIX = 'virt_platform_';

const IN_SYNC = new Set(['in-sync', 'created', 'updated']);

export class OperatorMetrics implements ControllerMetrics, QueueMetrics, LeaderMetrics {
  readonly registry = new client.Registry();
  private readonly compliance = new client.Gauge({
    name: 'virt_platform_compliance_status',
    help: 'Whether the object of an asset matches its desired state (1) or not (0: throttled, paused, refused, failed); no series for an asset that is skipped (not eligible, excluded, unmanaged, CRD missing)',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  private readonly thrashingTotal = new client.Counter({
    name: 'virt_platform_thrashing_total',
    help: 'Edit wars detected (objects paused by the anti-thrashing gate)',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  private readonly prunedTotal = new client.Counter({
    name: 'virt_platform_pruned_objects_total',
    help: 'Objects the operator stopped managing because their asset was turned off: action="removed" (it had created them: deleted) or action="released" (it had adopted them: label and field ownership given up, content left as is)',
    labelNames: ['asset', 'action'],
    registers: [this.registry],
  });
  // The counts over all assets are taken at scrape time: a world pass reports every asset, and
  // recounting them all on each report made a pass quadratic in the catalog.
  private readonly paused: client.Gauge = new client.Gauge({
    name: 'virt_platform_paused_objects',
    help: 'Objects whose reconciliation is paused (reconcile-paused annotation)',
    registers: [this.registry],
    collect: () => this.paused.set([...this.state.values()].filter((s) => s.status === 'paused').length),
  });
  private readonly customizations: client.Gauge = new client.Gauge({
    name: 'virt_platform_customizations',
    help: 'Managed objects customised by users, by kind of customisation (patch, ignore-fields, unmanaged)',
    labelNames: ['type'],
    registers: [this.registry],
    collect: () => {
      for (const type of ['patch', 'ignore-fields', 'unmanaged'])
        this.customizations.set({ type }, [...this.state.values()].filter((s) => s.customizations.includes(type)).length);
    },
  });
  private readonly missing = new client.Gauge({
    name: 'virt_platform_missing_dependencies',
    help: 'Assets skipped because a CRD they need is not installed',
    labelNames: ['asset'],
    registers: [this.registry],
  });
  private readonly failing: client.Gauge = new client.Gauge({
    name: 'virt_platform_asset_failing',
    help: 'Whether an asset is failing now: 1 while its last reconcile failed or its user annotation was refused (no series otherwise)',
    labelNames: ['asset', 'reason'],
    registers: [this.registry],
    collect: () => {
      this.failing.reset();
      for (const [asset, s] of this.state) if (s.failure) this.failing.set({ asset, reason: s.failure }, 1);
    },
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
  private readonly buildInfo = new client.Gauge({
    name: 'virt_platform_build_info',
    help: 'Always 1; the labels say which version of the operator runs, on which Node.js runtime',
    labelNames: ['version', 'nodejs_version'],
    registers: [this.registry],
  });
  /** Keys waiting in the work queue, read at scrape time (set by the operator). */
  queueDepth: () => number = () => 0;
  private readonly workqueueDepth: client.Gauge = new client.Gauge({
    name: 'virt_platform_workqueue_depth',
    help: 'Work items (a world pass or one asset) waiting in the reconcile work queue',
    registers: [this.registry],
    collect: (): void => this.workqueueDepth.set(this.queueDepth()),
  });
  private readonly workqueueAdds = new client.Counter({
    name: 'virt_platform_workqueue_adds_total',
    help: 'Work items added to the reconcile work queue (an item already queued is not added twice)',
    registers: [this.registry],
  });
  private readonly workqueueRetries = new client.Counter({
    name: 'virt_platform_workqueue_retries_total',
    help: 'Work items re-queued with backoff after a failed reconcile',
    registers: [this.registry],
  });
  private readonly workqueueWait = new client.Histogram({
    name: 'virt_platform_workqueue_queue_duration_seconds',
    help: 'How long a work item waited in the reconcile work queue before a worker took it',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers: [this.registry],
  });
  private readonly leaderStatus = new client.Gauge({
    name: 'virt_platform_leader_election_status',
    help: 'Whether this replica holds the leader-election Lease (1) or is a standby (0); absent without --leader-elect',
    labelNames: ['lease'],
    registers: [this.registry],
  });
  private readonly leaseRenewals = new client.Counter({
    name: 'virt_platform_leader_election_renewals_total',
    help: 'Lease renewals by the leader: with --leader-elect each one is a GET and a PUT of the Lease every --retry-period (2 s), the only API requests of a steady state',
    labelNames: ['lease'],
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
  /** The last report per asset, as what it sets (metrics.outcome). */
  private readonly said = new Map<string, string>();

  /** Capacity scans done so far and the Nodes the last one read, at scrape time (set by the operator). */
  nodeCapacityScans: () => { scans: number; nodes: number } = () => ({ scans: 0, nodes: 0 });
  private readonly capacityScans = new client.Counter({
    name: 'virt_platform_node_capacity_scans_total',
    help: 'Paginated lists of full Nodes read for their extended-resource capacity (run after Node changes, rate-bounded)',
    registers: [this.registry],
    collect: () => {
      this.capacityScans.reset();
      this.capacityScans.inc(this.nodeCapacityScans().scans);
    },
  });
  private readonly capacityScanned: client.Gauge = new client.Gauge({
    name: 'virt_platform_node_capacity_scanned_nodes',
    help: 'Nodes read by the last capacity scan',
    registers: [this.registry],
    collect: () => {
      this.capacityScanned.set(this.nodeCapacityScans().nodes);
    },
  });

  constructor(processMetrics = true) {
    if (processMetrics) registerProcessMetrics(this.registry);
    this.buildInfo.set({ version: VERSION, nodejs_version: process.version }, 1);
  }

  queued(): void {
    this.workqueueAdds.inc();
  }

  retried(): void {
    this.workqueueRetries.inc();
  }

  waited(seconds: number): void {
    this.workqueueWait.observe(seconds);
  }

  leading(lease: string, leader: boolean): void {
    this.leaderStatus.set({ lease }, leader ? 1 : 0);
  }

  renewed(lease: string): void {
    this.leaseRenewals.inc({ lease });
  }

  outcome(asset: string, o: Outcome, customizations: readonly Customization[]): void {
    const custom: readonly string[] = o.reason === 'UnmanagedMode' ? ['unmanaged'] : customizations;
    const failure = o.status === 'failed' || o.status === 'refused' ? (o.reason ?? 'Error') : undefined;
    if (o.status === 'removed' || o.status === 'released') this.prunedTotal.inc({ asset, action: o.status });
    // Most reports of a world pass repeat the last one: nothing to set.
    const said = [o.status, custom.join(), failure, Boolean(o.off), o.reason === 'CRDMissing', o.status === 'held' ? (o.holders ?? []).join() : ''].join('|');
    if (this.said.get(asset) === said) return;
    this.said.set(asset, said);
    this.state.set(asset, { status: o.status, customizations: custom, failure });
    // Skipped (unmanaged included) is no statement about compliance: no series, so a deliberate
    // `mode: unmanaged` never trips the not-compliant alert.
    // An asset turned off (its removal waiting for the hold-down or its pool included) is no statement either.
    if (o.status === 'skipped' || o.off) this.compliance.remove({ asset });
    else this.compliance.set({ asset }, IN_SYNC.has(o.status) ? 1 : 0);
    this.missing.set({ asset }, o.reason === 'CRDMissing' ? 1 : 0);
    for (const pool of this.heldBy.get(asset) ?? []) this.rolloutHeld.remove({ pool, asset });
    this.heldBy.set(asset, o.status === 'held' ? (o.holders ?? []) : []);
    for (const pool of this.heldBy.get(asset) ?? []) this.rolloutHeld.set({ pool, asset }, 1);
  }

  thrashing(asset: string): void {
    this.thrashingTotal.inc({ asset });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The usual process_* and nodejs_heap_* figures, computed at scrape time only (no timer). */
function registerProcessMetrics(registry: client.Registry): void {
  const gauge = (name: string, help: string, value: () => number): void =>
    void new client.Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value());
      },
    });
  const counter = (name: string, help: string, value: () => number): void =>
    void new client.Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(value());
      },
    });
  counter('process_cpu_user_seconds_total', 'User CPU time spent in seconds', () => process.cpuUsage().user / 1e6);
  counter('process_cpu_system_seconds_total', 'System CPU time spent in seconds', () => process.cpuUsage().system / 1e6);
  counter('process_cpu_seconds_total', 'User and system CPU time spent in seconds', () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1e6;
  });
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes', () => process.memoryUsage.rss());
  gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds', () => Math.round(performance.timeOrigin / 1000));
  gauge('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes', () => process.memoryUsage().heapTotal);
  gauge('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes', () => process.memoryUsage().heapUsed);
  gauge('nodejs_external_memory_bytes', 'Node.js external memory size in bytes', () => process.memoryUsage().external);
}
