import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exponentialBackoff, jittered } from './backoff.js';

describe('exponentialBackoff', () => {
  it('doubles from the base and stops at the cap', () => {
    const s = { baseMs: 250, maxMs: 8000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6].map((n) => exponentialBackoff(s, n)),
      [250, 500, 1000, 2000, 4000, 8000, 8000],
    );
  });

  it('stays finite for any number of failures', () => {
    assert.equal(exponentialBackoff({ baseMs: 200, maxMs: 300_000 }, 10_000), 300_000);
    assert.equal(exponentialBackoff({ baseMs: 200, maxMs: 300_000 }, -1), 200);
  });
});

describe('jittered', () => {
  it('scales within [low, high)', () => {
    assert.equal(
      jittered(1000, 0.8, 1.2, () => 0),
      800,
    );
    assert.equal(
      jittered(1000, 0.8, 1.2, () => 0.5),
      1000,
    );
    assert.equal(
      jittered(1000, 1, 1.2, () => 0.999),
      1200,
    );
    for (let i = 0; i < 100; i++) {
      const v = jittered(2000, 1, 1.2);
      assert.ok(v >= 2000 && v <= 2400, String(v));
    }
  });
});
