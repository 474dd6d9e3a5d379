import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './durations.js';

describe('parseDuration', () => {
  it('reads Go-style durations', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('2s'), 2000);
    assert.equal(parseDuration('10m'), 600_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5s'), 1500);
  });
  it('refuses anything else with an example', () => {
    for (const bad of ['', '10', 's', '10 s', '5d', '-1s', '2s junk']) assert.throws(() => parseDuration(bad), /invalid duration/);
  });
});
