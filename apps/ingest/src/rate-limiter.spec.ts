import type { RateLimits } from '@pulse/config';
import { RateLimiter } from './rate-limiter';

const KEY = '0123456789abcdef0123456789abcdef';
const OTHER_KEY = 'fedcba9876543210fedcba9876543210';

/** A limiter on a fake clock: `advance(ms)` is the only way time passes. */
function limiterAt(start = 1_000_000, idleMs?: number) {
  let now = start;
  const limiter = new RateLimiter({ now: () => now, idleMs });
  return { limiter, advance: (ms: number) => (now += ms) };
}

const tx = (perSecond: number, burst: number): RateLimits => ({ transaction: { perSecond, burst } });

describe('RateLimiter', () => {
  it('admits a full burst at once, then the steady rate', () => {
    const { limiter, advance } = limiterAt();
    const limits = tx(10, 5);
    for (let i = 0; i < 5; i++) expect(limiter.take(KEY, 'transaction', 1, limits)).toEqual({ allowed: true, retryAfterS: 0 });
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(false);

    // 10/s: one token every 100 ms, and nothing in between.
    let admitted = 0;
    for (let ms = 0; ms < 1000; ms += 10) {
      advance(10);
      if (limiter.take(KEY, 'transaction', 1, limits).allowed) admitted++;
    }
    expect(admitted).toBe(10);
  });

  it('refills continuously up to burst and no further', () => {
    const { limiter, advance } = limiterAt();
    const limits = tx(2, 4);
    expect(limiter.take(KEY, 'transaction', 4, limits).allowed).toBe(true);
    advance(1000); // 2 tokens back
    expect(limiter.take(KEY, 'transaction', 3, limits).allowed).toBe(false);
    expect(limiter.take(KEY, 'transaction', 2, limits).allowed).toBe(true);
    advance(60_000); // far more than needed: capped at burst
    expect(limiter.take(KEY, 'transaction', 4, limits).allowed).toBe(true);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(false);
  });

  it('refills fractional rates', () => {
    const { limiter, advance } = limiterAt();
    const limits = tx(0.5, 1);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
    advance(1999);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(false);
    advance(1);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
  });

  it('rounds retry-after up to whole seconds, at least 1', () => {
    const { limiter, advance } = limiterAt();
    expect(limiter.take(KEY, 'transaction', 10, tx(100, 10)).allowed).toBe(true);
    // One token comes back in 10 ms: still 1 s.
    expect(limiter.take(KEY, 'transaction', 1, tx(100, 10))).toEqual({ allowed: false, retryAfterS: 1 });

    const slow = tx(0.4, 3); // 2.5 s per token
    expect(limiter.take(OTHER_KEY, 'transaction', 3, slow).allowed).toBe(true);
    expect(limiter.take(OTHER_KEY, 'transaction', 1, slow).retryAfterS).toBe(3); // 2.5 s
    expect(limiter.take(OTHER_KEY, 'transaction', 2, slow).retryAfterS).toBe(5); // exactly 5 s
    advance(2000);
    expect(limiter.take(OTHER_KEY, 'transaction', 2, slow).retryAfterS).toBe(3); // 3 s left
    advance(3000);
    expect(limiter.take(OTHER_KEY, 'transaction', 2, slow)).toEqual({ allowed: true, retryAfterS: 0 });
  });

  it('gives a retry-after that is enough to be admitted', () => {
    const { limiter, advance } = limiterAt();
    const limits = tx(3, 7);
    limiter.take(KEY, 'transaction', 7, limits);
    advance(123);
    const { allowed, retryAfterS } = limiter.take(KEY, 'transaction', 5, limits);
    expect(allowed).toBe(false);
    advance(retryAfterS * 1000);
    expect(limiter.take(KEY, 'transaction', 5, limits).allowed).toBe(true);
  });

  it('admits more than burst only from a full bucket, then makes later demands repay the debt', () => {
    const { limiter, advance } = limiterAt();
    const limits = tx(10, 10);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
    // Not full: a demand of 30 waits for the 1 missing token (0.1 s → 1 s).
    expect(limiter.take(KEY, 'transaction', 30, limits)).toEqual({ allowed: false, retryAfterS: 1 });
    advance(100);
    expect(limiter.take(KEY, 'transaction', 30, limits).allowed).toBe(true);
    // 20 tokens of debt: the next single item needs 21 tokens' worth of time, 2.1 s.
    expect(limiter.take(KEY, 'transaction', 1, limits)).toEqual({ allowed: false, retryAfterS: 3 });
    advance(2000);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(false);
    advance(100);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
  });

  it('keeps categories apart, and leaves unlimited categories alone', () => {
    const { limiter } = limiterAt();
    const limits: RateLimits = { transaction: { perSecond: 1, burst: 1 }, span: { perSecond: 1, burst: 100 } };
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(false);
    expect(limiter.take(KEY, 'span', 100, limits).allowed).toBe(true);
    for (let i = 0; i < 1000; i++) expect(limiter.take(KEY, 'error', 1, limits).allowed).toBe(true);
    expect(limiter.size).toBe(2);
  });

  it('keeps keys apart', () => {
    const { limiter } = limiterAt();
    expect(limiter.take(KEY, 'transaction', 1, tx(1, 1)).allowed).toBe(true);
    expect(limiter.take(KEY, 'transaction', 1, tx(1, 1)).allowed).toBe(false);
    expect(limiter.take(OTHER_KEY, 'transaction', 1, tx(1, 1)).allowed).toBe(true);
  });

  it('allows empty demands without creating buckets, and refuses nonsense quantities', () => {
    const { limiter } = limiterAt();
    expect(limiter.take(KEY, 'transaction', 0, tx(1, 1))).toEqual({ allowed: true, retryAfterS: 0 });
    expect(limiter.takeMany(KEY, [], tx(1, 1))).toEqual({ limited: [], allLimited: false, retryAfterS: 0 });
    expect(limiter.size).toBe(0);
    expect(() => limiter.take(KEY, 'transaction', -1, tx(1, 1))).toThrow(RangeError);
    expect(() => limiter.take(KEY, 'transaction', Number.NaN, tx(1, 1))).toThrow(RangeError);
  });

  it('follows a changed limit', () => {
    const { limiter, advance } = limiterAt();
    expect(limiter.take(KEY, 'transaction', 10, tx(1, 10)).allowed).toBe(true);
    advance(1000);
    // The second that passed refilled at the old rate: 1 token, not 5.
    expect(limiter.take(KEY, 'transaction', 5, tx(5, 10))).toEqual({ allowed: false, retryAfterS: 1 });
    advance(800); // 4 more at the new rate
    expect(limiter.take(KEY, 'transaction', 5, tx(5, 10)).allowed).toBe(true);
    // A smaller burst caps what is held at once.
    advance(60_000);
    expect(limiter.take(KEY, 'transaction', 2, tx(5, 2)).allowed).toBe(true);
    expect(limiter.take(KEY, 'transaction', 1, tx(5, 2)).allowed).toBe(false);
  });
});

