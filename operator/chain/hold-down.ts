// The hold-down of the off-switch: a "no" that comes from detected facts (a hardware or topology
// condition, an empty render) must have held without a break for this long before anything is
// pruned, so node labels that vanish for a minute (an NFD restart) delete and re-create nothing.
// Kept in memory on purpose: after a restart the wait starts again, which only ever delays a prune.

export const DEFAULT_PRUNE_HOLD_DOWN_MS = 10 * 60_000;

export class HoldDown {
  private readonly since = new Map<string, number>();

  constructor(
    readonly ms: number = DEFAULT_PRUNE_HOLD_DOWN_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The asset's fact-based "no" is seen now: how long it must still hold (0: it has held long enough). */
  remaining(asset: string): number {
    const now = this.now();
    const first = this.since.get(asset) ?? now;
    this.since.set(asset, first);
    return Math.max(0, this.ms - (now - first));
  }

  /** The asset applies again (or is off by a decision): a later fact-based "no" starts a new wait. */
  clear(asset: string): void {
    this.since.delete(asset);
  }
}

/** "9m 30s", "45s": a wait as an admin reads it. */
export function describeHoldDown(ms: number): string {
  const s = Math.ceil(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${s % 60 ? ` ${s % 60}s` : ''}` : `${s}s`;
}
