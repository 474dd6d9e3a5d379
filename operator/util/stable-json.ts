// Canonical JSON (object keys sorted) and its hash: equal objects hash equally whatever the order
// their keys were built in, which is what the drift memo keys on. Iterative: any depth.
// A deeply frozen part (a memoised render's spec, shared by every pass until the text changes)
// has its text made once: hashing the desired objects was a fifth of a world pass's CPU.
import { createHash } from 'node:crypto';
import { isDeeplyFrozen } from './deep-freeze.js';
import { jsonText } from './json-text.js';

const frozenTexts = new WeakMap<object, string>();

function frozenText(v: object): string | undefined {
  if (!isDeeplyFrozen(v)) return undefined;
  let text = frozenTexts.get(v);
  if (text === undefined) {
    // Its own parts are not looked up: the largest frozen part is what is worth keeping.
    text = jsonText(v, { sortKeys: true });
    frozenTexts.set(v, text);
  }
  return text;
}

export function stableStringify(v: unknown): string {
  return jsonText(v, { sortKeys: true, known: frozenText });
}

export function hashOf(v: unknown): string {
  return createHash('sha256').update(stableStringify(v)).digest('base64url').slice(0, 22);
}
