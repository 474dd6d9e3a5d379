// Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics: a candidate takes
// the lease when it is free or its holder has not renewed it for leaseDuration (measured on the
// local clock from when the record last changed, so clocks need not agree); the leader renews
// every retryPeriod and gives up if it cannot renew within renewDeadline; releasing on shutdown
// clears the holder so a standby takes over at once.
import { isStatus } from '../kube/errors.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { log } from '../log.js';

export interface LeaderElectionSettings {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

/** What leader election reports: who leads, and every renewal (each a GET and a PUT of the Lease). */
export interface LeaderMetrics {
  leading(lease: string, leader: boolean): void;
  renewed(lease: string): void;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
const microTime = (d = new Date()): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  private observed: { record: string; at: number } | undefined;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  metrics: LeaderMetrics | undefined;

  constructor(
    private readonly client: KubeClient,
    readonly settings: LeaderElectionSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.settings.namespace)}/leases/${encodeURIComponent(this.settings.name)}`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** One attempt to acquire or renew; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const me = this.settings.identity;
    const desired: LeaseSpec = {
      holderIdentity: me,
      leaseDurationSeconds: Math.ceil(this.settings.leaseDurationMs / 1000),
      acquireTime: microTime(),
      renewTime: microTime(),
      leaseTransitions: 0,
    };
    const current = await this.client.getOrUndefined<Lease>(this.path);
    if (!current) {
      try {
        await this.client.create(this.path.replace(/\/[^/]+$/, ''), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.settings.name, namespace: this.settings.namespace },
          spec: desired,
        });
        this.observed = { record: JSON.stringify(desired), at: this.now() };
        return true;
      } catch (e) {
        if (isStatus(e, 409)) return false;
        throw e;
      }
    }
    const spec = current.spec ?? {};
    const record = JSON.stringify(spec);
    if (this.observed?.record !== record) this.observed = { record, at: this.now() };
    const holder = spec.holderIdentity ?? '';
    const duration = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder && holder !== me && this.observed.at + duration > this.now()) return false;
    if (holder === me) {
      desired.acquireTime = spec.acquireTime;
      desired.leaseTransitions = spec.leaseTransitions ?? 0;
    } else {
      desired.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    try {
      // resourceVersion makes this a compare-and-swap: two candidates cannot both win.
      await this.client.replace(this.path, { ...current, spec: desired });
    } catch (e) {
      if (isStatus(e, 409)) return false;
      throw e;
    }
    this.observed = { record: JSON.stringify(desired), at: this.now() };
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      this.timer = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(this.timer);
        r();
      };
    });
  }

  private async attempt(): Promise<boolean> {
    try {
      return await this.tryAcquireOrRenew();
    } catch (e) {
      log.warn('leader election: lease request failed', { lease: `${this.settings.namespace}/${this.settings.name}`, error: (e as Error).message });
      return false;
    }
  }

  /**
   * Campaigns until leading, calls onStartedLeading, then renews until the lease is lost (then
   * onStoppedLeading) or stop() is called. Jitter keeps candidates from retrying in lockstep.
   */
  async run(onStartedLeading: () => void, onStoppedLeading: () => void): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.settings;
    const lease = `${this.settings.namespace}/${this.settings.name}`;
    this.metrics?.leading(lease, false);
    while (!this.stopped && !(await this.attempt())) await this.sleep(retryPeriodMs * (1 + Math.random() * 0.2));
    if (this.stopped) return;
    this.leading = true;
    this.metrics?.leading(lease, true);
    log.info('leader election: acquired the lease', { lease: `${this.settings.namespace}/${this.settings.name}`, identity: this.settings.identity });
    onStartedLeading();
    let lastRenew = this.now();
    while (!this.stopped) {
      await this.sleep(retryPeriodMs);
      if (this.stopped) break;
      if (await this.attempt()) {
        lastRenew = this.now();
        this.metrics?.renewed(lease);
      } else if (this.now() - lastRenew > renewDeadlineMs) {
        this.leading = false;
        this.metrics?.leading(lease, false);
        log.error('leader election: lost the lease (could not renew within the renew deadline)', { identity: this.settings.identity });
        onStoppedLeading();
        return;
      }
    }
  }

  /** Stops campaigning; when leading, releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (!this.leading) return;
    this.leading = false;
    this.metrics?.leading(`${this.settings.namespace}/${this.settings.name}`, false);
    try {
      const current = await this.client.getOrUndefined<Lease>(this.path);
      if (current?.spec?.holderIdentity !== this.settings.identity) return;
      await this.client.replace(this.path, {
        ...current,
        spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(), acquireTime: microTime() },
      });
      log.info('leader election: released the lease', { identity: this.settings.identity });
    } catch (e) {
      log.warn('leader election: could not release the lease', { error: (e as Error).message });
    }
  }
}
