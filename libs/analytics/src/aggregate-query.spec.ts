import { bucketKey, compileAggregate, Dataset } from './aggregate-query';
import { compileLatencyQuery } from './latency.query';
import { compileReleaseErrors, compileReleaseTransactions } from './releases.query';
import { HOUR_MS, MINUTE_MS } from './tier-cover';
import { compileTransactionSeries, compileTransactionTable } from './transactions.query';
import { TRANSACTIONS, transactionPartials } from './transactions.dataset';
import { compileWebVitalsQuery } from './web-vitals.query';

const T0 = 500_000 * HOUR_MS;
// Partial minutes at both ends, whole minutes on either side of three whole hours.
const range = { fromMs: T0 + 50 * MINUTE_MS + 1_234, toMs: T0 + 4 * HOUR_MS + 10 * MINUTE_MS + 5_678 };
const branches = (sql: string) => sql.split('UNION ALL').length;
const tables = (sql: string) => [...sql.matchAll(/FROM (transactions\w*|web_vitals\w*|errors\w*)\n/g)].map((m) => m[1]);

describe('compileAggregate over three tiers', () => {
  const latency = (intervalMs: number, hourRollupFromMs?: number) =>
    compileLatencyQuery({ projectId: 1, range, intervalMs, percentiles: [95], filters: {}, source: 'rollup', hourRollupFromMs }).query;

  it('reads whole hours from the hour rollup, whole minutes around them, partial minutes raw, in time order', () => {
    const { sql, params } = latency(HOUR_MS, 0);
    expect(tables(sql)).toEqual(['transactions', 'transactions_minute', 'transactions_hour', 'transactions_minute', 'transactions']);
    expect(params).toMatchObject({
      r0_from: range.fromMs,
      r0_to: T0 + 51 * MINUTE_MS,
      m1_from: (T0 + 51 * MINUTE_MS) / 1000,
      m1_to: (T0 + HOUR_MS) / 1000,
      h2_from: (T0 + HOUR_MS) / 1000,
      h2_to: (T0 + 4 * HOUR_MS) / 1000,
      m3_from: (T0 + 4 * HOUR_MS) / 1000,
      m3_to: (T0 + 4 * HOUR_MS + 10 * MINUTE_MS) / 1000,
      r4_from: T0 + 4 * HOUR_MS + 10 * MINUTE_MS,
      r4_to: range.toMs,
    });
    expect(sql).toContain("hour >= toDateTime({h2_from:UInt32}, 'UTC') AND hour < toDateTime({h2_to:UInt32}, 'UTC')");
  });

  it('computes the bucket as Int64 on every branch, from the time column of each', () => {
    const { sql } = latency(3 * HOUR_MS, 0);
    expect(sql.match(/toInt64\(intDiv\(/g)).toHaveLength(branches(sql));
    expect(sql).toContain('toInt64(intDiv(toUnixTimestamp(hour) * 1000, {interval_ms:UInt64}) * {interval_ms:UInt64}) AS t');
    expect(sql).toContain('toInt64(intDiv(toUnixTimestamp(minute) * 1000, {interval_ms:UInt64}) * {interval_ms:UInt64}) AS t');
  });

  it('reads no hour rows when buckets are not whole hours: an hour row would straddle two buckets', () => {
    expect(tables(latency(5 * MINUTE_MS, 0).sql)).toEqual(['transactions', 'transactions_minute', 'transactions']);
    expect(tables(latency(90 * MINUTE_MS, 0).sql)).not.toContain('transactions_hour');
  });

  it('reads no hour rows when their start is unknown, and only hours from the start on', () => {
    expect(tables(latency(HOUR_MS).sql)).not.toContain('transactions_hour');
    const { sql, params } = latency(HOUR_MS, T0 + 2 * HOUR_MS + 1);
    expect(tables(sql)).toEqual(['transactions', 'transactions_minute', 'transactions_hour', 'transactions_minute', 'transactions']);
    expect(params).toMatchObject({ m1_to: (T0 + 3 * HOUR_MS) / 1000, h2_from: (T0 + 3 * HOUR_MS) / 1000, h2_to: (T0 + 4 * HOUR_MS) / 1000 });
  });

  it('uses hour rows for queries without time buckets', () => {
    const table = compileTransactionTable({ projectId: 1, range, filters: { release: 'r1' }, apdexThresholdMs: 300, sort: 'count', order: 'desc', limit: 10, offset: 0, hourRollupFromMs: 0 });
    expect(table.source).toBe('rollup');
    expect(tables(table.query.sql)).toContain('transactions_hour');
    // The rollup filter applies to every rollup branch.
    expect(table.query.sql.match(/release = \{f_release:String\}/g)).toHaveLength(branches(table.query.sql));
    expect(tables(compileWebVitalsQuery({ projectId: 1, range, filters: {}, hourRollupFromMs: 0 }).query.sql)).toContain('web_vitals_hour');
  });

  it('reads raw rows for filters the rollups lack and for another apdex threshold', () => {
    const base = { projectId: 1, range, sort: 'count' as const, order: 'desc' as const, limit: 10, offset: 0, hourRollupFromMs: 0 };
    expect(compileTransactionTable({ ...base, filters: { os: 'Linux' }, apdexThresholdMs: 300 }).source).toBe('raw');
    const other = compileTransactionTable({ ...base, filters: {}, apdexThresholdMs: 120 });
    expect(other.source).toBe('raw');
    expect(tables(other.query.sql)).toEqual(['transactions']);
  });

  it('reads the first minute of a release from first_minute on the hour rollup; errors have no hour tier', () => {
    const scope = { projectId: 1, range, filters: {}, hourRollupFromMs: 0 };
    expect(compileReleaseTransactions(scope).sql).toMatch(/ first_minute AS p_first_minute, [^\n]*\nFROM transactions_hour\n/);
    expect(tables(compileReleaseErrors(scope).sql)).toEqual(['errors', 'errors_minute', 'errors']);
  });

  it('series of 1 h buckets read hours, of 5 min buckets minutes', () => {
    const input = { projectId: 1, range, filters: {}, percentiles: [95], apdexThresholdMs: 300, byRelease: true, limit: 5, hourRollupFromMs: 0 };
    expect(tables(compileTransactionSeries({ ...input, intervalMs: HOUR_MS }).query.sql)).toContain('transactions_hour');
    expect(tables(compileTransactionSeries({ ...input, intervalMs: 5 * MINUTE_MS }).query.sql)).not.toContain('transactions_hour');
  });

  it('refuses a bucket key whose width is not the bound interval', () => {
    const dataset: Dataset = TRANSACTIONS;
    const query = {
      dataset,
      projectId: 1,
      range,
      filters: {},
      keys: [bucketKey(dataset, HOUR_MS)],
      partials: [transactionPartials.count],
      params: { interval_ms: 5 * MINUTE_MS },
      outer: (from: string) => `SELECT t, sum(p_count) FROM ${from} GROUP BY t`,
      source: 'rollup' as const,
      hourRollupFromMs: 0,
    };
    expect(() => compileAggregate(query)).toThrow('does not match the bound interval_ms');
  });
});
