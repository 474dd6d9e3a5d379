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

  it('counts consecutive throttles until the user pauses the object', () => {
    const t = new Throttle(undefined, () => 0);
    for (let i = 0; i < 5; i++) t.tryTake('a');
    assert.equal(t.recordThrottle('a'), 1);
    assert.equal(t.recordThrottle('a'), 2);
    t.calm('a');
    assert.equal(t.recordThrottle('a'), 1);
  });
});

describe('Throttle: an edit war with a same-value rewriter (issue 11, repro 7)', () => {
  it('keeps counting throttles across our own in-sync echoes, and starts over only after a calm window', () => {
    let now = 0;
    const t = new Throttle({ capacity: 5, windowMs: 60_000, pauseAfter: 3 }, () => now);
    for (let i = 0; i < 5; i++) assert.equal(t.tryTake('a'), true);
    // Each round: a throttle, the refill of one token, our write (whose echo is in sync: no reset).
    for (let round = 1; round <= 3; round++) {
      assert.equal(t.tryTake('a'), false);
      assert.equal(t.recordThrottle('a'), round, `round ${round}`);
      now += t.msUntilToken('a');
      assert.equal(t.tryTake('a'), true);
    }
    now += 60_000;
    assert.equal(t.recordThrottle('a'), 1, 'a full bucket means the war is over');
  });
});
