import type { RateLimits } from '@pulse/config';
import { RateLimiter } from '../rate-limiter';
import { CATEGORY, takeQuotas, WITHIN_QUOTA } from './limit.step';
import type { StoredItem } from './read-items.step';

const KEY = '0123456789abcdef0123456789abcdef';

/** A limiter on a fake clock that never moves: only what a test takes leaves a bucket. */
const frozenLimiter = (divisor?: number) => new RateLimiter({ now: () => 1_000_000, divisor });

const item = (index: number, kind: StoredItem['kind'], quantity = 1): StoredItem => ({ index, kind, quantity, json: {}, payload: Buffer.from('{}') });
const transaction = item(0, 'transaction');
const spans = (quantity: number) => item(1, 'span', quantity);

describe('takeQuotas', () => {
  it('skips the limiter for a key without quotas', () => {
    const limiter = frozenLimiter();
    expect(takeQuotas(limiter, KEY, {}, [transaction])).toBe(WITHIN_QUOTA);
    expect(takeQuotas(limiter, KEY, { error: undefined }, [transaction])).toBe(WITHIN_QUOTA);
    expect(limiter.size).toBe(0);
  });

  it('charges the quotas of a request within them, and limits nothing', () => {
    const limiter = frozenLimiter();
    const limits: RateLimits = { transaction: { perSecond: 1, burst: 2 } };
    expect(takeQuotas(limiter, KEY, limits, [transaction])).toBe(WITHIN_QUOTA);
    expect(takeQuotas(limiter, KEY, limits, [transaction])).toBe(WITHIN_QUOTA);
    expect(limiter.size).toBe(1);
    // The burst of 2 is spent: the third is refused.
    expect(takeQuotas(limiter, KEY, limits, [transaction])).toMatchObject({ refusal: 'rate_limited' });
  });

  it('charges a span batch the spans counted in it', () => {
    const limiter = frozenLimiter();
    const limits: RateLimits = { span: { perSecond: 10, burst: 10 } };
    expect(takeQuotas(limiter, KEY, limits, [spans(6)])).toBe(WITHIN_QUOTA);
    expect(takeQuotas(limiter, KEY, limits, [spans(6)])).toMatchObject({ refusal: 'rate_limited' });
    expect(takeQuotas(limiter, KEY, limits, [spans(4)])).toBe(WITHIN_QUOTA);
  });

  it('names the categories over quota, and keeps the others', () => {
    const limiter = frozenLimiter();
    const limits: RateLimits = { transaction: { perSecond: 1, burst: 1 }, span: { perSecond: 2, burst: 2 } };
    expect(takeQuotas(limiter, KEY, limits, [transaction, spans(2)])).toBe(WITHIN_QUOTA);
    const quota = takeQuotas(limiter, KEY, limits, [transaction, item(1, 'event')]);
    expect(quota).toEqual({ limited: new Set(['transaction']), headers: { 'X-Sentry-Rate-Limits': '1:transaction:key' } });
  });

  it('refuses a request every category of which is over quota, with the longest wait', () => {
    const limiter = frozenLimiter();
    const limits: RateLimits = { transaction: { perSecond: 1, burst: 1 }, span: { perSecond: 0.25, burst: 1 } };
    const stored = [transaction, spans(1)];
    expect(takeQuotas(limiter, KEY, limits, stored)).toBe(WITHIN_QUOTA);
    expect(takeQuotas(limiter, KEY, limits, stored)).toEqual({
      refusal: 'rate_limited',
      items: stored,
      headers: { 'X-Sentry-Rate-Limits': '1:transaction:key, 4:span:key' },
      retryAfterS: 4,
    });
  });

  it('counts a session update and a session aggregate in the same category', () => {
    const limiter = frozenLimiter();
    const limits: RateLimits = { session: { perSecond: 1, burst: 2 } };
    expect(takeQuotas(limiter, KEY, limits, [item(0, 'session'), item(1, 'sessions')])).toBe(WITHIN_QUOTA);
    expect(takeQuotas(limiter, KEY, limits, [item(0, 'sessions')])).toMatchObject({ refusal: 'rate_limited', headers: { 'X-Sentry-Rate-Limits': '1:session:key' } });
  });

  // Relay: client reports are internal items, with no data category: no quota charges or refuses them.
  it('never charges or limits client reports, and stores them when every category is over quota', () => {
    const limiter = frozenLimiter();
    const limits: RateLimits = { transaction: { perSecond: 1, burst: 1 }, default: { perSecond: 1, burst: 1 } };
    const reports = [item(0, 'client_report'), item(1, 'client_report'), item(2, 'client_report')];
    expect(takeQuotas(limiter, KEY, limits, reports)).toBe(WITHIN_QUOTA);
    expect(takeQuotas(limiter, KEY, limits, [transaction])).toBe(WITHIN_QUOTA);
    // The transaction quota is spent: alone, a transaction is refused; beside a client report, only it is limited.
    expect(takeQuotas(limiter, KEY, limits, [transaction])).toMatchObject({ refusal: 'rate_limited' });
    expect(takeQuotas(limiter, KEY, limits, [transaction, item(1, 'client_report')])).toEqual({
      limited: new Set(['transaction']),
      headers: { 'X-Sentry-Rate-Limits': '1:transaction:key' },
    });
    expect(CATEGORY.client_report).toBeUndefined();
  });

  it('admits 1/N of the limit per worker process (the limiter provided with INGEST_WORKERS as divisor)', () => {
    const limiter = frozenLimiter(2);
    const limits: RateLimits = { error: { perSecond: 4, burst: 4 } };
    const events = [item(0, 'event'), item(1, 'event')];
    expect(takeQuotas(limiter, KEY, limits, events)).toBe(WITHIN_QUOTA);
    expect(takeQuotas(limiter, KEY, limits, [item(0, 'event')])).toMatchObject({ refusal: 'rate_limited' });
  });
});
