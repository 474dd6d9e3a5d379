// Property-based tests of the patch annotation parser and applier: whatever the text, the answer
// is a parsed patch or InvalidPatchError, never another exception, and parsing plus applying stay
// within time and memory bounds; a result is never larger than the limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bounded, MiB } from '../../e2e/support/bounds.js';
import { jsonSize } from '../util/json-size.js';
import { applyPatch, InvalidPatchError, MAX_RESULT_BYTES, parsePatch } from './json-patch.js';

const LIMIT = { ms: 1000, bytes: 64 * MiB };
const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { a: 'b' } }, data: { tier: 'gold', list: [1, 2, 3] } };
const path = fc
  .array(fc.constantFrom('data', 'metadata', 'labels', 'tier', 'list', '0', '1', '-', 'x', '~0', '~1', '__proto__'), { maxLength: 5 })
  .map((s) => (s.length ? '/' + s.join('/') : ''));
const op = fc.record({
  op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'merge'),
  path,
  from: path,
  value: fc.jsonValue({ maxDepth: 3 }),
});

describe('patch properties', () => {
  it('any text: a patch or InvalidPatchError, within bounds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 500 }), fc.json({ maxDepth: 4 })), (text) => {
        try {
          bounded('parse', LIMIT, () => applyPatch(doc, parsePatch(text)));
        } catch (e) {
          assert.ok(e instanceof InvalidPatchError, String(e));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any operations: applied or refused, within bounds, and the result within the size limit', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        try {
          const out = bounded('apply', LIMIT, () => applyPatch(doc, parsePatch(JSON.stringify(ops))));
          assert.ok(jsonSize(out) <= MAX_RESULT_BYTES);
        } catch (e) {
          assert.ok(e instanceof InvalidPatchError, String(e));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('growth by copies is refused before the limit, whatever the source', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 5 }), (copies, width) => {
        const ops = [
          { op: 'add', path: '/data/b', value: Array(width).fill('xxxxxxxxxxxxxxxx') },
          ...Array.from({ length: copies }, () => ({ op: 'copy', from: '/data', path: '/data/b/-' })),
        ];
        try {
          const out = bounded('copies', LIMIT, () => applyPatch(doc, parsePatch(JSON.stringify(ops))));
          assert.ok(jsonSize(out) <= MAX_RESULT_BYTES);
        } catch (e) {
          assert.ok(e instanceof InvalidPatchError, String(e));
        }
      }),
      { numRuns: 100 },
    );
  });
});
