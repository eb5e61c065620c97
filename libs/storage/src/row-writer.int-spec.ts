import { toErrorRow } from './error.row';
import { ClickHouseRowWriter } from './row-writer';
import { toSessionRow } from './session.row';
import { toSpanRow } from './span.row';
import { Tables } from './stored-kinds';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';
import { seededRecords } from '@pulse/testing';
import { toTransactionRow } from './transaction.row';
import { toWebVitalRow } from './web-vital.row';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

const HOUR = 3_600_000;
const RETENTION_DAYS: Record<number, number> = { 1: 30, 2: 90, 3: 7 };

/**
 * One small batch per kind. Half of it is a day older than the rest, and the projects have
 * different retentions, so every insert writes several partitions (each deduplicated on its own).
 */
function batches() {
  const now = Date.now();
  const options = { minutes: 30, transactions: 40, spans: 40, webVitals: 40, errors: 40, sessions: 15, sessionAggregates: 5 };
  const today = seededRecords(7, { ...options, startMs: now - 2 * HOUR });
  const yesterday = seededRecords(8, { ...options, startMs: now - 26 * HOUR });
  const sessions = [...today.sessions, ...yesterday.sessions];
  return [
    { table: Tables.transactions, rows: [...today.transactions, ...yesterday.transactions].map((r) => toTransactionRow(r, RETENTION_DAYS[r.projectId])), rollupTotals: ['SELECT sum(count) AS n FROM transactions_minute', 'SELECT sum(count) AS n FROM transactions_hour'] },
    { table: Tables.spans, rows: [...today.spans, ...yesterday.spans].map((r) => toSpanRow(r, RETENTION_DAYS[r.projectId])) },
    { table: Tables.webVitals, rows: [...today.webVitals, ...yesterday.webVitals].map((r) => toWebVitalRow(r, RETENTION_DAYS[r.projectId])), rollupTotals: ['SELECT sum(count) AS n FROM web_vitals_minute', 'SELECT sum(count) AS n FROM web_vitals_hour'] },
    { table: Tables.errors, rows: [...today.errors, ...yesterday.errors].map((r) => toErrorRow(r, RETENTION_DAYS[r.projectId])), rollupTotals: ['SELECT sum(count) AS n FROM errors_minute'] },
    {
      table: Tables.sessions,
      rows: sessions.map((r) => toSessionRow(r, RETENTION_DAYS[r.projectId])),
      rollupTotals: ['SELECT sum(started_sessions) AS n FROM sessions_minute'],
      rollupPerInsert: sessions.filter((r) => r.init).reduce((total, r) => total + r.quantity, 0),
    },
  ];
}

describe('ClickHouseRowWriter against the migrated tables', () => {
  let db: MigratedDatabase;
  beforeAll(async () => {
    db = await migratedDatabase('pulse_row_writer');
  });
  afterAll(() => db?.client.close());

  const total = async (query: string): Promise<number> => (await selectRows<{ n: number }>(db.client, query))[0].n;

  it.each(batches())('fills every column of $table and no other', async ({ table, rows }) => {
    const columns = await selectRows<{ name: string }>(db.client, 'SELECT name FROM system.columns WHERE database = currentDatabase() AND table = {table:String}', { table });
    expect(Object.keys(rows[0]).sort()).toEqual(columns.map((column) => column.name).sort());
  });

  it.each(batches())('counts a batch of $table once when it is inserted twice under one token, and again under another', async ({ table, rows, rollupTotals = [], rollupPerInsert }) => {
    const writer = new ClickHouseRowWriter(db.client);
    const raw = `SELECT count() AS n FROM ${table}`;
    const perInsert = rollupPerInsert ?? rows.length;

    await writer.insert(table, rows, `${table}:0-99`);
    await writer.insert(table, rows, `${table}:0-99`);
    expect(await total(raw)).toBe(rows.length);
    for (const rollupTotal of rollupTotals) expect([rollupTotal, await total(rollupTotal)]).toEqual([rollupTotal, perInsert]);
    expect(await total(`SELECT uniqExact(_partition_id) AS n FROM ${table}`)).toBeGreaterThanOrEqual(4);

    await writer.insert(table, rows, `${table}:100-199`);
    expect(await total(raw)).toBe(2 * rows.length);
    for (const rollupTotal of rollupTotals) expect([rollupTotal, await total(rollupTotal)]).toEqual([rollupTotal, 2 * perInsert]);
  });
});
