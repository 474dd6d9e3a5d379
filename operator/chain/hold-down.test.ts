import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeHoldDown, HoldDown } from './hold-down.js';

describe('HoldDown', () => {
  it('counts from the first fact-based "no" and starts again after a break', () => {
    let now = 1_000;
    const h = new HoldDown(60_000, () => now);
    assert.equal(h.remaining('a'), 60_000);
    now += 45_000;
    assert.equal(h.remaining('a'), 15_000);
    assert.equal(h.remaining('b'), 60_000, 'per asset');
    h.clear('a'); // the fact came back: the flicker is over
    now += 30_000;
    assert.equal(h.remaining('a'), 60_000);
    now += 60_000;
    assert.equal(h.remaining('a'), 0);
  });

  it('describes a wait', () => {
    assert.equal(describeHoldDown(570_000), '9m 30s');
    assert.equal(describeHoldDown(600_000), '10m');
    assert.equal(describeHoldDown(1_500), '2s');
  });
});
