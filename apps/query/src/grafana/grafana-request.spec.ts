import { QueryParameterError } from '@pulse/analytics';
import { bucketCount, bucketWidthMs, mergeFilters, readAdhocFilters, readPayload, readRange, unescapeRegexFormat } from './grafana-request';

const HOUR = 3_600_000;
const VITALS = ['lcp', 'inp', 'cls', 'fcp', 'ttfb', 'fid'];

describe('readRange', () => {
  it('reads the ISO-8601 times Grafana sends, and epoch milliseconds', () => {
    expect(readRange('2026-11-24T06:00:00.000Z', '2026-11-24T12:00:00.000Z')).toEqual({ fromMs: Date.parse('2026-11-24T06:00:00Z'), toMs: Date.parse('2026-11-24T12:00:00Z') });
    expect(readRange('1000', '2000')).toEqual({ fromMs: 1000, toMs: 2000 });
  });

  it.each([
    ['now-6h', 'now', 'range.from="now-6h" is not ISO-8601 or epoch milliseconds'],
    ['2026-11-24T12:00:00Z', '2026-11-24T06:00:00Z', 'range.to must be after range.from'],
  ])('refuses %s … %s', (from, to, message) => {
    expect(() => readRange(from, to)).toThrow(new QueryParameterError(message));
  });
});

describe('bucketWidthMs', () => {
  const sixHours = { fromMs: Date.parse('2026-11-24T06:00:00Z'), toMs: Date.parse('2026-11-24T12:00:00Z') };

  it("keeps Grafana's intervalMs when the buckets fit maxDataPoints", () => {
    expect(bucketWidthMs(sixHours, 30_000, 1920, 1000)).toBe(30_000);
    expect(bucketCount(sixHours, 30_000)).toBe(720);
  });

  it('never goes below one second', () => {
    const minute = { fromMs: 0, toMs: 60_000 };
    expect(bucketWidthMs(minute, 20, 1000, 1000)).toBe(1000);
    expect(bucketWidthMs(minute, undefined, undefined, 1000)).toBe(1000);
  });

  it('widens to the next round width so buckets ≤ maxDataPoints', () => {
    // 720 buckets of 30 s do not fit 550 points: 60 s (360 buckets) does.
    expect(bucketWidthMs(sixHours, 30_000, 550, 1000)).toBe(60_000);
    // An unaligned range touches one more bucket than its length holds.
    const unaligned = { fromMs: 10_000, toMs: 10_000 + 10 * 60_000 };
    expect(bucketCount(unaligned, 60_000)).toBe(11);
    expect(bucketWidthMs(unaligned, 60_000, 10, 1000)).toBe(120_000);
  });

  it("also keeps to the service's maxPoints when maxDataPoints is larger or missing", () => {
    const day = { fromMs: 0, toMs: 24 * HOUR };
    expect(bucketWidthMs(day, 1000, 100_000, 1000)).toBe(120_000);
    expect(bucketWidthMs(day, undefined, undefined, 1000)).toBe(120_000);
    for (const points of [1, 2, 3, 7, 550, 1000]) {
      const width = bucketWidthMs(day, 1000, points, 1000);
      expect(bucketCount(day, width)).toBeLessThanOrEqual(points);
    }
  });

  it('fits very long ranges with few points beyond the round widths', () => {
    const year = { fromMs: 0, toMs: 365 * 24 * HOUR };
    const width = bucketWidthMs(year, 1000, 10, 1000);
    expect(bucketCount(year, width)).toBeLessThanOrEqual(10);
    expect(width % 1000).toBe(0);
  });
});

