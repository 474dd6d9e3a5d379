import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffPaths } from './diff.js';
import { hashOf, stableStringify } from './stable-json.js';

describe('stable JSON', () => {
  it('ignores key order and undefined members', () => {
    assert.equal(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    assert.equal(hashOf({ a: 1, b: 2 }), hashOf({ b: 2, a: 1 }));
    assert.notEqual(hashOf({ a: 1 }), hashOf({ a: 2 }));
    assert.notEqual(hashOf([1, 2]), hashOf([2, 1]));
  });
});

describe('diffPaths', () => {
  it('lists the pointers that differ, escaping ~ and /', () => {
    const a = { spec: { x: 1, list: [1, 2], 'a/b': 'k', same: { v: 1 } }, metadata: { labels: { 'x~y': '1' } } };
    const b = { spec: { x: 2, list: [1, 3], 'a/b': 'z', same: { v: 1 }, extra: true }, metadata: { labels: {} } };
    assert.deepEqual(diffPaths(a, b), ['/metadata/labels/x~0y', '/spec/a~1b', '/spec/extra', '/spec/list', '/spec/x']);
    assert.deepEqual(diffPaths(a, structuredClone(a)), []);
  });
});
