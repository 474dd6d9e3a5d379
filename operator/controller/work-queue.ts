// A level-triggered, de-duplicating work queue with per-key exponential backoff (the
// client-go workqueue semantics): a key is never processed twice at once, a key added while it is
// being processed is processed again afterwards, and delayed adds collapse onto the earliest.
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** What the queue reports (adds, retries, time waited); depth is read from `length`. */
export interface QueueMetrics {
  queued(): void;
  retried(): void;
  waited(seconds: number): void;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly enqueuedAt = new Map<string, number>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private closed = false;
  metrics: QueueMetrics | undefined;

  constructor(private readonly backoff: BackoffSettings = { baseMs: 200, maxMs: 300_000 }) {}

  add(key: string): void {
    if (this.closed) return;
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
      waiter(key);
      return;
    }
    this.queued.add(key);
    this.queue.push(key);
    this.enqueuedAt.set(key, performance.now());
  }

  addAfter(key: string, ms: number): void {
    if (this.closed) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, { at, timer });
  }

  /** Re-adds after the key's next backoff delay (at least minMs, e.g. a server's Retry-After). */
  addRateLimited(key: string, minMs = 0): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.metrics?.retried();
    const delay = Math.max(minMs, Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** Math.min(n, 30)));
    this.addAfter(key, delay);
    return delay;
  }

  /** Whether the key failed and waits for its backoff delay. */
  backingOff(key: string): boolean {
    return this.failures.has(key) && this.timers.has(key);
  }

  /** The key succeeded: its backoff starts over. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** The next key, waiting for one; undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      const at = this.enqueuedAt.get(key);
      this.enqueuedAt.delete(key);
      if (at !== undefined) this.metrics?.waited((performance.now() - at) / 1000);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
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
