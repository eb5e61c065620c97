import type { RatedVitalName } from '@pulse/model';
import type { RollupStarts, Source } from './aggregate-query';
import { compileLatencyQuery } from './latency.query';
import { LatencyRow, toLatencyResponse } from './latency.result';
import { compileReleaseErrors, compileReleaseSessions, compileReleaseTransactions } from './releases.query';
import { ReleaseErrorsRow, ReleaseSessionsRow, ReleaseTransactionsRow, toReleaseDetails } from './releases.result';
import { SeededDatabase, seededDatabase } from './testing/seeded-database';
import { compileTransactionSeries, compileTransactionTable } from './transactions.query';
import { TransactionSeriesRow, TransactionTableRow, toTransactionSeries, toTransactionTable } from './transactions.result';
import { compileWebVitalsBreakdownQuery, compileWebVitalsQuery, compileWebVitalsSeriesQuery } from './web-vitals.query';
import { toWebVitalsBreakdownResponse, toWebVitalsResponse, toWebVitalsSeriesResponse, WebVitalsBreakdownRow, WebVitalsRow, WebVitalsSeriesRow } from './web-vitals.result';

/**
 * The day tier (0009_daily_rollups.sql) on records spread over three days: every answer read with
 * day rows must equal the raw answer to the bit, as every other tier does (docs/analytics.md). The
 * range holds two whole UTC days, whole hours and whole minutes on either side of them, and
 * partial minutes at both ends; the day tier is read complete from the start of time (a fresh
 * install), complete only from an instant inside the range (an upgrade: the day it falls in and
 * earlier ones come from hours), and alone without the hour tier.
 */
