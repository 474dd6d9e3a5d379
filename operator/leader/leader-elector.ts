// Leader election on a coordination.k8s.io/v1 Lease with client-go's semantics: a candidate takes
// the lease when it is free or its holder has not renewed it for leaseDuration (measured on the
// local clock from when the record last changed, so clocks need not agree); the leader renews
// every retryPeriod and gives up if it cannot renew within renewDeadline; releasing on shutdown
// clears the holder so a standby takes over at once. Every Lease request is bounded by the time
// leadership has left (or by the renew deadline while campaigning): a hung request is abandoned,
// never waited for; and leadership ends on the clock (see leadership.ts), not when a request returns.
import { isStatus } from '../kube/errors.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../vocabulary/object.js';
import { log } from '../log.js';
import { jittered } from '../util/backoff.js';
import { Sleeper } from '../util/sleeper.js';
import { Leadership } from './leadership.js';

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
  /** The write permit: hand it to the client that writes (KubeClient.setWriteGate). */
  readonly leadership: Leadership;
  private observed: { record: string; at: number } | undefined;
  private leading = false;
  private stopped = false;
  private readonly sleeper = new Sleeper();
  metrics: LeaderMetrics | undefined;

  /** @param client a client of its own: its Lease requests must not pass the write gate */
  constructor(
    private readonly client: KubeClient,
    readonly settings: LeaderElectionSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.leadership = new Leadership(now);
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.settings.namespace)}/leases/${encodeURIComponent(this.settings.name)}`;
  }

  get isLeader(): boolean {
    return this.leading && this.leadership.valid;
  }

  /** One attempt to acquire or renew; true when we hold the lease afterwards. */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const me = this.settings.identity;
    const desired: LeaseSpec = {
      holderIdentity: me,
      leaseDurationSeconds: Math.ceil(this.settings.leaseDurationMs / 1000),
      acquireTime: microTime(),
      renewTime: microTime(),
      leaseTransitions: 0,
    };
    const current = await this.client.getOrUndefined<Lease>(this.path, signal);
    if (!current) {
      try {
        await this.client.create(
          this.path.replace(/\/[^/]+$/, ''),
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.settings.name, namespace: this.settings.namespace },
            spec: desired,
          },
          undefined,
          signal,
        );
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
      await this.client.replace(this.path, { ...current, spec: desired }, signal);
    } catch (e) {
      if (isStatus(e, 409)) return false;
      throw e;
    }
    this.observed = { record: JSON.stringify(desired), at: this.now() };
    return true;
  }

  /** One bounded attempt: the request is abandoned after timeoutMs. Renews the permit on success. */
  private async attempt(timeoutMs: number): Promise<boolean> {
    if (timeoutMs <= 0) return false;
    const sentAt = this.now();
    try {
      const ok = await this.tryAcquireOrRenew(AbortSignal.timeout(Math.ceil(timeoutMs)));
      if (ok) this.leadership.renewed(sentAt, this.settings.renewDeadlineMs);
      return ok;
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
    while (!this.stopped && !(await this.attempt(renewDeadlineMs))) await this.sleeper.sleep(jittered(retryPeriodMs, 1, 1.2));
    if (this.stopped) return;
    this.leading = true;
    this.metrics?.leading(lease, true);
    log.info('leader election: acquired the lease', { lease: `${this.settings.namespace}/${this.settings.name}`, identity: this.settings.identity });
    onStartedLeading();
    while (!this.stopped) {
      await this.sleeper.sleep(Math.min(retryPeriodMs, this.leadership.remainingMs));
      if (this.stopped) break;
      // Bounded by what is left of leadership: a hung request cannot outlive it.
      if (await this.attempt(this.leadership.remainingMs)) {
        this.metrics?.renewed(lease);
      } else if (!this.leadership.valid) {
        this.leading = false;
        this.metrics?.leading(lease, false);
        this.leadership.lose('could not renew within the renew deadline');
        log.error('leader election: lost the lease (could not renew within the renew deadline); writes stopped', { identity: this.settings.identity });
        onStoppedLeading();
        return;
      }
    }
  }

  /** Stops campaigning; when leading, releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wakeAll();
    // Release only a lease we still hold for sure: after the renew deadline a standby may own it.
    const wasLeading = this.leading && this.leadership.valid;
    const signal = AbortSignal.timeout(Math.max(1, Math.ceil(this.leadership.remainingMs)));
    this.leadership.lose('stopping');
    if (this.leading) this.metrics?.leading(`${this.settings.namespace}/${this.settings.name}`, false);
    this.leading = false;
    if (!wasLeading) return;
    try {
      const current = await this.client.getOrUndefined<Lease>(this.path, signal);
      if (current?.spec?.holderIdentity !== this.settings.identity) return;
      await this.client.replace(
        this.path,
        {
          ...current,
          spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(), acquireTime: microTime() },
        },
        signal,
      );
      log.info('leader election: released the lease', { identity: this.settings.identity });
    } catch (e) {
      log.warn('leader election: could not release the lease', { error: (e as Error).message });
    }
  }
}
