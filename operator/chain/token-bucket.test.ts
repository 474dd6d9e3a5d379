import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Throttle } from './token-bucket.js';

describe('Throttle (token bucket per object)', () => {
  it('allows `capacity` writes, then refills one token per window/capacity', () => {
    let now = 0;
    const t = new Throttle({ capacity: 5, windowMs: 60_000, pauseAfter: 3 }, () => now);
    for (let i = 0; i < 5; i++) assert.equal(t.tryTake('a'), true, `write ${i + 1}`);
    assert.equal(t.tryTake('a'), false);
    assert.equal(t.msUntilToken('a'), 12_000);
    now = 11_999;
    assert.equal(t.tryTake('a'), false);
    now = 12_000;
    assert.equal(t.tryTake('a'), true);
    assert.equal(t.tryTake('a'), false);
  });

  it('keeps buckets per object', () => {
    const t = new Throttle({ capacity: 1, windowMs: 1000, pauseAfter: 3 }, () => 0);
    assert.equal(t.tryTake('a'), true);
    assert.equal(t.tryTake('a'), false);
    assert.equal(t.tryTake('b'), true);
  });

  it('never holds more than capacity after a long calm', () => {
    let now = 0;
    const t = new Throttle({ capacity: 2, windowMs: 1000, pauseAfter: 3 }, () => now);
    now = 1_000_000;
    assert.equal(t.tryTake('a'), true);
    assert.equal(t.tryTake('a'), true);
    assert.equal(t.tryTake('a'), false);
  });

  it('counts consecutive throttles until the object is calm again', () => {
    const t = new Throttle(undefined, () => 0);
    assert.equal(t.recordThrottle('a'), 1);
    assert.equal(t.recordThrottle('a'), 2);
    t.calm('a');
    assert.equal(t.recordThrottle('a'), 1);
  });
});
