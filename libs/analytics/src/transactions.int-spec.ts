import type { TransactionRecord } from '@pulse/model';
import type { Source } from './aggregate-query';
import { compileLatencyQuery } from './latency.query';
import { LatencyRow, toLatencyResponse } from './latency.result';
import { compileTransactionSeries, compileTransactionTable } from './transactions.query';
import { TransactionSeriesRow, TransactionTableRow, toTransactionSeries, toTransactionTable } from './transactions.result';
import { ddBounds, SeededDatabase, seededDatabase } from './testing/seeded-database';

/**
 * Transaction metrics on generated data, against values computed here from the same records:
 * counts, failure rate, apdex, user misery and users exactly (uniq is exact below 65,536
 * distinct values; 60 users here); percentiles within the DDSketch bound (1% around the two
 * samples at the ranks around q); the maximum exactly. Raw and rollup paths must agree to the bit.
 */
jest.setTimeout(120_000);

const HOUR = 3_600_000;
const MINUTE = 60_000;
// Recent, so the rows are well inside their retention (a past date would expire some day).
const START = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
// Not minute-aligned at either end: the rollup path reads its edges from raw rows.
const range = { fromMs: START + 7 * MINUTE + 12_345, toMs: START + 170 * MINUTE + 41_500 };
// Four whole hours, whole minutes on either side of them, and partial minutes at both ends.
const hoursRange = { fromMs: START + 7 * MINUTE + 12_345, toMs: START + 5 * HOUR + 20 * MINUTE + 41_500 };
const PROJECT = 1;

/**
 * Ways to read the rollup path, all of which must give the raw answer: the minute rollup only,
 * the hour rollup complete from the start of time (a fresh install), and complete only from an
 * instant inside the range (an upgraded one: earlier hours from minutes).
 */
const ROLLUP_READS: Array<{ source: Source; hourRollupFromMs?: number }> = [
  { source: 'rollup' },
  { source: 'rollup', hourRollupFromMs: 0 },
  { source: 'rollup', hourRollupFromMs: START + 3 * HOUR + 17 * MINUTE },
];

function inScope(records: TransactionRecord[], filter: (r: TransactionRecord) => boolean = () => true, scope = range): TransactionRecord[] {
  return records.filter((r) => r.projectId === PROJECT && r.timestampMs >= scope.fromMs && r.timestampMs < scope.toMs && filter(r));
}

const FAILURE_FREE = new Set(['ok', 'cancelled', 'unknown']);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

function expectWithinDD(value: number | null, samples: number[], q: number): void {
  const { low, high } = ddBounds(sorted(samples), q);
  expect(value).not.toBeNull();
  expect(value as number).toBeGreaterThanOrEqual(low - 1e-9);
  expect(value as number).toBeLessThanOrEqual(high + 1e-9);
}

function apdex(records: TransactionRecord[], t: number): number {
  const satisfied = records.filter((r) => r.durationMs <= t).length;
  const tolerated = records.filter((r) => r.durationMs > t && r.durationMs <= 4 * t).length;
  return (satisfied + tolerated / 2) / records.length;
}

function misery(records: TransactionRecord[], t: number): number {
  const users = new Set(records.filter((r) => r.userId !== '').map((r) => r.userId));
  const miserable = new Set(records.filter((r) => r.userId !== '' && r.durationMs > 4 * t).map((r) => r.userId));
  return (miserable.size + 5.8875) / (users.size + 5.8875 + 111.8625);
}

