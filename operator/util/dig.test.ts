import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dig } from './dig.js';

describe('dig', () => {
  const obj = { spec: { a: { b: 0, n: null, list: ['x', { y: 1 }] } } };

  it('reads a dotted path', () => {
    assert.deepEqual(dig(obj, 'spec.a'), obj.spec.a);
    assert.equal(dig(obj, 'spec.a.b'), 0);
    assert.equal(dig(obj, 'spec.a.n'), null);
  });

  it('is undefined when a segment is missing or a parent is not an object', () => {
    assert.equal(dig(obj, 'spec.missing.b'), undefined);
    assert.equal(dig(obj, 'spec.a.b.c'), undefined);
    assert.equal(dig(obj, 'spec.a.n.c'), undefined);
    assert.equal(dig(undefined, 'spec'), undefined);
    assert.equal(dig(null, 'spec'), undefined);
  });

  it('indexes arrays by number segments', () => {
    assert.equal(dig(obj, 'spec.a.list.0'), 'x');
    assert.equal(dig(obj, 'spec.a.list.1.y'), 1);
    assert.equal(dig(obj, 'spec.a.list.2'), undefined);
  });

  it('returns the object itself for an empty path and ignores empty segments', () => {
    assert.equal(dig(obj, ''), obj);
    assert.equal(dig(obj, '.spec..a.b.'), 0);
  });

  it('never reads inherited properties (no prototype access)', () => {
    assert.equal(dig({}, 'constructor'), undefined);
    assert.equal(dig({}, '__proto__'), undefined);
    assert.equal(dig({ a: {} }, 'a.toString'), undefined);
  });
});
