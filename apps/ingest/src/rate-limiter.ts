import type { DataCategory, RateLimits } from '@pulse/config';

/** One category's share of a request: `quantity` items (an envelope with N spans costs N `span`). */
export interface Demand {
  category: DataCategory;
  quantity: number;
}

export interface TakeResult {
  allowed: boolean;
  /** Whole seconds (≥ 1) until the demand would be admitted; 0 when allowed. */
  retryAfterS: number;
}

export interface CategoryLimited {
  category: DataCategory;
  retryAfterS: number;
}

export interface TakeManyResult {
  /** The categories refused for this request, in first-demanded order; drop their items. */
  limited: CategoryLimited[];
  /** Every category the request demanded (quantity > 0) was refused: answer 429. */
  allLimited: boolean;
  /** The longest retryAfterS of `limited` (for `Retry-After`); 0 when nothing was limited. */
  retryAfterS: number;
}

export interface RateLimiterOptions {
  /** Milliseconds on a clock that does not jump (tests pass a fake one). */
  now?: () => number;
  /** A bucket untouched this long, and full again, is dropped (10 min). */
  idleMs?: number;
  /**
   * Each limit's rate and burst are divided by this (default 1): the number of ingest worker
   * processes behind one port, each with its own buckets, so that together they admit the limit.
   */
  divisor?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  perSecond: number;
  burst: number;
}

// Refill is fractional: absorb floating-point dust so an exact refill is not judged a hair short.
const EPSILON = 1e-9;

/**
 * Per-key quotas: one token bucket per (DSN key, data category), refilled continuously at
 * `perSecond` up to `burst`; a new bucket starts full. Pure and synchronous, no timers.
 *
 * - Each category of a request is decided once, all or nothing, against its whole quantity (as
 *   Relay does): admitted iff the bucket holds `min(quantity, burst)` tokens, then `quantity` is
 *   taken. A refused category takes nothing, so the request's other categories are unaffected.
 * - A quantity above `burst` is therefore admitted only when the bucket is full, and leaves it in
 *   debt (negative): later demands wait until the debt is repaid, so the long-run rate still holds
 *   and a batch bigger than the burst is slowed down, never refused forever.
 * - `retryAfterS` is the whole seconds, rounded up and at least 1, until the refused demand would
 *   be admitted (assuming nothing else is taken meanwhile).
 * - Memory: buckets exist only for keys with limits, and ingest only asks about known keys, so
 *   their number is bounded by the configuration; a sweep, at most once per `idleMs` and run from
 *   the calls themselves, drops buckets idle for `idleMs` that have refilled to `burst` (a full
 *   bucket and no bucket decide the same, so eviction never changes an answer).
 *
 * Known trade-off: the buckets live in one ingest process. With `divisor` N (N worker processes
 * on one port) each process admits 1/N of the rate and burst: the set admits the limit when the
 * kernel spreads a key's connections over the workers, and a client on one keep-alive connection
 * gets 1/N. N ingest replicas behind a load balancer, each with divisor 1, admit up to N × the
 * limit; a shared store (Redis, as Relay uses) would be needed for an exact global limit.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly divisor: number;
  private lastSweep: number;

  constructor(options: RateLimiterOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.idleMs = options.idleMs ?? 10 * 60_000;
    this.divisor = options.divisor ?? 1;
    if (!(this.divisor >= 1)) throw new RangeError(`divisor must be ≥ 1, got ${options.divisor}`);
    this.lastSweep = this.now();
  }

  /** Buckets held now (for tests and a gauge). */
  get size(): number {
    return this.buckets.size;
  }

  /** Decides one category's demand; a category without a limit in `limits` is always allowed. */
  take(key: string, category: DataCategory, quantity: number, limits: RateLimits): TakeResult {
    const result = this.takeMany(key, [{ category, quantity }], limits);
    return { allowed: result.limited.length === 0, retryAfterS: result.retryAfterS };
  }

  /**
   * Decides one request: demands of the same category are added up and decided together, each
   * category independently, all at the same instant. Categories admitted are charged even when
   * others are refused: the caller stores their items (200 with `X-Sentry-Rate-Limits` naming the
   * limited ones), or answers 429 when `allLimited`.
   */
  takeMany(key: string, demands: readonly Demand[], limits: RateLimits): TakeManyResult {
    const now = this.now();
    this.sweepIfDue(now);
    const totals = new Map<DataCategory, number>();
    for (const { category, quantity } of demands) {
      if (!Number.isFinite(quantity) || quantity < 0) throw new RangeError(`quantity of ${category} must be a finite number ≥ 0, got ${quantity}`);
      if (quantity > 0) totals.set(category, (totals.get(category) ?? 0) + quantity);
    }
    const limited: CategoryLimited[] = [];
    for (const [category, quantity] of totals) {
      const limit = limits[category];
      if (!limit) continue;
      const perSecond = limit.perSecond / this.divisor;
      const burst = limit.burst / this.divisor;
      const bucketKey = `${category}:${key}`;
      let bucket = this.buckets.get(bucketKey);
      if (!bucket) {
        bucket = { tokens: burst, updatedAt: now, perSecond, burst };
        this.buckets.set(bucketKey, bucket);
      }
      // The time since the last call refills at the limit that held then; a changed limit (a
      // new config) applies from now on.
      refill(bucket, now);
      bucket.perSecond = perSecond;
      bucket.burst = burst;
      bucket.tokens = Math.min(bucket.tokens, bucket.burst);
      const needed = Math.min(quantity, bucket.burst);
      if (bucket.tokens + EPSILON >= needed) {
        bucket.tokens -= quantity;
      } else {
        const seconds = (needed - bucket.tokens) / bucket.perSecond;
        limited.push({ category, retryAfterS: Math.max(1, Math.ceil(seconds - EPSILON)) });
      }
    }
    return {
      limited,
      allLimited: totals.size > 0 && limited.length === totals.size,
      retryAfterS: limited.reduce((longest, { retryAfterS }) => Math.max(longest, retryAfterS), 0),
    };
  }

  private sweepIfDue(now: number): void {
    if (now - this.lastSweep < this.idleMs) return;
    this.lastSweep = now;
    for (const [bucketKey, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= this.idleMs && available(bucket, now) + EPSILON >= bucket.burst) this.buckets.delete(bucketKey);
    }
  }
}

/** Tokens the bucket holds at `now` (a clock going backwards refills nothing). */
function available(bucket: Bucket, now: number): number {
  const elapsedMs = Math.max(0, now - bucket.updatedAt);
  return Math.min(bucket.burst, bucket.tokens + (elapsedMs * bucket.perSecond) / 1000);
}

function refill(bucket: Bucket, now: number): void {
  bucket.tokens = available(bucket, now);
  bucket.updatedAt = Math.max(bucket.updatedAt, now);
}
