import { readRollupStarts } from '@pulse/storage';
import type { CompiledQuery } from './aggregate-query';
import { AnalyticsRepository } from './analytics.repository';
import { AlertValueDataset, AlertValueRule } from './alert-values.query';
import { AlertValuesService } from './alert-values.service';
import { LatencyService } from './latency.service';
import { ReleasesService } from './releases.service';
import { RollupTiers } from './rollup-tiers';
import { SeededDatabase, seededDatabase } from './testing/seeded-database';
import type { TimeRange } from './time-range';
import { TransactionsService } from './transactions.service';
import { WebVitalsService } from './web-vitals.service';

/**
 * Every alert aggregate, many rules per query, against what the query API's services answer for
 * the same scope (LatencyService, TransactionsService, ReleasesService, WebVitalsService) on the
 * same seeded rows, on a raw range (30 minutes) and a rollup range (150 minutes, unaligned ends).
 * Counts and rates exactly, DDSketch quantiles exactly too (the same states merge the same way).
 */
jest.setTimeout(120_000);

const MINUTE = 60_000;
const HOUR_MS = 3_600_000;
const PROJECT = 1;
const START_MS = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 4 * HOUR_MS + 17 * MINUTE;
const RANGES: Record<string, TimeRange> = {
  raw: { fromMs: START_MS + 60 * MINUTE + 1_234, toMs: START_MS + 90 * MINUTE + 1_234 },
  rollup: { fromMs: START_MS + 7_345, toMs: START_MS + 150 * MINUTE + 7_345 },
};

class SeededRepository extends AnalyticsRepository {
  constructor(private readonly db: SeededDatabase) {
    super();
  }
  query<T>(query: CompiledQuery): Promise<T[]> {
    return this.db.run<T>(query);
  }
}

class StoredRollupTiers extends RollupTiers {
  constructor(private readonly db: SeededDatabase) {
    super();
  }
  starts() {
    return readRollupStarts(this.db.client);
  }
}

const TX_FILTERS = [{}, { environment: 'production' }, { transaction: 'GET /api/items', release: '1.0.0' }, { transaction: 'no such transaction' }];
const TX_AGGREGATES = ['p50', 'p75', 'p95', 'p99', 'throughput', 'failure_rate', 'apdex'] as const;