describe('readAdhocFilters', () => {
  it('reads filters and adhocFilters alike', () => {
    const filters = readAdhocFilters([{ key: 'environment', operator: '=', value: 'production' }], [{ key: 'browser', operator: '=', value: 'Chrome' }]);
    expect(mergeFilters({ filters: {}, labels: {} }, filters)).toEqual({ environment: 'production', browser: 'Chrome' });
  });

  it('refuses operators other than =, saying so', () => {
    expect(() => readAdhocFilters([{ key: 'release', operator: '!=', value: '1.0' }])).toThrow(
      new QueryParameterError('ad-hoc filter operator "!=" (on release) is not supported; only = is'),
    );
    expect(() => readAdhocFilters([], [{ key: 'release', operator: '=~', value: '1.*' }])).toThrow(/only = is/);
  });

  it('refuses unknown keys, listing the valid ones', () => {
    expect(() => readAdhocFilters([{ key: 'city', operator: '=', value: 'Berlin' }])).toThrow(
      new QueryParameterError('unknown ad-hoc filter key "city"; valid keys: transaction, release, environment, browser, os'),
    );
  });

  it('refuses one key with two values, accepts it twice with one', () => {
    expect(() => readAdhocFilters([{ key: 'release', operator: '=', value: 'a' }], [{ key: 'release', operator: '=', value: 'b' }])).toThrow(/conflicting filters/);
    expect(readAdhocFilters([{ key: 'release', operator: '=', value: 'a' }], [{ key: 'release', operator: '=', value: 'a' }]).release?.value).toBe('a');
  });
});

describe('readPayload', () => {
  const allowed = ['release', 'environment', 'transaction', 'group_by'] as const;

  it('maps payload fields to filters and series labels', () => {
    expect(readPayload('transaction.p95', { release: '1.4.0', environment: 'production', group_by: 'release' }, allowed, VITALS)).toEqual({
      filters: { release: '1.4.0', environment: 'production' },
      labels: { release: '1.4.0', environment: 'production' },
      groupBy: 'release',
    });
  });

  it('filters web vitals by page through the transaction filter', () => {
    expect(readPayload('web_vitals', { page: '/checkout', vital: 'lcp' }, ['page', 'vital'], VITALS)).toEqual({
      filters: { transaction: '/checkout' },
      labels: { page: '/checkout' },
      vital: 'lcp',
    });
  });

  it('treats *, empty and null values as no filter', () => {
    expect(readPayload('t', { release: '*', environment: '', transaction: null }, allowed, VITALS)).toEqual({ filters: {}, labels: {} });
  });

  it('undoes the regex escaping of template variables in builder mode', () => {
    expect(unescapeRegexFormat('shop@1\\.4\\.0')).toBe('shop@1.4.0');
    expect(unescapeRegexFormat('GET /api/items/\\(id\\)')).toBe('GET /api/items/(id)');
    expect(readPayload('t', { release: 'shop@1\\.4\\.0' }, allowed, VITALS).filters).toEqual({ release: 'shop@1.4.0' });
  });

  it('refuses a multi-value variable, naming the way out', () => {
    expect(() => readPayload('t', { release: '(1\\.0\\.0|1\\.1\\.0)' }, allowed, VITALS)).toThrow(/holds several values.*single-value variable or "\*" for all/);
  });

  it.each([
    [{ city: 'Berlin' }, 't has no payload field "city"; valid payload fields: release, environment, transaction, group_by'],
    [{ release: 4 }, 'payload release of t must be a string, got 4'],
    [{ group_by: 'environment' }, 'payload group_by of t must be "release", got "environment"'],
  ])('refuses %j', (payload, message) => {
    expect(() => readPayload('t', payload, allowed, VITALS)).toThrow(new QueryParameterError(message));
  });

  it('checks vitals against the known ones and says when a target takes no payload', () => {
    expect(() => readPayload('w', { vital: 'fp' }, ['vital'], VITALS)).toThrow('payload vital of w must be one of lcp, inp, cls, fcp, ttfb, fid, got "fp"');
    expect(() => readPayload('w', { release: '1' }, [], VITALS)).toThrow('w has no payload field "release"; it takes no payload');
  });
});

describe('mergeFilters', () => {
  it('combines payload and ad-hoc filters and refuses a contradiction', () => {
    const adhoc = readAdhocFilters([{ key: 'environment', operator: '=', value: 'production' }, { key: 'release', operator: '=', value: '1.0' }]);
    expect(mergeFilters({ filters: { release: '1.0', transaction: 'GET /' }, labels: {} }, adhoc)).toEqual({ environment: 'production', release: '1.0', transaction: 'GET /' });
    expect(() => mergeFilters({ filters: { release: '2.0' }, labels: {} }, adhoc)).toThrow(
      new QueryParameterError('conflicting filters: release="1.0" (ad-hoc filter) and release="2.0" (payload)'),
    );
  });
});
