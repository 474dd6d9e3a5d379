import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepFreeze } from './deep-freeze.js';
import { hashOf, stableStringify } from './stable-json.js';

describe('stable JSON', () => {
  it('ignores key order and undefined members', () => {
    assert.equal(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    assert.equal(hashOf({ a: 1, b: 2 }), hashOf({ b: 2, a: 1 }));
    assert.notEqual(hashOf({ a: 1 }), hashOf({ a: 2 }));
    assert.notEqual(hashOf([1, 2]), hashOf([2, 1]));
  });

  it('gives a deeply frozen part the text of an equal unfrozen one, made once and kept', () => {
    let reads = 0;
    const spec = deepFreeze({
      z: [{ b: 2, a: 1 }],
      get counted() {
        reads++;
        return 'x';
      },
    });
    const before = reads;
    const desired = { kind: 'K', spec, metadata: { labels: { b: '2', a: '1' } } };
    const plain = { metadata: { labels: { a: '1', b: '2' } }, spec: { counted: 'x', z: [{ a: 1, b: 2 }] }, kind: 'K' };
    assert.equal(stableStringify(desired), stableStringify(plain));
    assert.equal(hashOf(desired), hashOf(plain));
    const afterFirst = reads;
    assert.ok(afterFirst > before, 'the frozen part is walked the first time');
    // A new object around the same frozen part (as each pass builds one): its text is not walked again.
    assert.equal(hashOf({ ...desired, metadata: { labels: { a: '1', b: '2' } } }), hashOf(plain));
    assert.equal(reads, afterFirst);
  });
});
