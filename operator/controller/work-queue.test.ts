import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkQueue } from './work-queue.js';

describe('WorkQueue', () => {
  it('de-duplicates keys waiting in the queue', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
  });

  it('never hands out a key twice at once, and re-queues a key added while in flight', async () => {
    const q = new WorkQueue();
    q.add('a');
    const k = await q.get();
    q.add('a');
    assert.equal(q.length, 0, 'not queued while processing');
    q.done(k!);
    assert.equal(q.length, 1, 'queued again after done');
  });

  it('wakes a waiting worker', async () => {
    const q = new WorkQueue();
    const p = q.get();
    q.add('x');
    assert.equal(await p, 'x');
  });

  it('backs off exponentially per key and forgets on success', () => {
    const q = new WorkQueue({ baseMs: 100, maxMs: 1000 });
    assert.equal(q.addRateLimited('a'), 100);
    assert.equal(q.addRateLimited('a'), 200);
    assert.equal(q.addRateLimited('a'), 400);
    assert.equal(q.addRateLimited('b'), 100);
    for (let i = 0; i < 5; i++) q.addRateLimited('a');
    assert.equal(q.addRateLimited('a'), 1000, 'capped');
    q.forget('a');
    assert.equal(q.addRateLimited('a'), 100);
    q.shutdown();
  });

  it('collapses delayed adds onto the earliest', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 50);
    q.addAfter('a', 10_000);
    q.addAfter('a', 20);
    const started = Date.now();
    assert.equal(await q.get(), 'a');
    assert.ok(Date.now() - started < 1000);
    q.done('a');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(q.length, 0, 'the later timers were dropped');
    q.shutdown();
  });

  it('releases waiters on shutdown', async () => {
    const q = new WorkQueue();
    const p = q.get();
    q.shutdown();
    assert.equal(await p, undefined);
  });
});
