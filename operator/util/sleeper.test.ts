import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Sleeper } from './sleeper.js';

describe('Sleeper', () => {
  it('sleeps for the time given', async () => {
    const started = performance.now();
    await new Sleeper().sleep(30);
    assert.ok(performance.now() - started >= 25);
  });

  it('wakeAll ends every pending sleep at once, and later sleeps still sleep', async () => {
    const s = new Sleeper();
    const started = performance.now();
    const both = Promise.all([s.sleep(60_000), s.sleep(60_000)]);
    setTimeout(() => s.wakeAll(), 10);
    await both;
    assert.ok(performance.now() - started < 5_000);
    let done = false;
    const later = s.sleep(40).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(done, false);
    await later;
    assert.equal(done, true);
  });
});
