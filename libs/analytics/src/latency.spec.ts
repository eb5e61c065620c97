import { compileLatencyQuery, parsePercentiles, percentileKey } from './latency.query';
import { toLatencyResponse } from './latency.result';
import { QueryParameterError } from './time-range';

const range = { fromMs: 60_000, toMs: 240_000 };

describe('compileLatencyQuery', () => {
  it('binds every user value as a parameter and renders only numeric quantile levels', () => {
    const { sql, params } = compileLatencyQuery({
      projectId: 7,
      range,
      intervalMs: 60_000,
      percentiles: [50, 99.9],
      filters: { transaction: "x' OR 1=1 --", release: 'r1' },
    }).query;
    expect(params).toEqual({ project_id: 7, r0_from: 60_000, r0_to: 240_000, interval_ms: 60_000, f_transaction: "x' OR 1=1 --", f_release: 'r1' });
    expect(sql).toContain('quantilesDDMerge(0.01, 0.5, 0.999)(p_quantiles)');
    expect(sql).toContain('name = {f_transaction:String}');
    expect(sql).toContain('release = {f_release:String}');
    expect(sql).not.toContain('environment =');
    expect(sql).not.toContain('OR 1=1');
  });

  it('refuses a level outside (0, 1] even if a caller bypasses parsePercentiles', () => {
    expect(() => compileLatencyQuery({ projectId: 1, range, intervalMs: 1000, percentiles: [150], filters: {} })).toThrow(QueryParameterError);
  });
});

describe('the rollup path', () => {
  it('reads whole minutes from the rollup and the partial minutes at both ends from raw rows', () => {
    const long = { fromMs: 10 * 60_000 + 1_500, toMs: 130 * 60_000 + 20_000 };
    const plan = compileLatencyQuery({ projectId: 1, range: long, intervalMs: 90_000, percentiles: [95], filters: { release: 'r1' } });
    expect(plan.source).toBe('rollup');
    expect(plan.intervalMs).toBe(120_000);
    const { sql, params } = plan.query;
    expect(params).toMatchObject({ r0_from: long.fromMs, r0_to: 11 * 60_000, m1_from: 11 * 60, m1_to: 130 * 60, r2_from: 130 * 60_000, r2_to: long.toMs });
    expect(sql.match(/UNION ALL/g)).toHaveLength(2);
    expect(sql).toContain('FROM transactions_minute');
  });

  it('reads raw rows for short ranges and for filters the rollup lacks', () => {
    const hour = { fromMs: 0, toMs: 3_600_000 };
    expect(compileLatencyQuery({ projectId: 1, range: { fromMs: 0, toMs: 3_599_999 }, intervalMs: 60_000, percentiles: [95], filters: {} }).source).toBe('raw');
    expect(compileLatencyQuery({ projectId: 1, range: hour, intervalMs: 60_000, percentiles: [95], filters: {} }).source).toBe('rollup');
    expect(compileLatencyQuery({ projectId: 1, range: hour, intervalMs: 60_000, percentiles: [95], filters: { os: 'Linux' } }).source).toBe('raw');
  });
});

describe('parsePercentiles', () => {
  it('defaults to 50,95,99 and de-duplicates', () => {
    expect(parsePercentiles(undefined)).toEqual([50, 95, 99]);
    expect(parsePercentiles('95, 50,95')).toEqual([95, 50]);
    expect(parsePercentiles('99.9')).toEqual([99.9]);
  });

  it.each(['0', '101', 'p95', '1e2', '50;DROP', '-5'])('refuses %j', (raw) => {
    expect(() => parsePercentiles(raw)).toThrow(QueryParameterError);
  });

  it('names keys p50, p99_9', () => {
    expect([50, 99.9].map(percentileKey)).toEqual(['p50', 'p99_9']);
  });
});

describe('toLatencyResponse', () => {
  it('fills every bucket of the range and keys percentiles as requested', () => {
    const rows = [
      { overall: 0, t: '120000', count: '3', quantiles: [10, 30], max: 31 },
      { overall: 1, t: '0', count: '3', quantiles: [10, 30], max: 31 },
    ];
    expect(toLatencyResponse(rows, [50, 95], range, 60_000)).toEqual({
      count: 3,
      p50: 10,
      p95: 30,
      interval_ms: 60_000,
      series: [
        { t: 60_000, count: 0, p50: null, p95: null },
        { t: 120_000, count: 3, p50: 10, p95: 30 },
        { t: 180_000, count: 0, p50: null, p95: null },
      ],
    });
  });

  it('answers count 0 and null percentiles when nothing matched', () => {
    const response = toLatencyResponse([{ overall: 1, t: 0, count: 0, quantiles: [null], max: null }], [99], { fromMs: 0, toMs: 1000 }, 1000);
    expect(response).toEqual({ count: 0, p99: null, interval_ms: 1000, series: [{ t: 0, count: 0, p99: null }] });
  });
});
