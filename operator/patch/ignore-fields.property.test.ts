// Property-based tests of ignore-fields, the parser of a user annotation: any text is parsed or
// refused within bounds, and masking is a fixed point (what the operator writes is what the next
// pass computes), over generated documents and pointers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bounded, MiB } from '../../e2e/support/bounds.js';
import { MAX_ANNOTATION_BYTES } from '../vocabulary/annotations.js';
import type { KubeObject } from '../vocabulary/object.js';
import { InvalidIgnoreFieldsError, maskIgnoredFields, parseIgnoreFields } from './ignore-fields.js';

const LIMIT = { ms: 200, bytes: 32 * MiB };
const seg = fc.oneof(fc.constantFrom('a', 'b', 'l', '0', '1', '2', '3'), fc.nat(5).map(String));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('A', 'B', 'C', 1, true, null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'l'), tie('v'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).v;
const doc = value.map((spec): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec }));
const pointers = fc.array(
  fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => '/spec/' + s.join('/')),
  { maxLength: 5 },
);

describe('ignore-fields properties', () => {
  it('any text: parsed or refused with InvalidIgnoreFieldsError, within bounds', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.array(fc.oneof(fc.string(), fc.constantFrom('/', '~', '~0', '~1', ',', '__proto__')), { maxLength: 400 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          bounded(`parse ${JSON.stringify(t.slice(0, 40))}`, LIMIT, () => parseIgnoreFields(t));
        } catch (e) {
          assert.ok(e instanceof InvalidIgnoreFieldsError, String(e));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the largest text allowed, 64 KiB of pointers, is parsed within bounds', () => {
    const t = Array.from({ length: 100 }, (_, i) => `/spec/${'a'.repeat(600)}${i}`).join(',');
    assert.ok(t.length <= MAX_ANNOTATION_BYTES);
    assert.equal(bounded('100 long pointers', LIMIT, () => parseIgnoreFields(t)).length, 100);
  });

  it('masking is a fixed point: masking against what was written changes nothing', () => {
    fc.assert(
      fc.property(doc, doc, pointers, (desired, live, ptrs) => {
        let parsed: string[][];
        let written: KubeObject;
        try {
          parsed = parseIgnoreFields(ptrs.join(','));
          written = bounded('mask', LIMIT, () => maskIgnoredFields(desired, live, parsed));
        } catch (e) {
          if (e instanceof InvalidIgnoreFieldsError) return;
          throw e;
        }
        assert.deepEqual(maskIgnoredFields(desired, written, parsed), written);
      }),
      { numRuns: 500 },
    );
  });

  it('masking never changes a field that is not ignored', () => {
    fc.assert(
      fc.property(doc, doc, (desired, live) => {
        assert.deepEqual(maskIgnoredFields(desired, live, parseIgnoreFields('/metadata/annotations/x')), desired);
      }),
      { numRuns: 100 },
    );
  });
});
