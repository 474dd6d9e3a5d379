// A level-triggered, de-duplicating work queue with per-item exponential backoff (the
// client-go workqueue semantics): an item is never processed twice at once, an item added while
// it is being processed is processed again afterwards, and delayed adds collapse onto the
// earliest. Items are told apart by their key (one function, given by the owner of the items).
import { exponentialBackoff, type BackoffSettings } from '../util/backoff.js';

/** What the queue reports (adds, retries, time waited); depth is read from `length`. */
export interface QueueMetrics {
  queued(): void;
  retried(): void;
  waited(seconds: number): void;
}

export class WorkQueue<T = string> {
  private readonly queue: string[] = [];
  private readonly items = new Map<string, T>();
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly enqueuedAt = new Map<string, number>();
  private waiters: ((item: T | undefined) => void)[] = [];
  private closed = false;
  metrics: QueueMetrics | undefined;

  constructor(
    private readonly backoff: BackoffSettings = { baseMs: 200, maxMs: 300_000 },
    private readonly keyOf: (item: T) => string = String,
  ) {}

  add(item: T): void {
    if (this.closed) return;
    const key = this.keyOf(item);
    this.items.set(key, item);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.metrics?.queued();
    const waiter = this.waiters.shift();
    if (waiter) {
      this.processing.add(key);
      this.metrics?.waited(0);
      waiter(item);
      return;
    }
    this.queued.add(key);
    this.queue.push(key);
    this.enqueuedAt.set(key, performance.now());
  }

  addAfter(item: T, ms: number): void {
    if (this.closed) return;
    if (ms <= 0) return this.add(item);
    const key = this.keyOf(item);
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(item);
    }, ms);
    this.timers.set(key, { at, timer });
  }

  /** Re-adds after the item's next backoff delay (at least minMs, e.g. a server's Retry-After). */
  addRateLimited(item: T, minMs = 0): number {
    const key = this.keyOf(item);
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.metrics?.retried();
    const delay = Math.max(minMs, exponentialBackoff(this.backoff, n));
    this.addAfter(item, delay);
    return delay;
  }

  /** Whether the item failed and waits for its backoff delay. */
  backingOff(item: T): boolean {
    const key = this.keyOf(item);
    return this.failures.has(key) && this.timers.has(key);
  }

  /** The item succeeded: its backoff starts over. */
  forget(item: T): void {
    this.failures.delete(this.keyOf(item));
  }

  /** The next item, waiting for one; undefined once shut down. */
  get(): Promise<T | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      const at = this.enqueuedAt.get(key);
      this.enqueuedAt.delete(key);
      if (at !== undefined) this.metrics?.waited((performance.now() - at) / 1000);
      return Promise.resolve(this.items.get(key));
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(item: T): void {
    const key = this.keyOf(item);
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(this.items.get(key) ?? item);
  }

  get length(): number {
    return this.queue.length;
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.processing.size === 0;
  }

  shutdown(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }
}