describe('RateLimiter with a divisor (N worker processes)', () => {
  it('admits 1/N of the rate and burst in each process, so N processes admit the configured limit', () => {
    let now = 1_000_000;
    const workers = [0, 1].map(() => new RateLimiter({ now: () => now, divisor: 2 }));
    const limits = tx(10, 4);
    const admittedNow = workers.map((limiter) => [1, 2, 3].filter(() => limiter.take(KEY, 'transaction', 1, limits).allowed).length);
    expect(admittedNow).toEqual([2, 2]);
    let admitted = 0;
    for (let ms = 0; ms < 1000; ms += 10) {
      now += 10;
      for (const limiter of workers) if (limiter.take(KEY, 'transaction', 1, limits).allowed) admitted++;
    }
    expect(admitted).toBe(10);
  });

  it('refuses a divisor below 1', () => {
    expect(() => new RateLimiter({ divisor: 0.5 })).toThrow('divisor must be ≥ 1');
    expect(() => new RateLimiter({ divisor: Number.NaN })).toThrow('divisor must be ≥ 1');
  });
});

describe('RateLimiter.takeMany', () => {
  const limits: RateLimits = {
    transaction: { perSecond: 1, burst: 2 },
    span: { perSecond: 10, burst: 10 },
    error: { perSecond: 0.1, burst: 1 },
  };

  it('limits only the categories over their quota and charges the others', () => {
    const { limiter } = limiterAt();
    expect(limiter.take(KEY, 'span', 10, limits).allowed).toBe(true);
    const result = limiter.takeMany(KEY, [
      { category: 'transaction', quantity: 1 },
      { category: 'span', quantity: 4 },
      { category: 'session', quantity: 3 },
    ], limits);
    expect(result).toEqual({ limited: [{ category: 'span', retryAfterS: 1 }], allLimited: false, retryAfterS: 1 });
    // The transaction was charged: one of two left.
    expect(limiter.take(KEY, 'transaction', 2, limits).allowed).toBe(false);
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
  });

  it('adds up the demands of one category and decides them together', () => {
    const { limiter } = limiterAt();
    const result = limiter.takeMany(KEY, [
      { category: 'span', quantity: 6 },
      { category: 'transaction', quantity: 1 },
      { category: 'span', quantity: 6 },
    ], limits);
    // 12 spans > burst 10 from a full bucket: admitted as a whole (with debt), not 10 of them.
    expect(result.limited).toEqual([]);
    expect(limiter.take(KEY, 'span', 1, limits)).toEqual({ allowed: false, retryAfterS: 1 });
  });

  it('takes nothing from a refused category', () => {
    const { limiter } = limiterAt();
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
    const result = limiter.takeMany(KEY, [{ category: 'transaction', quantity: 2 }], limits);
    expect(result.allLimited).toBe(true);
    // The one remaining token is still there.
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
  });

  it('reports everything limited, with the longest retry-after, when no category passes', () => {
    const { limiter } = limiterAt();
    limiter.takeMany(KEY, [{ category: 'transaction', quantity: 2 }, { category: 'error', quantity: 1 }], limits);
    const result = limiter.takeMany(KEY, [{ category: 'error', quantity: 1 }, { category: 'transaction', quantity: 1 }], limits);
    expect(result).toEqual({
      limited: [{ category: 'error', retryAfterS: 10 }, { category: 'transaction', retryAfterS: 1 }],
      allLimited: true,
      retryAfterS: 10,
    });
  });

  it('is not all-limited when an unlimited category rides along', () => {
    const { limiter } = limiterAt();
    limiter.take(KEY, 'error', 1, limits);
    const result = limiter.takeMany(KEY, [{ category: 'error', quantity: 1 }, { category: 'default', quantity: 1 }], limits);
    expect(result.allLimited).toBe(false);
    expect(result.limited.map((l) => l.category)).toEqual(['error']);
  });
});

