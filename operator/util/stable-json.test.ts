import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashOf, stableStringify } from './stable-json.js';

describe('stable JSON', () => {
  it('ignores key order and undefined members', () => {
    assert.equal(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    assert.equal(hashOf({ a: 1, b: 2 }), hashOf({ b: 2, a: 1 }));
    assert.notEqual(hashOf({ a: 1 }), hashOf({ a: 2 }));
    assert.notEqual(hashOf([1, 2]), hashOf([2, 1]));
  });
});
