// The machine-config family's gate before apply: a node-disrupting write (a MachineConfig or
// KubeletConfig created, or its spec changed) goes out only while every pool it lands on is open —
// Updated, not Updating, not Degraded, not paused, not settling after our previous batch — and
// inside the node-disruption window when the HCO sets one. Otherwise the write is held, with the
// reason; the pool's next change (or the window, or the settle timeout) brings it back.
// Batching: once a pool took a write in a pass, every other pending change of that pool in the same
// pass goes too (the MCO renders once: one rollout). At the end of the pass the pool settles until
// its rendered configuration changed from the one it had before our batch and it is Updated again,
// or until the settle timeout (then its conditions alone decide; logged).
import type { Drifting } from '../../chain/run.js';
import type { Outcome } from '../../chain/outcome.js';
import { log } from '../../log.js';
import { poolHold, type PoolHold, type PoolProjection } from './pool.js';
import { isNodeDisruptingWrite, poolsOf } from './pools-of.js';
import { describeWait, msUntilOpen, windowOpen } from './window.js';
import { windowOf } from './window-annotation.js';

/** The pools as the watch layer sees them. */
export interface PoolSource {
  /** False while the MachineConfigPool CRD is installed but its cache has not filled. */
  synced(): boolean;
  list(): readonly PoolProjection[];
}

export interface RolloutGateDeps {
  pools: PoolSource;
  now(): number;
  /** How long a pool may settle after our batch before its conditions alone decide. */
  settleTimeoutMs: number;
}

/** Wake up at least this often while a timed hold (window, settling) lasts. */
const MAX_WAIT_MS = 30 * 60_000;

interface Settling {
  configuration: string | undefined;
  since: number;
}

export class RolloutGate {
  /** Pools written in the current pass, with the rendered configuration they had before it. */
  private readonly batch = new Map<string, string | undefined>();
  private readonly settling = new Map<string, Settling>();
  /** One clock reading per pass: a timeout that ends mid-pass must not split the pool's batch. */
  private passNow: number | undefined;

  constructor(private readonly d: RolloutGateDeps) {}

  beginPass(): void {
    this.batch.clear();
    this.passNow = this.d.now();
  }

  /** The pools written in this pass start settling. */
  endPass(): void {
    const now = this.d.now();
    for (const [pool, configuration] of this.batch) this.settling.set(pool, { configuration, since: now });
    this.batch.clear();
    this.passNow = undefined;
  }

  /** Pools this pass's batch has written (tests, explain). */
  batched(): string[] {
    return [...this.batch.keys()];
  }

  private settleHold(p: PoolProjection, now: number): { hold: PoolHold; waitMs: number } | undefined {
    const s = this.settling.get(p.name);
    if (!s) return undefined;
    const rolledOut = p.configuration !== s.configuration && !poolHold(p);
    const timedOut = now - s.since >= this.d.settleTimeoutMs;
    if (rolledOut || timedOut) {
      if (!rolledOut)
        log.warn('pool did not settle after our batch within the timeout; deciding on its conditions alone', {
          pool: p.name,
          timeoutMs: this.d.settleTimeoutMs,
          configuration: p.configuration,
        });
      this.settling.delete(p.name);
      return undefined;
    }
    const reason = `pool ${p.name} is settling after the previous batch (rendered config ${s.configuration ?? 'none'}: waiting for a new one and Updated, at most ${describeWait(this.d.settleTimeoutMs - (now - s.since))} more)`;
    return { hold: { kind: 'settling', reason }, waitMs: this.d.settleTimeoutMs - (now - s.since) };
  }

  check(run: Drifting): Outcome | undefined {
    if (!isNodeDisruptingWrite(run.live, run.drift)) return undefined;
    if (!this.d.pools.synced()) return { status: 'pending', message: 'waiting for the MachineConfigPool cache' };
    const pools = poolsOf(run.desired, this.d.pools.list());
    // An object no pool selects reboots nothing: writing it is harmless (documented in the README).
    if (pools.length === 0) return undefined;
    if (pools.every((p) => this.batch.has(p.name))) return undefined;
    const now = this.passNow ?? this.d.now();
    const holds: PoolHold[] = [];
    let waitMs: number | undefined;
    const window = windowOf(run.hco);
    if (window && !windowOpen(window, now)) {
      const wait = msUntilOpen(window, now);
      holds.push({ kind: 'window', reason: `outside the node-disruption window ${window.text} (next opens in ${describeWait(wait)})` });
      waitMs = wait;
    }
    for (const p of pools) {
      if (this.batch.has(p.name)) continue;
      const own = poolHold(p);
      const settle = own ? undefined : this.settleHold(p, now);
      if (own) holds.push(own);
      if (settle) {
        holds.push(settle.hold);
        waitMs = Math.min(waitMs ?? Infinity, settle.waitMs);
      }
    }
    if (holds.length === 0) return undefined;
    return {
      status: 'held',
      reason: 'RolloutHeld',
      message: `held: ${holds.map((h) => h.reason).join('; ')}`,
      episode: `held|${pools.map((p) => p.name).join(',')}|${holds.map((h) => h.kind).join(',')}`,
      holders: pools.map((p) => p.name),
      requeueAfterMs: waitMs === undefined ? undefined : Math.max(1000, Math.min(waitMs + 1000, MAX_WAIT_MS)),
    };
  }

  /** A write the gate let through went out (a removal too: the MCO renders the pool without it): its pools join this pass's batch. */
  wrote(run: Drifting, o: Outcome): void {
    if (o.status !== 'created' && o.status !== 'updated' && o.status !== 'removed') return;
    if (!isNodeDisruptingWrite(run.live, run.drift)) return;
    for (const p of poolsOf(run.desired, this.d.pools.list())) {
      if (!this.batch.has(p.name)) this.batch.set(p.name, p.configuration);
    }
  }
}
