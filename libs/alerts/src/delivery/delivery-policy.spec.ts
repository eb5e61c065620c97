import { backoffDelayMs, checkBackoffPolicy, DEFAULT_BACKOFF, outcomeOf, retryDelayMs } from './delivery-policy';

const middle = (): number => 0.5;

describe('delivery back-off', () => {
  it('doubles from one second up to ten minutes', () => {
    const delays = [1, 2, 3, 4, 10, 11, 12, 30].map((failures) => backoffDelayMs(failures, DEFAULT_BACKOFF, middle));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 512_000, 600_000, 600_000, 600_000]);
  });

  it('spreads each delay by ±20 % and never goes past the maximum', () => {
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(3_200);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.999_999)).toBe(4_800);
    expect(backoffDelayMs(20, DEFAULT_BACKOFF, () => 0)).toBe(480_000);
    expect(backoffDelayMs(20, DEFAULT_BACKOFF, () => 0.999_999)).toBe(600_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelayMs(2, DEFAULT_BACKOFF)));
    expect(spread.size).toBeGreaterThan(1);
    for (const delay of spread) expect(delay >= 1_600 && delay <= 2_400).toBe(true);
  });

  it('takes the receiver’s Retry-After instead, bounded to [0, maxMs]', () => {
    expect(retryDelayMs({ retryAfterMs: 7_000 }, 1, DEFAULT_BACKOFF, middle)).toBe(7_000);
    expect(retryDelayMs({ retryAfterMs: 0 }, 5, DEFAULT_BACKOFF, middle)).toBe(0);
    expect(retryDelayMs({ retryAfterMs: -5 }, 1, DEFAULT_BACKOFF, middle)).toBe(0);
    expect(retryDelayMs({ retryAfterMs: 86_400_000 }, 1, DEFAULT_BACKOFF, middle)).toBe(600_000);
    expect(retryDelayMs({}, 3, DEFAULT_BACKOFF, middle)).toBe(4_000);
  });

  it('refuses a policy that makes no sense, naming the field', () => {
    expect(() => checkBackoffPolicy({ ...DEFAULT_BACKOFF, baseMs: 0 })).toThrow(/baseMs/);
    expect(() => checkBackoffPolicy({ ...DEFAULT_BACKOFF, factor: 0.5 })).toThrow(/factor/);
    expect(() => checkBackoffPolicy({ ...DEFAULT_BACKOFF, maxMs: 10 })).toThrow(/maxMs/);
    expect(() => checkBackoffPolicy({ ...DEFAULT_BACKOFF, jitter: 1 })).toThrow(/jitter/);
    expect(() => checkBackoffPolicy({ ...DEFAULT_BACKOFF, jitter: Number.NaN })).toThrow(/jitter/);
    expect(checkBackoffPolicy(DEFAULT_BACKOFF)).toBe(DEFAULT_BACKOFF);
  });
});

describe('the outcome of an attempt', () => {
  it('is delivered on success, failed at once when not retryable, and failed on the last allowed attempt', () => {
    expect(outcomeOf({ ok: true, statusCode: 200 }, 11, 12)).toBe('delivered');
    expect(outcomeOf({ ok: false, retry: false, statusCode: 400, error: 'HTTP 400' }, 0, 12)).toBe('failed');
    expect(outcomeOf({ ok: false, retry: true, statusCode: 503, error: 'HTTP 503' }, 0, 12)).toBe('retry');
    expect(outcomeOf({ ok: false, retry: true, statusCode: 503, error: 'HTTP 503' }, 10, 12)).toBe('retry');
    expect(outcomeOf({ ok: false, retry: true, statusCode: 503, error: 'HTTP 503' }, 11, 12)).toBe('failed');
    expect(outcomeOf({ ok: false, retry: true, error: 'ECONNREFUSED' }, 0, 1)).toBe('failed');
  });
});