describe('alert values against ClickHouse', () => {
  let db: SeededDatabase;
  let values: AlertValuesService;
  let latency: LatencyService;
  let transactions: TransactionsService;
  let releases: ReleasesService;
  let vitals: WebVitalsService;

  beforeAll(async () => {
    db = await seededDatabase('analytics_alert_values', 31, { startMs: START_MS, minutes: 160, transactions: 8_000, errors: 3_000, webVitals: 4_000, sessions: 2_000, sessionAggregates: 200 });
    const repository = new SeededRepository(db);
    const tiers = new StoredRollupTiers(db);
    values = new AlertValuesService(repository, tiers);
    latency = new LatencyService(repository, tiers);
    transactions = new TransactionsService(repository, tiers);
    releases = new ReleasesService(repository, tiers);
    vitals = new WebVitalsService(repository, tiers);
  });

  afterAll(async () => {
    await db.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db.client.close();
  });

  const ask = (dataset: AlertValueDataset, range: TimeRange, rules: AlertValueRule[]) => values.values({ projectId: PROJECT, dataset, range, rules });

  describe.each(Object.keys(RANGES))('on the %s range', (path) => {
    const range = RANGES[path];

    it('answers transaction aggregates of 28 rules in one query, as the latency and transaction services do', async () => {
      const rules = TX_FILTERS.flatMap((filters) => TX_AGGREGATES.map((aggregate): AlertValueRule => ({ aggregate, filters })));
      const answer = await ask('transactions', range, rules);
      expect(answer.queries).toBe(1);
      for (const [f, filters] of TX_FILTERS.entries()) {
        const got = (aggregate: string) => answer.values[f * TX_AGGREGATES.length + TX_AGGREGATES.indexOf(aggregate as (typeof TX_AGGREGATES)[number])];
        const lat = await latency.latency({ projectId: PROJECT, range, filters, intervalMs: 10 * MINUTE, percentiles: [50, 75, 95, 99] });
        for (const p of ['p50', 'p75', 'p95', 'p99']) expect(got(p)).toBe(lat[p]);
        const table = await transactions.table({ projectId: PROJECT, range, filters, apdexThresholdMs: 300, sort: 'count', order: 'desc', limit: 100, offset: 0 });
        const count = table.data.reduce((sum, row) => sum + row.count, 0);
        expect(count).toBe(lat.count);
        expect(got('throughput')).toBeCloseTo(count / ((range.toMs - range.fromMs) / MINUTE), 9);
        if (filters.transaction !== undefined) {
          const row = table.data[0];
          expect(got('failure_rate')).toBe(row?.failure_rate ?? null);
          expect(got('apdex')).toBe(row?.apdex ?? null);
        } else {
          const weighted = (pick: (row: (typeof table.data)[number]) => number | null) => table.data.reduce((sum, row) => sum + (pick(row) ?? 0) * row.count, 0) / count;
          expect(got('failure_rate')).toBeCloseTo(weighted((row) => row.failure_rate), 9);
          expect(got('apdex')).toBeCloseTo(weighted((row) => row.apdex), 9);
        }
      }
      // The rule that matched nothing: no data for the rates and quantiles, zero throughput.
      expect(answer.values.slice(3 * TX_AGGREGATES.length)).toEqual([null, null, null, null, 0, null, null]);
    });

    it('answers error counts and crash-free shares as release health does', async () => {
      const scope = { projectId: PROJECT, range, intervalMs: 10 * MINUTE, filters: { environment: 'production' } };
      const health = await releases.list(scope);
      const releaseNames = health.map((row) => row.release);
      expect(releaseNames.length).toBeGreaterThan(1);
      const errorRules = releaseNames.map((release): AlertValueRule => ({ aggregate: 'error_count', filters: { environment: 'production', release } }));
      const errors = await ask('errors', range, [...errorRules, { aggregate: 'error_count', filters: { transaction: 'GET /', environment: 'production' } }]);
      // The transaction filter is no rollup key: that rule is queried apart on the rollup range.
      expect(errors.queries).toBe(path === 'rollup' ? 2 : 1);
      expect(errors.values.slice(0, releaseNames.length)).toEqual(health.map((row) => row.errors));
      const byTransaction = db.records.errors.filter((r) => r.projectId === PROJECT && r.environment === 'production' && r.transaction === 'GET /' && r.timestampMs >= range.fromMs && r.timestampMs < range.toMs);
      expect(errors.values[releaseNames.length]).toBe(byTransaction.length);

      const sessionRules = releaseNames.flatMap((release): AlertValueRule[] => [
        { aggregate: 'crash_free_sessions', filters: { environment: 'production', release } },
        { aggregate: 'crash_free_users', filters: { environment: 'production', release } },
      ]);
      const sessions = await ask('sessions', range, sessionRules);
      expect(sessions.queries).toBe(1);
      expect(sessions.values).toEqual(health.flatMap((row) => [row.crash_free_sessions, row.crash_free_users]));
    });

    it('answers a vital p75 and poor share as the Web Vitals summary does', async () => {
      const filterSets = [{}, { transaction: '/checkout' }, { environment: 'staging', release: '2.0.0' }];
      const names = ['lcp', 'cls', 'inp'] as const;
      const rules = filterSets.flatMap((filters) => names.flatMap((vital): AlertValueRule[] => [
        { aggregate: 'web_vital_p75', vital, filters },
        { aggregate: 'web_vital_poor_share', vital, filters },
      ]));
      const answer = await ask('web_vitals', range, rules);
      expect(answer.queries).toBe(1);
      let i = 0;
      for (const filters of filterSets) {
        const summary = await vitals.summary({ projectId: PROJECT, range, filters });
        for (const vital of names) {
          expect(answer.values[i++]).toBe(summary[vital].p75);
          expect(answer.values[i++]).toBe(summary[vital].poor);
        }
      }
    });
  });

  it('answers rules of different windows from one read of the longest, each as a read of its own window would', async () => {
    const { toMs } = RANGES.raw;
    const windows = [5 * MINUTE, 10 * MINUTE, 30 * MINUTE];
    const kinds: AlertValueRule[] = [{ aggregate: 'p95', filters: {} }, { aggregate: 'throughput', filters: { environment: 'production' } }, { aggregate: 'failure_rate', filters: {} }];
    const rules = windows.flatMap((windowMs) => kinds.map((rule) => ({ ...rule, fromMs: toMs - windowMs })));
    const together = await ask('transactions', { fromMs: toMs - 30 * MINUTE, toMs }, rules);
    expect(together.queries).toBe(1);
    const apart = await Promise.all(rules.map(({ fromMs, ...rule }) => ask('transactions', { fromMs: fromMs as number, toMs }, [rule])));
    expect(together.values).toEqual(apart.map((answer) => answer.values[0]));
    expect(new Set(together.values.filter((_, i) => i % kinds.length === 1)).size).toBe(windows.length);
  });

  it('splits more rules than one query takes, and refuses a rule of another dataset or without its vital', async () => {
    const rules = Array.from({ length: 450 }, (_, i): AlertValueRule => ({ aggregate: 'error_count', filters: { release: `r${i}` } }));
    const answer = await ask('errors', RANGES.raw, rules);
    expect(answer.queries).toBe(3);
    expect(answer.values).toEqual(new Array(450).fill(0));
    await expect(ask('errors', RANGES.raw, [{ aggregate: 'p95', filters: {} }])).rejects.toThrow('p95 is not an aggregate of errors');
    await expect(ask('web_vitals', RANGES.raw, [{ aggregate: 'web_vital_p75', filters: {} }])).rejects.toThrow('needs a vital');
    await expect(ask('sessions', RANGES.raw, [{ aggregate: 'crash_free_users', filters: { transaction: 'GET /' } }])).rejects.toThrow('sessions cannot be filtered by transaction');
  });
});
