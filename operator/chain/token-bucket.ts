// Anti-thrashing: a token bucket per object. Each write takes a token; tokens refill evenly over
// the window (default 5 per minute). Consecutive throttles reveal an edit war; the count starts
// over only once the bucket is full again — a whole window without a write — never because the
// object was found in sync: our own write echoes back as "in sync" between two rounds of a war
// with a controller that keeps writing the same value.
export interface ThrottleSettings {
  capacity: number;
  windowMs: number;
  /** Consecutive throttles after which the object is paused. */
  pauseAfter: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { capacity: 5, windowMs: 60_000, pauseAfter: 3 };

interface Bucket {
  tokens: number;
  updatedAt: number;
  throttles: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  private bucket(key: string): Bucket {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: this.settings.capacity, updatedAt: t, throttles: 0 };
      this.buckets.set(key, b);
    }
    const refill = ((t - b.updatedAt) / this.settings.windowMs) * this.settings.capacity;
    b.tokens = Math.min(this.settings.capacity, b.tokens + refill);
    b.updatedAt = t;
    if (b.tokens >= this.settings.capacity) b.throttles = 0;
    return b;
  }

  /** Takes a token for a write; false when the bucket is empty. */
  tryTake(key: string): boolean {
    const b = this.bucket(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until the next token. */
  msUntilToken(key: string): number {
    const b = this.bucket(key);
    return b.tokens >= 1 ? 0 : Math.ceil(((1 - b.tokens) / this.settings.capacity) * this.settings.windowMs);
  }

  /** Records a throttle; returns the number of consecutive throttles. */
  recordThrottle(key: string): number {
    return ++this.bucket(key).throttles;
  }

  /** The user paused the object: the edit war, if any, is over. */
  calm(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.throttles = 0;
  }

}
