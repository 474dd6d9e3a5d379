// Property-based tests of the node-disruption window, a user annotation: any text is parsed or
// refused without throwing, within bounds; a window printed from its parts parses back to them; and
// "opens in" agrees with "open": closed until then, open at that minute.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bounded, MiB } from '../../../e2e/support/bounds.js';
import { msUntilOpen, parseWindow, windowOpen, type DisruptionWindow } from './window.js';

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const offset = fc.integer({ min: -14 * 60, max: 14 * 60 }).map((m) => `${m < 0 ? '-' : '+'}${hhmm(Math.abs(m))}`);
const zone = fc.oneof(fc.constant('UTC'), offset, fc.constantFrom('Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'));
const parts = fc.record({
  days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
  start: fc.integer({ min: 0, max: 1439 }),
  end: fc.integer({ min: 1, max: 1440 }),
  zone,
});
const text = (p: { days: number[]; start: number; end: number; zone: string }): string =>
  `${p.days.map((d) => DAY_NAMES[d]).join(',')} ${hhmm(p.start)}-${hhmm(p.end)} ${p.zone}`;
const valid = parts.filter((p) => p.start !== p.end);
const time = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2035-01-01T00:00:00Z') });

function parsed(t: string): DisruptionWindow {
  const p = parseWindow(t);
  if ('error' in p) throw new Error(`${t}: ${p.error}`);
  return p.window;
}

describe('node-disruption window properties', () => {
  it('any text: a window or an error, never an exception, within bounds', () => {
    const noise = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .array(
          fc.oneof(fc.constantFrom(...DAY_NAMES, '-', ',', ' ', ':', '+', '/', 'UTC', '24', '00', 'Europe/Paris', '__proto__'), fc.string({ maxLength: 4 })),
          { maxLength: 40 },
        )
        .map((a) => a.join('')),
    );
    fc.assert(
      fc.property(noise, (t) => {
        const p = bounded(`parse ${JSON.stringify(t.slice(0, 40))}`, { ms: 50, bytes: 4 * MiB }, () => parseWindow(t));
        assert.ok('window' in p || typeof p.error === 'string');
      }),
      { numRuns: 2000 },
    );
  });

  it('a window written from its parts parses back to them', () => {
    fc.assert(
      fc.property(valid, (p) => {
        const w = parsed(text(p));
        assert.deepEqual([...w.days].sort(), [...p.days].sort());
        assert.equal(w.start, p.start);
        assert.equal(w.end, p.end % 1440);
      }),
    );
  });

  it('fixed offsets: closed until the minute msUntilOpen names, open at it', () => {
    const fixed = valid.filter((p) => p.zone === 'UTC' || /^[+-]/.test(p.zone));
    fc.assert(
      fc.property(fixed, time, (p, now) => {
        const w = parsed(text(p));
        const wait = msUntilOpen(w, now);
        if (wait === 0) return assert.equal(windowOpen(w, now), true);
        assert.equal(windowOpen(w, now), false);
        assert.equal(windowOpen(w, now + wait), true, `${text(p)} opens after ${wait} ms from ${new Date(now).toISOString()}`);
        assert.equal(windowOpen(w, now + wait - 60_000), false, 'and not a minute earlier');
      }),
      { numRuns: 500 },
    );
  });

  it('every zone: a window of listed days is open some time each week, and never outside its days', () => {
    fc.assert(
      fc.property(valid, time, (p, now) => {
        const w = parsed(text(p));
        const wait = msUntilOpen(w, now);
        assert.ok(wait <= 8 * 24 * 3_600_000, 'opens within a week');
      }),
      { numRuns: 300 },
    );
  });
});
