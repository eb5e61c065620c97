import { checkedScope, parseScope } from './analytics-scope';
import { parseSeriesReleaseLimit } from './paging';
import { QueryParameterError } from './time-range';
import { parseGroupByRelease } from './transactions.query';

const DAY = 86_400_000;
const limits = { maxRangeDays: 30, maxPoints: 100 };

describe('parseScope', () => {
  it('parses the range, the bucket width and the filters of a query string', () => {
    expect(parseScope(7, { from: '0', to: String(DAY), interval: '1h', release: '1.0.0', tag: 'region:eu' }, limits)).toEqual({
      projectId: 7,
      range: { fromMs: 0, toMs: DAY },
      intervalMs: 3_600_000,
      filters: { transaction: undefined, release: '1.0.0', environment: undefined, browser: undefined, os: undefined, tags: [['region', 'eu']] },
    });
  });

  it('tells the first wrong value, in the order of the parameters', () => {
    expect(() => parseScope(1, { from: '0', to: String(31 * DAY), interval: 'often', tag: 'x' }, limits)).toThrow('the time range may span at most 30 days');
    expect(() => parseScope(1, { from: '0', to: String(DAY), interval: 'often', tag: 'x' }, limits)).toThrow('interval="often" must look like 30s, 5m, 1h, 1d or milliseconds');
    expect(() => parseScope(1, { from: '0', to: String(DAY), tag: 'x' }, limits)).toThrow('tag="x" must look like key:value');
  });
});

describe('checkedScope', () => {
  it('holds a parsed range to the limits of parseScope', () => {
    expect(() => checkedScope(1, { fromMs: 0, toMs: 31 * DAY }, 60_000, {}, limits)).toThrow(new QueryParameterError('the time range may span at most 30 days'));
    expect(checkedScope(1, { fromMs: 0, toMs: 30 * DAY }, 60_000, { release: '1.0.0' }, limits)).toEqual({
      projectId: 1,
      range: { fromMs: 0, toMs: 30 * DAY },
      // 60 s over 30 days would be 43,200 buckets: widened to at most 100.
      intervalMs: (30 * DAY) / 100,
      filters: { release: '1.0.0' },
    });
  });

  it('answers the same bucket width as parseScope for the same request', () => {
    const parsed = parseScope(1, { from: '1000', to: String(2 * DAY), interval: '90000ms' }, limits);
    expect(checkedScope(1, parsed.range, 90_000, {}, limits).intervalMs).toBe(parsed.intervalMs);
  });
});

describe('series split by release', () => {
  it('takes 5 releases by default and at most 20', () => {
    expect(parseSeriesReleaseLimit(undefined)).toBe(5);
    expect(parseSeriesReleaseLimit('20')).toBe(20);
    expect(() => parseSeriesReleaseLimit('21', ' with group_by=release')).toThrow('limit must be at most 20 with group_by=release');
    expect(() => parseSeriesReleaseLimit('0')).toThrow('limit="0" must be an integer in [1, 1000]');
  });

  it('splits by release only', () => {
    expect(parseGroupByRelease(undefined)).toBe(false);
    expect(parseGroupByRelease('release')).toBe(true);
    expect(() => parseGroupByRelease('os')).toThrow('group_by="os" must be release');
  });
});
