// The JSON Pointers at which two JSON documents differ (arrays compare as a whole), used to tell
// an admin which fields drifted.
import { deepEqual } from '../patch/deep-equal.js';
import { formatPointer } from '../patch/json-pointer.js';

export function diffPaths(a: unknown, b: unknown, limit = 25, at: string[] = [], out: string[] = []): string[] {
  if (out.length >= limit || deepEqual(a, b)) return out;
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) diffPaths(a[k], b[k], limit, [...at, k], out);
  } else {
    out.push(formatPointer(at) || '/');
  }
  return out;
}
