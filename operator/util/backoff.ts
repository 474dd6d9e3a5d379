// The retry delays of the operator's loops (informers, Event writes, the work queue, leader
// election): one exponential formula and one jitter, so every loop backs off the same way.
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** base · 2^failures, capped at max (failures counts the failures before this one). */
export function exponentialBackoff(settings: BackoffSettings, failures: number): number {
  return Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(Math.max(0, failures), 30));
}

/** ms scaled by a random factor in [low, high), so loops of one process do not retry in lockstep. */
export function jittered(ms: number, low: number, high: number, random: () => number = Math.random): number {
  return Math.round(ms * (low + random() * (high - low)));
}