jest.setTimeout(180_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Recent, so the rows are well inside their retention.
const DAY_START = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
const RECORDS_FROM = DAY_START - 4 * HOUR;
const RANGE = { fromMs: DAY_START - 3 * HOUR + 7 * MINUTE + 12_345, toMs: DAY_START + 2 * DAY + 5 * HOUR + 20 * MINUTE + 41_500 };
const PROJECT = 1;

const READS: Array<{ source: Source } & RollupStarts> = [
  { source: 'rollup' },
  { source: 'rollup', hourRollupFromMs: 0 },
  { source: 'rollup', hourRollupFromMs: 0, dayRollupFromMs: 0 },
  { source: 'rollup', hourRollupFromMs: 0, dayRollupFromMs: DAY_START + 3 * HOUR + 17 * MINUTE },
  { source: 'rollup', dayRollupFromMs: 0 },
];
// Both day starts leave at least one whole day of the range on the day tier.
const readsDays = (read: RollupStarts) => read.dayRollupFromMs !== undefined;

describe('the day tier against raw rows', () => {
  let db: SeededDatabase;

  beforeAll(async () => {
    db = await seededDatabase('analytics_day', 31, {
      startMs: RECORDS_FROM,
      minutes: (2 * DAY + 10 * HOUR) / MINUTE,
      transactions: 30_000,
      webVitals: 8_000,
      errors: 2_000,
      sessions: 1_000,
    });
  });

  afterAll(async () => {
    await db.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db.client.close();
  });

  it.each([HOUR, DAY, 5 * MINUTE])('latency in %d ms buckets: identical however the days are read', async (intervalMs) => {
    const input = { projectId: PROJECT, range: RANGE, intervalMs, percentiles: [50, 95, 99, 100], filters: {} };
    const answer = async (read: { source: Source } & RollupStarts) => {
      const plan = compileLatencyQuery({ ...input, ...read });
      expect(plan.query.sql.includes('FROM transactions_day')).toBe(readsDays(read) && intervalMs % DAY === 0);
      return toLatencyResponse(await db.run<LatencyRow>(plan.query), input.percentiles, RANGE, plan.intervalMs);
    };
    const raw = await answer({ source: 'raw' });
    expect(raw.count).toBe(db.records.transactions.filter((r) => r.projectId === PROJECT && r.timestampMs >= RANGE.fromMs && r.timestampMs < RANGE.toMs).length);
    for (const read of READS) expect([read, await answer(read)]).toEqual([read, raw]);
  });

  it('the transaction table (uniq users and misery included): identical however the days are read', async () => {
    const input = { projectId: PROJECT, range: RANGE, filters: {}, apdexThresholdMs: 300, sort: 'p95' as const, order: 'desc' as const, limit: 50, offset: 0 };
    const answer = async (read: { source: Source } & RollupStarts) => {
      const compiled = compileTransactionTable({ ...input, ...read });
      expect(compiled.query.sql.includes('FROM transactions_day')).toBe(readsDays(read));
      return toTransactionTable(await db.run<TransactionTableRow>(compiled.query), 50, 0);
    };
    const raw = await answer({ source: 'raw' });
    expect(raw.data.length).toBeGreaterThan(1);
    for (const read of READS) expect([read, await answer(read)]).toEqual([read, raw]);
  });

  it.each([DAY, 3 * HOUR])('series by release in %d ms buckets: identical however the days are read', async (intervalMs) => {
    const input = { projectId: PROJECT, range: RANGE, intervalMs, filters: { environment: 'production' }, percentiles: [50, 99], apdexThresholdMs: 300, byRelease: true, limit: 3 };
    const answer = async (read: { source: Source } & RollupStarts) => {
      const compiled = compileTransactionSeries({ ...input, ...read });
      return toTransactionSeries(await db.run<TransactionSeriesRow>(compiled.query), [50, 99], RANGE, compiled.intervalMs, true);
    };
    const raw = await answer({ source: 'raw' });
    expect(raw.series.length).toBeGreaterThan(0);
    for (const read of READS) expect([read, await answer(read)]).toEqual([read, raw]);
  });

  it('release health (first seen from the day rows): identical however the days are read', async () => {
    const answer = async (read: { source: Source } & RollupStarts) => {
      const scope = { projectId: PROJECT, range: RANGE, filters: {}, ...read };
      const [transactions, errors, sessions] = await Promise.all([
        db.run<ReleaseTransactionsRow>(compileReleaseTransactions(scope)),
        db.run<ReleaseErrorsRow>(compileReleaseErrors(scope)),
        db.run<ReleaseSessionsRow>(compileReleaseSessions(scope)),
      ]);
      return toReleaseDetails(transactions, errors, sessions);
    };
    const raw = await answer({ source: 'raw' });
    expect(raw.length).toBeGreaterThan(1);
    for (const read of READS) expect([read, await answer(read)]).toEqual([read, raw]);
  });

  it('web vitals (summary, a breakdown, a daily series): identical however the days are read', async () => {
    const input = { projectId: PROJECT, range: RANGE, filters: {} };
    const vital: RatedVitalName = 'lcp';
    const answer = async (read: { source: Source } & RollupStarts) => {
      const summary = compileWebVitalsQuery({ ...input, ...read });
      expect(summary.query.sql.includes('FROM web_vitals_day')).toBe(readsDays(read));
      const breakdown = compileWebVitalsBreakdownQuery({ ...input, ...read, by: 'browser', sort: 'count', order: 'desc', page: { limit: 50, offset: 0 } });
      const series = compileWebVitalsSeriesQuery({ ...input, ...read, vital, intervalMs: DAY });
      return {
        summary: toWebVitalsResponse(await db.run<WebVitalsRow>(summary.query)),
        breakdown: toWebVitalsBreakdownResponse(await db.run<WebVitalsBreakdownRow>(breakdown.query), 'browser'),
        series: toWebVitalsSeriesResponse(await db.run<WebVitalsSeriesRow>(series.query), vital, RANGE, series.intervalMs),
      };
    };
    const raw = await answer({ source: 'raw' });
    expect(raw.summary).not.toEqual(toWebVitalsResponse([]));
    for (const read of READS) expect([read, await answer(read)]).toEqual([read, raw]);
  });
});
