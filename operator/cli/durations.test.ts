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

describe('parseDuration properties', () => {
  it('any text: a duration between 1 ms and 24 h, or an error, within bounds', async () => {
    const fc = (await import('fast-check')).default;
    const { bounded, MiB } = await import('../../e2e/support/bounds.js');
    const { MAX_DURATION_MS } = await import('./durations.js');
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(fc.constantFrom('1', '9', '.', 'ms', 's', 'm', 'h', '0'), { maxLength: 400 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const ms = bounded('duration', { ms: 20, bytes: 4 * MiB }, () => parseDuration(t));
          assert.ok(Number.isInteger(ms) && ms >= 1 && ms <= MAX_DURATION_MS, `${t} → ${ms}`);
        } catch (e) {
          assert.match((e as Error).message, /duration/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what a timer cannot wait for, and zero', () => {
    assert.throws(() => parseDuration('9'.repeat(400) + 'h'), /between 1ms and 24h/);
    assert.throws(() => parseDuration('25h'), /between 1ms and 24h/);
    assert.throws(() => parseDuration('0s'), /between 1ms and 24h/);
  });
});
