// The JSON Pointers at which two JSON documents differ (arrays compare as a whole), used to tell
// an admin which fields drifted. Iterative and linear: any depth.
import { deepEqual } from '../patch/deep-equal.js';
import { formatPointer } from '../patch/json-pointer.js';

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** A path as a linked list from the leaf, so a deep walk never copies prefixes. */
type Path = { seg: string; up: Path } | undefined;

function segments(p: Path): string[] {
  const out: string[] = [];
  for (let n = p; n; n = n.up) out.push(n.seg);
  return out.reverse();
}

export function diffPaths(a: unknown, b: unknown, limit = 25): string[] {
  const out: string[] = [];
  const stack: [unknown, unknown, Path][] = [[a, b, undefined]];
  while (stack.length > 0 && out.length < limit) {
    const [x, y, at] = stack.pop()!;
    if (isObj(x) && isObj(y)) {
      // Reverse order on the stack, so pointers come out sorted depth-first.
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort().reverse();
      for (const k of keys) stack.push([x[k], y[k], { seg: k, up: at }]);
    } else if (!deepEqual(x, y)) out.push(formatPointer(segments(at)) || '/');
  }
  return out;
}
