import type { ClickHouseClient } from '@clickhouse/client';
import {
  ClickHouseRowWriter,
  createClickHouse,
  createDatabase,
  loadMigrations,
  MigrationRunner,
  readHourRollupFrom,
  Tables,
  toTransactionRow,
  toWebVitalRow,
} from '@pulse/storage';
import { seededRecords, SeededRecords, testInfra, uniqueName } from '@pulse/testing';
import type { CompiledQuery, Source } from './aggregate-query';
import { compileLatencyQuery } from './latency.query';
import { LatencyRow, toLatencyResponse } from './latency.result';
import { compileTransactionTable } from './transactions.query';
import { TransactionTableRow, toTransactionTable } from './transactions.result';
import { compileWebVitalsQuery } from './web-vitals.query';
import { toWebVitalsResponse, WebVitalsRow } from './web-vitals.result';

/**
 * An upgrade: rows stored before 0006_hourly_rollups.sql ran never pass its views, so the hour
 * tier must start after them (rollup_tiers), and a range reaching back before that start must
 * read those hours from the minute rollups and still give exactly the raw answer.
 */
jest.setTimeout(120_000);

const HOUR = 3_600_000;
const MINUTE = 60_000;
const PROJECT = 1;
const NO_SESSIONS_OR_ERRORS = { spans: 0 };

describe('the hour tier on a database that had rows before migration 0006', () => {
  const { clickhouse } = testInfra();
  const database = uniqueName('analytics_hour_upgrade');
  let client: ClickHouseClient;
  let hourFromMs: number;
  let migratedAtMs: number;
  const oldStartMs = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;

  const insert = async (records: SeededRecords, tag: string) => {
    const writer = new ClickHouseRowWriter(client);
    await writer.insert(Tables.transactions, records.transactions.map((r) => toTransactionRow(r, 90)), `${database}-${tag}-t`);
    await writer.insert(Tables.webVitals, records.webVitals.map((r) => toWebVitalRow(r, 90)), `${database}-${tag}-v`);
  };
  const run = async <T>(query: CompiledQuery): Promise<T[]> => (await client.query({ query: query.sql, query_params: query.params, format: 'JSONEachRow' })).json<T>();
  const total = async (sql: string): Promise<number> => Number((await run<{ n: string }>({ sql, params: {} }))[0].n);

  beforeAll(async () => {
    const admin = createClickHouse({ ...clickhouse, database: 'default' });
    await createDatabase(admin, { database });
    await admin.close();
    client = createClickHouse({ ...clickhouse, database });
    const runner = new MigrationRunner(client, { database });
    const migrations = loadMigrations();
    expect(await runner.up(migrations.slice(0, 5))).toEqual([1, 2, 3, 4, 5]);
    // Five hours stored under the old schema.
    await insert(seededRecords(61, { startMs: oldStartMs, minutes: 290, transactions: 9000, webVitals: 4000, ...NO_SESSIONS_OR_ERRORS }), 'old');
    migratedAtMs = Date.now();
    expect(await runner.up(migrations.slice(0, 6))).toEqual([6]);
    hourFromMs = (await readHourRollupFrom(client)) as number;
    // Rows stored after the upgrade, from the start of the hour tier on: the ingest never stores a
    // timestamp this far ahead, so they are written directly, as if the clock had moved on.
    await insert(seededRecords(62, { startMs: hourFromMs, minutes: 150, transactions: 6000, webVitals: 3000, ...NO_SESSIONS_OR_ERRORS }), 'new');
  });

  afterAll(async () => {
    await client?.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await client?.close();
  });

  it('starts the hour tier at the second whole hour after the migration, after every stored row', async () => {
    const nextHour = Math.floor(migratedAtMs / HOUR) * HOUR + HOUR;
    expect([nextHour + HOUR, nextHour + 2 * HOUR]).toContain(hourFromMs); // the hour may turn while migrating
    expect(await total('SELECT count() AS n FROM transactions WHERE timestamp < fromUnixTimestamp64Milli(' + hourFromMs + ')')).toBe(9000);
  });

  it('fills the hour rollups with the rows stored after the upgrade only: no hour is partly filled', async () => {
    expect(await total('SELECT sum(count) AS n FROM transactions_hour')).toBe(6000);
    expect(await total('SELECT sum(count) AS n FROM web_vitals_hour')).toBe(3000);
    expect(await total(`SELECT count() AS n FROM transactions_hour WHERE hour < toDateTime(${hourFromMs / 1000})`)).toBe(0);
    // The minute rollups have everything.
    expect(await total('SELECT sum(count) AS n FROM transactions_minute')).toBe(15_000);
  });

  describe('a range across the upgrade, with partial hours and minutes at both ends', () => {
    const range = () => ({ fromMs: oldStartMs + 7 * MINUTE + 12_345, toMs: hourFromMs + 2 * HOUR + 20 * MINUTE + 41_500 });
    const reads = (): Array<{ source: Source; hourRollupFromMs?: number }> => [{ source: 'rollup' }, { source: 'rollup', hourRollupFromMs: hourFromMs }];

    it('latency per hour: the raw answer, with hours before the start read from minutes', async () => {
      const input = { projectId: PROJECT, range: range(), intervalMs: HOUR, percentiles: [50, 95, 100], filters: {} };
      const answer = async (read: { source: Source; hourRollupFromMs?: number }) => {
        const plan = compileLatencyQuery({ ...input, ...read });
        return toLatencyResponse(await run<LatencyRow>(plan.query), input.percentiles, input.range, plan.intervalMs);
      };
      const raw = await answer({ source: 'raw' });
      expect(raw.count).toBeGreaterThan(4000);
      const tiered = compileLatencyQuery({ ...input, source: 'rollup', hourRollupFromMs: hourFromMs });
      expect(tiered.query.params).toMatchObject({ m1_to: hourFromMs / 1000, h2_from: hourFromMs / 1000, h2_to: (hourFromMs + 2 * HOUR) / 1000 });
      for (const read of reads()) expect([read, await answer(read)]).toEqual([read, raw]);
      // What the start guards against: hour rows claimed from the start of time miss the old rows.
      expect((await answer({ source: 'rollup', hourRollupFromMs: 0 })).count).toBeLessThan(raw.count);
    });

    it('the transaction table and the web vitals: the raw answer', async () => {
      const table = { projectId: PROJECT, range: range(), filters: {}, apdexThresholdMs: 300, sort: 'count' as const, order: 'desc' as const, limit: 50, offset: 0 };
      const rawTable = toTransactionTable(await run<TransactionTableRow>(compileTransactionTable({ ...table, source: 'raw' }).query), 50, 0);
      const vitals = { projectId: PROJECT, range: range(), filters: {} };
      const rawVitals = toWebVitalsResponse(await run<WebVitalsRow>(compileWebVitalsQuery({ ...vitals, source: 'raw' }).query));
      for (const read of reads()) {
        expect(toTransactionTable(await run<TransactionTableRow>(compileTransactionTable({ ...table, ...read }).query), 50, 0)).toEqual(rawTable);
        expect(toWebVitalsResponse(await run<WebVitalsRow>(compileWebVitalsQuery({ ...vitals, ...read }).query))).toEqual(rawVitals);
      }
    });
  });
});
