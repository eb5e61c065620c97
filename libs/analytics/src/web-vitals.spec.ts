import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performanceScore } from './performance-score';
import { QueryParameterError } from './time-range';
import { thresholdExpression, webVitalPartials } from './web-vitals.dataset';
import {
  compileWebVitalsBreakdownQuery,
  compileWebVitalsQuery,
  compileWebVitalsSeriesQuery,
  parseBreakdownDimension,
  parseBreakdownSort,
  parseVital,
} from './web-vitals.query';
import { toVitalSummary, toWebVitalsBreakdownResponse, toWebVitalsResponse, toWebVitalsSeriesResponse } from './web-vitals.result';

const migration = (file: string) => readFileSync(join(__dirname, '../../storage/migrations', file), 'utf8');
const MIGRATION = migration('0003_web_vitals.sql');
/** The hour rollup's view rates with the same expressions. */
const HOUR_MIGRATION = migration('0006_hourly_rollups.sql');
const range = { fromMs: 60_000, toMs: 240_000 };
const hours = { fromMs: 30_000, toMs: 2 * 3_600_000 + 30_000 };
const EMPTY = { count: 0, p50: null, p75: null, p95: null, good: null, needs_improvement: null, poor: null };

describe('web vitals partials', () => {
  it('rate with the very threshold expressions of the materialized view (generated from VITAL_THRESHOLDS)', () => {
    expect(MIGRATION).toContain(`${thresholdExpression('good')} AS good_threshold`);
    expect(MIGRATION).toContain(`${thresholdExpression('poor')} AS poor_threshold`);
    expect(thresholdExpression('good')).toBe("transform(toString(vital), ['lcp', 'inp', 'cls', 'fcp', 'ttfb', 'fid'], [2500., 200., 0.1, 1800., 800., 100.], nan)");
    expect(HOUR_MIGRATION).toContain(`${thresholdExpression('good')} AS good_threshold`);
    expect(HOUR_MIGRATION).toContain(`${thresholdExpression('poor')} AS poor_threshold`);
  });

  it('build the same DDSketch state as the view, and the same rating conditions', () => {
    expect(MIGRATION).toContain(`${webVitalPartials.quantiles.raw} AS value_quantiles`);
    expect(HOUR_MIGRATION).toContain(`${webVitalPartials.quantiles.raw} AS value_quantiles`);
    expect(MIGRATION).toContain('countIf(value <= good_threshold) AS good');
    expect(webVitalPartials.good.raw).toBe(`countIf(value <= ${thresholdExpression('good')})`);
    expect(MIGRATION).toContain('countIf(value > good_threshold AND value <= poor_threshold) AS needs_improvement');
    expect(webVitalPartials.needsImprovement.raw).toBe(`countIf(value > ${thresholdExpression('good')} AND value <= ${thresholdExpression('poor')})`);
    expect(MIGRATION).toContain('countIf(value > poor_threshold) AS poor');
    expect(webVitalPartials.poor.raw).toBe(`countIf(value > ${thresholdExpression('poor')})`);
  });
});

describe('compileWebVitalsQuery', () => {
  it('binds every filter, groups by vital and leaves fp out', () => {
    const { query, source } = compileWebVitalsQuery({ projectId: 7, range, filters: { transaction: "/x' OR 1=1 --", browser: 'Chrome', os: 'Windows' } });
    expect(source).toBe('raw');
    expect(query.params).toEqual({ project_id: 7, r0_from: 60_000, r0_to: 240_000, f_transaction: "/x' OR 1=1 --", f_browser: 'Chrome', f_os: 'Windows' });
    expect(query.sql).toContain('page = {f_transaction:String}');
    expect(query.sql).toContain('browser_name = {f_browser:String}');
    expect(query.sql).toContain('os_name = {f_os:String}');
    expect(query.sql).toContain("WHERE vital IN ('lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid')");
    expect(query.sql).toContain('quantilesDDMerge(0.01, 0.5, 0.75, 0.95)(p_quantiles) AS quantiles');
    expect(query.sql).not.toContain('OR 1=1');
  });

  it('reads the rollup for an hour or more unless a filter needs the raw table', () => {
    expect(compileWebVitalsQuery({ projectId: 1, range: hours, filters: { browser: 'Chrome', release: '1.0.0' } }).source).toBe('rollup');
    expect(compileWebVitalsQuery({ projectId: 1, range: hours, filters: { os: 'Windows' } }).source).toBe('raw');
  });

  it('refuses tag filters: vitals have no tags', () => {
    expect(() => compileWebVitalsQuery({ projectId: 1, range, filters: { tags: [['a', 'b']] } })).toThrow(new QueryParameterError('web vitals cannot be filtered by tag'));
  });
});

describe('compileWebVitalsSeriesQuery', () => {
  it('binds the vital and widens the interval to whole minutes on the rollup path', () => {
    const plan = compileWebVitalsSeriesQuery({ projectId: 1, range: hours, filters: {}, vital: 'cls', intervalMs: 90_000 });
    expect(plan.source).toBe('rollup');
    expect(plan.intervalMs).toBe(120_000);
    expect(plan.query.params).toMatchObject({ vital: 'cls', interval_ms: 120_000 });
    expect(plan.query.sql).toContain('WHERE vital = {vital:String}');
    expect(compileWebVitalsSeriesQuery({ projectId: 1, range, filters: {}, vital: 'cls', intervalMs: 90_000 }).intervalMs).toBe(90_000);
  });
});

