// Canonical JSON (object keys sorted) and its hash: equal objects hash equally whatever the order
// their keys were built in, which is what the drift memo keys on. Iterative: any depth.
import { createHash } from 'node:crypto';
import { jsonText } from './json-text.js';

export function stableStringify(v: unknown): string {
  return jsonText(v, { sortKeys: true });
}

export function hashOf(v: unknown): string {
  return createHash('sha256').update(stableStringify(v)).digest('base64url').slice(0, 22);
}
