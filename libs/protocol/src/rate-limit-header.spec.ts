import { formatRateLimits, RATE_LIMITS_HEADER, RateLimit } from './rate-limit-header';

/**
 * What the JS SDK does with the header (`updateRateLimits` in @sentry/core): split on ",", then each
 * limit on ":" into retry_after, categories (";"-separated, empty = all), scope, reason.
 */
function readLikeTheSdk(header: string): { retryAfter: number; categories: string[]; scope: string; reason?: string }[] {
  return header.split(',').map((limit) => {
    const [retryAfter, categories, scope, reason] = limit.trim().split(':');
    return { retryAfter: parseInt(retryAfter, 10), categories: categories ? categories.split(';') : [], scope, reason };
  });
}

describe('formatRateLimits', () => {
  it('writes the grammar of the reference example', () => {
    const limits: RateLimit[] = [
      { retryAfterS: 60, categories: ['transaction', 'error'], scope: 'key', reasonCode: 'quota_exceeded' },
      { retryAfterS: 30, categories: [], scope: 'project' },
    ];
    expect(formatRateLimits(limits)).toBe('60:transaction;error:key:quota_exceeded, 30::project');
  });

  it('round-trips through the way the SDK reads it', () => {
    const header = formatRateLimits([
      { retryAfterS: 2.2, categories: ['span', 'session'], scope: 'organization' },
      { retryAfterS: 10, categories: ['attachment'], scope: 'project', reasonCode: 'too_big' },
    ]);
    expect(readLikeTheSdk(header)).toEqual([
      { retryAfter: 3, categories: ['span', 'session'], scope: 'organization', reason: undefined },
      { retryAfter: 10, categories: ['attachment'], scope: 'project', reason: 'too_big' },
    ]);
  });

  it('rounds seconds up, never below 0, and falls back to the SDK default of 60 for a non-number', () => {
    const one = (retryAfterS: number) => formatRateLimits([{ retryAfterS, categories: [], scope: 'key' }]);
    expect(one(0.001)).toBe('1::key');
    expect(one(59)).toBe('59::key');
    expect(one(-5)).toBe('0::key');
    expect(one(Number.NaN)).toBe('60::key');
    expect(one(Number.POSITIVE_INFINITY)).toBe('60::key');
  });

  it('is empty for no limits', () => {
    expect(formatRateLimits([])).toBe('');
  });

  it('drops tokens that would break the header, and never widens a limit to all categories', () => {
    expect(formatRateLimits([{ retryAfterS: 5, categories: ['error', 'bad;one', 'a b'], scope: 'key', reasonCode: 'x:y' }])).toBe('5:error:key');
    expect(formatRateLimits([{ retryAfterS: 5, categories: ['bad,one'], scope: 'key' }, { retryAfterS: 7, categories: [], scope: 'project' }])).toBe('7::project');
  });

  it('names the header', () => {
    expect(RATE_LIMITS_HEADER).toBe('X-Sentry-Rate-Limits');
  });
});
