import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Leadership, LeadershipLostError } from './leadership.js';

describe('Leadership (the write permit)', () => {
  it('is not valid before a renewal, and refuses writes', () => {
    const l = new Leadership(() => 0);
    assert.equal(l.valid, false);
    assert.throws(() => l.check(), LeadershipLostError);
  });

  it('holds until the renewal was sent + the renew deadline, whenever the answer came', () => {
    let now = 1000;
    const l = new Leadership(() => now);
    now = 1900; // the answer to a renewal sent at 1000 came late
    l.renewed(1000, 3000);
    assert.equal(l.valid, true);
    assert.equal(l.remainingMs, 2100);
    now = 3999;
    l.check();
    now = 4000;
    assert.equal(l.valid, false);
    assert.throws(() => l.check(), LeadershipLostError);
  });

  it('aborts the writes in flight on the clock, without waiting for a hung renewal', async () => {
    const l = new Leadership();
    l.renewed(performance.now(), 50);
    assert.equal(l.signal.aborted, false);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(l.signal.aborted, true);
    assert.ok(l.signal.reason instanceof LeadershipLostError);
  });

  it('once lost, is never regained (the process comes back as a standby)', () => {
    const l = new Leadership(() => 0);
    l.renewed(0, 1000);
    l.lose('test');
    l.renewed(0, 1000);
    assert.equal(l.valid, false);
    assert.match((l.signal.reason as Error).message, /leadership lost: test/);
  });
});
