// Leadership as a write permit. It is valid until the renew deadline after the last renewal that
// succeeded (counted from when that renewal was *sent*, so a slow answer never extends it), and a
// standby cannot take the Lease before leaseDuration after that, so the two never overlap. When it
// expires — a hung Lease request included — its signal aborts every write in flight and no new
// write passes check(): the work in flight is abandoned, not finished. Once lost, never regained
// (the process exits and comes back as a standby).
import type { WriteGate } from '../kube/client.js';

export class LeadershipLostError extends Error {
  override name = 'LeadershipLostError';
}

export class Leadership implements WriteGate {
  private validUntil = 0;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get valid(): boolean {
    return !this.controller.signal.aborted && this.now() < this.validUntil;
  }

  /** Milliseconds of leadership left (0 once lost). */
  get remainingMs(): number {
    return this.valid ? this.validUntil - this.now() : 0;
  }

  /** A renewal sent at `sentAt` succeeded: leadership holds until sentAt + renewDeadline. */
  renewed(sentAt: number, renewDeadlineMs: number): void {
    if (this.controller.signal.aborted) return;
    this.validUntil = Math.max(this.validUntil, sentAt + renewDeadlineMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.lose('the lease was not renewed within the renew deadline'), Math.max(0, this.validUntil - this.now()));
    this.timer.unref();
  }

  lose(why: string): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new LeadershipLostError(`leadership lost: ${why}`));
  }

  check(): void {
    if (!this.valid)
      throw new LeadershipLostError(
        this.controller.signal.aborted ? (this.controller.signal.reason as Error).message : 'not the leader: writes are not allowed',
      );
  }
}
