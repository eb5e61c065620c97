import { chooseInterval, parseInterval, parseTimeRange, parseTimestamp, QueryParameterError } from './time-range';

describe('time parameters', () => {
  it('reads ISO-8601 and epoch milliseconds', () => {
    expect(parseTimestamp('from', '2026-11-24T10:00:00Z')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseTimestamp('from', '2026-11-24T11:00:00+01:00')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseTimestamp('from', '1795500000000')).toBe(1795500000000);
  });

  it.each(['', 'yesterday', '-5', '12.5', '2026-13-45T00:00:00Z'])('refuses %j', (raw) => {
    expect(() => parseTimestamp('from', raw)).toThrow(QueryParameterError);
  });

  it('requires to > from and a bounded span', () => {
    expect(() => parseTimeRange('2000', '1000', 90)).toThrow(/to must be after from/);
    expect(() => parseTimeRange('0', String(91 * 86_400_000), 90)).toThrow(/at most 90 days/);
    expect(parseTimeRange('1000', '2000', 90)).toEqual({ fromMs: 1000, toMs: 2000 });
  });

  it('reads intervals with units or in milliseconds', () => {
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval('5m')).toBe(300_000);
    expect(parseInterval('1h')).toBe(3_600_000);
    expect(parseInterval('2d')).toBe(172_800_000);
    expect(parseInterval('1500')).toBe(1500);
    expect(() => parseInterval('5 minutes')).toThrow(QueryParameterError);
    expect(() => parseInterval('0s')).toThrow(QueryParameterError);
  });

  it('widens an interval that would give too many points, and picks a round one by default', () => {
    const day = { fromMs: 0, toMs: 86_400_000 };
    expect(chooseInterval(day, '1s', 1000)).toBe(86_400);
    expect(chooseInterval(day, '1h', 1000)).toBe(3_600_000);
    expect(chooseInterval(day, undefined, 1000)).toBe(1_800_000); // 100 points want 864 s: the next round step is 30 min
    expect(chooseInterval({ fromMs: 0, toMs: 10_000 }, '100', 1000)).toBe(1000); // never below 1 s
  });
});
