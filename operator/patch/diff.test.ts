import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffPaths } from './diff.js';

describe('diffPaths', () => {
  it('lists the pointers that differ, escaping ~ and /', () => {
    const a = { spec: { x: 1, list: [1, 2], 'a/b': 'k', same: { v: 1 } }, metadata: { labels: { 'x~y': '1' } } };
    const b = { spec: { x: 2, list: [1, 3], 'a/b': 'z', same: { v: 1 }, extra: true }, metadata: { labels: {} } };
    assert.deepEqual(diffPaths(a, b), ['/metadata/labels/x~0y', '/spec/a~1b', '/spec/extra', '/spec/list', '/spec/x']);
    assert.deepEqual(diffPaths(a, structuredClone(a)), []);
  });
});