describe('RateLimiter eviction', () => {
  const IDLE = 10 * 60_000;

  it('drops buckets idle for the idle time, swept lazily by later calls', () => {
    const { limiter, advance } = limiterAt(0, IDLE);
    limiter.take(KEY, 'transaction', 1, tx(1, 5));
    limiter.take(KEY, 'span', 1, { span: { perSecond: 1, burst: 5 } });
    expect(limiter.size).toBe(2);
    advance(IDLE - 1);
    limiter.take(OTHER_KEY, 'transaction', 1, tx(1, 5));
    expect(limiter.size).toBe(3);
    advance(1);
    limiter.take(OTHER_KEY, 'transaction', 1, tx(1, 5)); // the sweep runs; OTHER_KEY was just used
    expect(limiter.size).toBe(1);
    // An evicted key starts again with a full bucket.
    expect(limiter.take(KEY, 'transaction', 5, tx(1, 5)).allowed).toBe(true);
  });

  it('sweeps at most once per idle time', () => {
    const { limiter, advance } = limiterAt(0, IDLE);
    limiter.take(KEY, 'transaction', 1, tx(1, 5));
    advance(IDLE);
    limiter.take(OTHER_KEY, 'transaction', 1, tx(1, 5)); // sweep at IDLE: KEY was used at 0
    expect(limiter.size).toBe(1);
    limiter.take(KEY, 'transaction', 1, tx(1, 5));
    advance(IDLE - 1);
    limiter.take(OTHER_KEY, 'transaction', 1, tx(1, 5));
    expect(limiter.size).toBe(2); // no sweep yet
    advance(IDLE);
    limiter.take(OTHER_KEY, 'transaction', 1, tx(1, 5));
    expect(limiter.size).toBe(1);
  });

  it('keeps an idle bucket that is still in debt, so eviction never forgives it', () => {
    const { limiter, advance } = limiterAt(0, IDLE);
    const limits = tx(0.001, 1); // one per 1000 s
    expect(limiter.take(KEY, 'transaction', 1, limits).allowed).toBe(true);
    advance(IDLE);
    limiter.take(OTHER_KEY, 'transaction', 1, limits);
    expect(limiter.size).toBe(2);
    expect(limiter.take(KEY, 'transaction', 1, limits)).toEqual({ allowed: false, retryAfterS: 400 });
  });
});
