// Test support: run a function on one untrusted input and assert what it may cost, in wall time
// and in heap growth (optionally measured after a forced collection, so garbage from earlier
// inputs does not count against this one).
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface Bounds {
  ms: number;
  /** Heap growth allowed while the function runs (garbage included). */
  bytes: number;
  /** Collect garbage first (exact, but costs ~10 ms: for single hostile inputs, not for every run). */
  gc?: boolean;
}

export const MiB = 1024 * 1024;

/** Runs fn, asserts the bounds, returns its result (or rethrows its error after the checks). */
export function bounded<T>(what: string, b: Bounds, fn: () => T): T {
  if (b.gc) gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let result: T | undefined;
  let error: unknown;
  let threw = false;
  try {
    result = fn();
  } catch (e) {
    error = e;
    threw = true;
  }
  const ms = performance.now() - t0;
  const grown = process.memoryUsage().heapUsed - heap0;
  assert.ok(ms <= b.ms, `${what}: took ${ms.toFixed(1)} ms (bound ${b.ms} ms)`);
  assert.ok(grown <= b.bytes, `${what}: heap grew by ${(grown / MiB).toFixed(1)} MiB (bound ${(b.bytes / MiB).toFixed(0)} MiB)`);
  if (threw) throw error;
  return result as T;
}