describe('compileWebVitalsBreakdownQuery', () => {
  const compile = (sort: 'count' | 'key' | 'lcp', order: 'asc' | 'desc') =>
    compileWebVitalsBreakdownQuery({ projectId: 1, range: hours, filters: {}, by: 'browser', sort, order, page: { limit: 20, offset: 40 } }).query;

  it('groups by the dimension column and binds the page', () => {
    const query = compile('count', 'desc');
    expect(query.sql).toContain('browser_name AS key');
    expect(query.sql).toContain('ORDER BY total DESC, key ASC\nLIMIT {limit:UInt32} OFFSET {offset:UInt32}');
    expect(query.params).toMatchObject({ limit: 20, offset: 40 });
  });

  it('maps each sort to a fixed fragment', () => {
    expect(compile('key', 'asc').sql).toContain('ORDER BY key ASC\n');
    expect(compile('lcp', 'asc').sql).toContain("ORDER BY countIf(vital = 'lcp') = 0 ASC, anyIf(quantiles[2], vital = 'lcp') ASC, total DESC, key ASC");
  });
});

describe('parameters', () => {
  it('parses the vital', () => {
    expect(parseVital('inp')).toBe('inp');
    expect(() => parseVital(undefined)).toThrow('vital is required: one of lcp, fcp, cls, inp, ttfb, fid');
    expect(() => parseVital('fp')).toThrow('vital="fp" must be one of lcp, fcp, cls, inp, ttfb, fid');
    expect(() => parseVital('LCP')).toThrow(QueryParameterError);
  });

  it('parses the dimension', () => {
    expect(parseBreakdownDimension('release')).toBe('release');
    expect(() => parseBreakdownDimension(undefined)).toThrow('by is required: one of page, browser, release');
    expect(() => parseBreakdownDimension('os')).toThrow('by="os" must be one of page, browser, release');
  });

  it('parses sort and order with their defaults', () => {
    expect(parseBreakdownSort(undefined, undefined, 'page')).toEqual({ sort: 'count', order: 'desc' });
    expect(parseBreakdownSort('page', undefined, 'page')).toEqual({ sort: 'key', order: 'asc' });
    expect(parseBreakdownSort('lcp', 'asc', 'page')).toEqual({ sort: 'lcp', order: 'asc' });
    expect(() => parseBreakdownSort('browser', undefined, 'page')).toThrow('sort="browser" must be one of count, page, lcp, fcp, cls, inp, ttfb, fid');
    expect(() => parseBreakdownSort('count', 'up', 'page')).toThrow('order="up" must be asc or desc');
  });
});

describe('result shaping', () => {
  const lcp = { vital: 'lcp', count: '4', quantiles: [2000, 2600, 5000], good: '2', needs_improvement: '1', poor: '1' };

  it('answers every vital: shares of the samples, nulls for a vital without samples, the score of the p75s', () => {
    const response = toWebVitalsResponse([lcp, { vital: 'cls', count: '2', quantiles: [0, 0.05, 0.3], good: '2', needs_improvement: '0', poor: '0' }]);
    expect(Object.keys(response)).toEqual(['lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid', 'score']);
    expect(response.lcp).toEqual({ count: 4, p50: 2000, p75: 2600, p95: 5000, good: 0.5, needs_improvement: 0.25, poor: 0.25 });
    expect(response.fcp).toEqual(EMPTY);
    expect(response.score).toBe(performanceScore({ lcp: 2600, cls: 0.05 }));
  });

  it('scores null without any scored vital', () => {
    expect(toWebVitalsResponse([{ ...lcp, vital: 'fid' }]).score).toBeNull();
    expect(toWebVitalsResponse([]).score).toBeNull();
  });

  it('maps NaN percentiles to null', () => {
    expect(toVitalSummary({ count: 1, quantiles: [null, 'nan', 3], good: 1, needs_improvement: 0, poor: 0 })).toMatchObject({ p50: null, p75: null, p95: 3 });
  });

  it('puts breakdown keys under the dimension name', () => {
    const rows = [{ key: 'Chrome', total: '4', vital_names: ['lcp'], vital_counts: ['4'], vital_quantiles: [lcp.quantiles], vital_good: ['2'], vital_needs_improvement: ['1'], vital_poor: ['1'] }];
    const [entry] = toWebVitalsBreakdownResponse(rows, 'browser');
    expect(Object.keys(entry)).toEqual(['browser', 'lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid', 'score']);
    expect(entry.browser).toBe('Chrome');
    expect(entry.lcp.good).toBe(0.5);
    expect(entry.score).toBe(performanceScore({ lcp: 2600 }));
  });

  it('fills every bucket of the series', () => {
    const response = toWebVitalsSeriesResponse([{ ...lcp, t: '120000' }], 'lcp', range, 60_000);
    expect(response).toEqual({
      vital: 'lcp',
      interval_ms: 60_000,
      series: [
        { t: 60_000, ...EMPTY },
        { t: 120_000, count: 4, p50: 2000, p75: 2600, p95: 5000, good: 0.5, needs_improvement: 0.25, poor: 0.25 },
        { t: 180_000, ...EMPTY },
      ],
    });
  });
});