describe('transaction metrics against ClickHouse', () => {
  let db: SeededDatabase;
  let records: TransactionRecord[];

  beforeAll(async () => {
    db = await seededDatabase('analytics_tx', 11, { startMs: START, minutes: 330, transactions: 40_000 });
    records = db.records.transactions;
  });

  afterAll(async () => {
    await db.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db.client.close();
  });

  it('latency: exact count and maximum, percentiles within the DDSketch bound, identical on both paths', async () => {
    const input = { projectId: PROJECT, range, intervalMs: 15 * 60_000, percentiles: [50, 75, 95, 99, 100], filters: {} };
    const raw = compileLatencyQuery({ ...input, source: 'raw' });
    const rollup = compileLatencyQuery({ ...input, source: 'rollup' });
    expect(compileLatencyQuery(input).source).toBe('rollup');
    const rawAnswer = toLatencyResponse(await db.run<LatencyRow>(raw.query), input.percentiles, range, raw.intervalMs);
    const rollupAnswer = toLatencyResponse(await db.run<LatencyRow>(rollup.query), input.percentiles, range, rollup.intervalMs);
    expect(rollupAnswer).toEqual(rawAnswer);

    const expected = inScope(records);
    const durations = expected.map((r) => r.durationMs);
    expect(rawAnswer.count).toBe(expected.length);
    expectWithinDD(rawAnswer.p50 as number, durations, 0.5);
    expectWithinDD(rawAnswer.p95 as number, durations, 0.95);
    expectWithinDD(rawAnswer.p99 as number, durations, 0.99);
    expect(rawAnswer.p100).toBe(Math.max(...durations));
    for (const point of rawAnswer.series) {
      const bucket = expected.filter((r) => r.timestampMs >= point.t && r.timestampMs < point.t + raw.intervalMs);
      expect(point.count).toBe(bucket.length);
      if (bucket.length > 0) expectWithinDD(point.p95, bucket.map((r) => r.durationMs), 0.95);
    }
  });

  it('the transaction table: every metric per name, identical on both paths, sorted and paginated', async () => {
    const input = { projectId: PROJECT, range, filters: { environment: 'production' }, apdexThresholdMs: 300, sort: 'count' as const, order: 'desc' as const, limit: 3, offset: 1 };
    const raw = toTransactionTable(await db.run<TransactionTableRow>(compileTransactionTable({ ...input, source: 'raw' }).query), 3, 1);
    const rollup = toTransactionTable(await db.run<TransactionTableRow>(compileTransactionTable({ ...input, source: 'rollup' }).query), 3, 1);
    expect(rollup).toEqual(raw);

    const expected = inScope(records, (r) => r.environment === 'production');
    const names = [...new Set(expected.map((r) => r.name))];
    const byCount = names.map((name) => ({ name, rows: expected.filter((r) => r.name === name) })).sort((a, b) => b.rows.length - a.rows.length || a.name.localeCompare(b.name));
    expect(raw.total).toBe(names.length);
    expect(raw.data.map((row) => row.transaction)).toEqual(byCount.slice(1, 4).map((g) => g.name));
    for (const row of raw.data) {
      const group = expected.filter((r) => r.name === row.transaction);
      expect(row.count).toBe(group.length);
      expect(row.tpm).toBeCloseTo(group.length / ((range.toMs - range.fromMs) / 60_000), 9);
      expect(row.failure_rate).toBeCloseTo(group.filter((r) => !FAILURE_FREE.has(r.status)).length / group.length, 12);
      expect(row.apdex).toBeCloseTo(apdex(group, 300), 12);
      expect(row.user_misery).toBeCloseTo(misery(group, 300), 12);
      expect(row.users).toBe(new Set(group.filter((r) => r.userId !== '').map((r) => r.userId)).size);
      expectWithinDD(row.p50, group.map((r) => r.durationMs), 0.5);
      expectWithinDD(row.p95, group.map((r) => r.durationMs), 0.95);
    }
  });

  it('apdex and misery for another threshold read raw rows and are exact', async () => {
    const input = { projectId: PROJECT, range, filters: {}, apdexThresholdMs: 120, sort: 'apdex' as const, order: 'asc' as const, limit: 50, offset: 0 };
    const compiled = compileTransactionTable(input);
    expect(compiled.source).toBe('raw');
    const table = toTransactionTable(await db.run<TransactionTableRow>(compiled.query), 50, 0);
    const apdexes = table.data.map((row) => row.apdex as number);
    expect(apdexes).toEqual(sorted(apdexes));
    for (const row of table.data) {
      const group = inScope(records, (r) => r.name === row.transaction);
      expect(row.apdex).toBeCloseTo(apdex(group, 120), 12);
      expect(row.user_misery).toBeCloseTo(misery(group, 120), 12);
    }
  });

  it('series by release: the top releases, every bucket, identical on both paths', async () => {
    const input = { projectId: PROJECT, range, intervalMs: 30 * 60_000, filters: {}, percentiles: [95], apdexThresholdMs: 300, byRelease: true, limit: 2 };
    const run = async (source: 'raw' | 'rollup') => {
      const compiled = compileTransactionSeries({ ...input, source });
      return toTransactionSeries(await db.run<TransactionSeriesRow>(compiled.query), [95], range, compiled.intervalMs, true);
    };
    const raw = await run('raw');
    expect(await run('rollup')).toEqual(raw);

    const expected = inScope(records);
    const releases = [...new Set(expected.map((r) => r.release))]
      .map((release) => ({ release, n: expected.filter((r) => r.release === release).length }))
      .sort((a, b) => b.n - a.n || a.release.localeCompare(b.release))
      .slice(0, 2)
      .map((r) => r.release)
      .sort();
    expect([...new Set(raw.series.map((p) => p.release))]).toEqual(releases);
    for (const point of raw.series) {
      const bucket = expected.filter((r) => r.release === point.release && r.timestampMs >= point.t && r.timestampMs < point.t + raw.interval_ms);
      expect(point.count).toBe(bucket.length);
      if (bucket.length > 0) {
        expect(point.failure_rate).toBeCloseTo(bucket.filter((r) => !FAILURE_FREE.has(r.status)).length / bucket.length, 12);
        expect(point.apdex).toBeCloseTo(apdex(bucket, 300), 12);
      }
    }
  });

  describe('the hour tier', () => {
    it.each([HOUR, 2 * HOUR, 5 * MINUTE])('latency in %d ms buckets: identical to raw rows however the hours are read', async (intervalMs) => {
      const input = { projectId: PROJECT, range: hoursRange, intervalMs, percentiles: [50, 95, 99, 100], filters: { release: '1.1.0' } };
      const answer = async (read: { source: Source; hourRollupFromMs?: number }) => {
        const plan = compileLatencyQuery({ ...input, ...read });
        expect(plan.query.sql.includes('FROM transactions_hour')).toBe(read.hourRollupFromMs !== undefined && intervalMs % HOUR === 0);
        return toLatencyResponse(await db.run<LatencyRow>(plan.query), input.percentiles, hoursRange, plan.intervalMs);
      };
      const raw = await answer({ source: 'raw' });
      expect(raw.count).toBe(inScope(records, (r) => r.release === '1.1.0', hoursRange).length);
      for (const read of ROLLUP_READS) expect([read, await answer(read)]).toEqual([read, raw]);
    });

    it('the transaction table: identical to raw rows however the hours are read', async () => {
      const input = { projectId: PROJECT, range: hoursRange, filters: {}, apdexThresholdMs: 300, sort: 'p95' as const, order: 'desc' as const, limit: 50, offset: 0 };
      const answer = async (read: { source: Source; hourRollupFromMs?: number }) => toTransactionTable(await db.run<TransactionTableRow>(compileTransactionTable({ ...input, ...read }).query), 50, 0);
      const raw = await answer({ source: 'raw' });
      expect(raw.data.reduce((sum, row) => sum + row.count, 0)).toBe(inScope(records, undefined, hoursRange).length);
      for (const read of ROLLUP_READS) expect([read, await answer(read)]).toEqual([read, raw]);
    });

    it.each([HOUR, 5 * MINUTE])('series by release in %d ms buckets: identical to raw rows however the hours are read', async (intervalMs) => {
      const input = { projectId: PROJECT, range: hoursRange, intervalMs, filters: { environment: 'production' }, percentiles: [50, 99], apdexThresholdMs: 300, byRelease: true, limit: 3 };
      const answer = async (read: { source: Source; hourRollupFromMs?: number }) => {
        const compiled = compileTransactionSeries({ ...input, ...read });
        return toTransactionSeries(await db.run<TransactionSeriesRow>(compiled.query), [50, 99], hoursRange, compiled.intervalMs, true);
      };
      const raw = await answer({ source: 'raw' });
      expect(raw.series.length).toBeGreaterThan(0);
      for (const read of ROLLUP_READS) expect([read, await answer(read)]).toEqual([read, raw]);
    });
  });

  it('filters the rollup cannot answer (browser, tags) read raw rows', async () => {
    const filters = { browser: 'Firefox', tags: [['region', 'eu']] as Array<[string, string]> };
    const compiled = compileLatencyQuery({ projectId: PROJECT, range, intervalMs: 3_600_000, percentiles: [50], filters });
    expect(compiled.source).toBe('raw');
    const answer = toLatencyResponse(await db.run<LatencyRow>(compiled.query), [50], range, compiled.intervalMs);
    expect(answer.count).toBe(inScope(records, (r) => r.browserName === 'Firefox' && r.tags.region === 'eu').length);
  });
});
