import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepFreeze, isDeeplyFrozen } from './deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes every nested object and array; a write throws', () => {
    const o = deepFreeze({ a: { b: [{ c: 1 }] }, d: 'x' });
    assert.throws(() => {
      (o.a.b[0] as { c: number }).c = 2;
    }, TypeError);
    assert.throws(() => (o.a.b as unknown[]).push(3), TypeError);
    assert.equal(o.a.b[0]!.c, 1);
  });
  it('handles depth without recursion', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) deep = deep.n = {};
    deepFreeze(root);
    assert.ok(Object.isFrozen(deep));
  });
  it('marks every part as deeply frozen, freezing under a part another caller froze shallowly', () => {
    const inner = { c: { d: 1 } };
    Object.freeze(inner);
    const o = deepFreeze({ a: inner, b: [{}] });
    for (const part of [o, o.a, o.a.c, o.b, o.b[0]!]) assert.ok(isDeeplyFrozen(part));
    assert.ok(Object.isFrozen(o.a.c));
    assert.equal(isDeeplyFrozen(Object.freeze({ e: {} })), false);
  });
});
