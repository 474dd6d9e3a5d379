import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeWait, msUntilOpen, parseWindow, windowOpen, type DisruptionWindow } from './window.js';

function win(text: string): DisruptionWindow {
  const p = parseWindow(text);
  if ('error' in p) throw new Error(p.error);
  return p.window;
}
const at = (iso: string): number => Date.parse(iso);
const H = 3_600_000;

describe('node-disruption window', () => {
  it('Sat,Sun 01:00-05:00 UTC: open inside, closed outside, and says when it opens', () => {
    const w = win('Sat,Sun 01:00-05:00 UTC');
    assert.equal(windowOpen(w, at('2026-11-28T01:00:00Z')), true, 'Saturday 01:00');
    assert.equal(windowOpen(w, at('2026-11-29T04:59:00Z')), true, 'Sunday 04:59');
    assert.equal(windowOpen(w, at('2026-11-29T05:00:00Z')), false, 'Sunday 05:00: end is exclusive');
    assert.equal(windowOpen(w, at('2026-11-27T02:00:00Z')), false, 'Friday');
    assert.equal(msUntilOpen(w, at('2026-11-27T12:00:00Z')), 13 * H, 'Friday noon: opens in 13h');
    assert.equal(msUntilOpen(w, at('2026-11-28T03:00:00Z')), 0);
    assert.equal(msUntilOpen(w, at('2026-11-29T06:00:00Z')), (5 * 24 + 19) * H, 'Sunday 06:00: next Saturday 01:00');
    assert.equal(describeWait(13 * H), '13h');
    assert.equal(describeWait((5 * 24 + 19) * H), '5d 19h');
    assert.equal(describeWait(90 * 60_000 + 1), '1h 31m');
  });

  it('crosses midnight: belongs to the day it starts on', () => {
    const w = win('Fri 22:00-02:00 UTC');
    assert.equal(windowOpen(w, at('2026-11-27T23:00:00Z')), true, 'Friday 23:00');
    assert.equal(windowOpen(w, at('2026-11-28T01:59:00Z')), true, 'Saturday 01:59');
    assert.equal(windowOpen(w, at('2026-11-28T23:00:00Z')), false, 'Saturday 23:00');
    assert.equal(windowOpen(w, at('2026-11-27T01:00:00Z')), false, 'Friday 01:00 belongs to Thursday');
  });

  it('ranges of days, every day, 24:00, offsets and IANA zones (with DST)', () => {
    assert.deepEqual([...win('Mon-Wed,Fri 00:00-24:00 UTC').days].sort(), [0, 1, 2, 4]);
    assert.deepEqual([...win('Sat-Mon 00:00-01:00 UTC').days].sort(), [0, 5, 6], 'a range may wrap the week');
    assert.equal(win('02:00-03:00 UTC').days.size, 7);
    const plus2 = win('Mon 01:00-02:00 +02:00');
    assert.equal(windowOpen(plus2, at('2026-11-29T23:30:00Z')), true, 'Sunday 23:30 UTC is Monday 01:30 at +02:00');
    const paris = win('sun 03:00-04:00 Europe/Paris');
    assert.equal(windowOpen(paris, at('2026-07-05T01:30:00Z')), true, 'summer: CEST is UTC+2');
    assert.equal(windowOpen(paris, at('2026-12-06T02:30:00Z')), true, 'winter: CET is UTC+1');
    assert.equal(windowOpen(paris, at('2026-12-06T01:30:00Z')), false);
  });

  it('malformed values are refused with a message saying what is expected', () => {
    for (const bad of [
      '',
      'weekends',
      'Sat 1:00-5:00 UTC',
      'Sat 01:00-05:00',
      'Sat 01:00-05:00 Mars/Olympus',
      'Sat 05:00-05:00 UTC',
      'Sat 01:00-25:00 UTC',
      'Sat 24:00-01:00 UTC',
      'Caturday 01:00-02:00 UTC',
      'Sat 01:00-02:00 +15:00',
      'x'.repeat(500),
    ]) {
      const p = parseWindow(bad);
      assert.ok('error' in p, `${JSON.stringify(bad.slice(0, 40))} should be refused`);
      assert.match(p.error, /expected|longer than/);
    }
  });
});
