/**
 * In-memory token buckets per caller (token, else client address): `perMin` requests a minute,
 * refilled continuously, bursts up to `perMin`. 429 with Retry-After when empty.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env';

/** Callers tracked at once; beyond it the least recently seen is forgotten (it comes back with a full bucket). */
export const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly capacity: number,
    private readonly maxKeys = MAX_BUCKETS,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = capacity / 60_000;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token: 0 when granted, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const prev = this.buckets.get(key);
    const b = prev ? { tokens: Math.min(this.capacity, prev.tokens + (now - prev.at) * this.perMs), at: now } : { tokens: this.capacity, at: now };
    // Re-inserting keeps the map in least-recently-seen order, so eviction drops the stalest caller.
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    let wait = 0;
    if (b.tokens >= 1) b.tokens -= 1;
    else wait = Math.max(1, Math.ceil((1 - b.tokens) / this.perMs / 1000));
    this.buckets.set(key, b);
    return wait;
  }
}

export function rateLimit(perMin: number, what: string): MiddlewareHandler<ApiEnv> {
  if (perMin <= 0) return async (_c, next) => next();
  const buckets = new TokenBuckets(perMin);
  return async (c, next) => {
    const wait = buckets.take(c.get('principal').key);
    if (wait === 0) return next();
    c.header('Retry-After', String(wait));
    return c.json({ error: `rate limit exceeded: at most ${perMin} ${what} a minute; retry in ${wait} s` }, 429);
  };
}
