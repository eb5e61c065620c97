import { ClickHouseRowWriter } from './row-writer';
import { Tables } from './stored-kinds';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';
import { seededRecords } from '@pulse/testing';
import { toTransactionRow } from './transaction.row';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

const DAY = 86_400_000;

describe('retention: the TTL drops expired partitions of a raw table and its rollup', () => {
  let db: MigratedDatabase;
  beforeAll(async () => {
    db = await migratedDatabase('pulse_retention');
  });
  afterAll(() => db?.client.close());

  it('drops rows older than their retention_days, and keeps the rest', async () => {
    const options = { minutes: 30, transactions: 30 };
    const expired = seededRecords(1, { ...options, startMs: Date.now() - 3 * DAY }).transactions.map((r) => toTransactionRow(r, 1));
    const kept = seededRecords(2, { ...options, startMs: Date.now() - 3 * DAY }).transactions.map((r) => toTransactionRow(r, 30));
    const fresh = seededRecords(3, { ...options, startMs: Date.now() - 3_600_000 }).transactions.map((r) => toTransactionRow(r, 1));
    const rows = async (table: string, time: string, count: string) =>
      selectRows(db.client, `SELECT retention_days, toDate(${time}) < today() - 1 AS old, ${count} AS rows FROM ${table} GROUP BY ALL ORDER BY ALL`);
    const counts = async () => ({ raw: await rows('transactions', 'timestamp', 'count()'), rollup: await rows('transactions_minute', 'minute', 'sum(count)') });

    // Background TTL merges would drop the expired rows at any moment; held until the rows are seen.
    for (const table of ['transactions', 'transactions_minute']) await db.client.command({ query: `SYSTEM STOP TTL MERGES ${db.database}.${table}` });
    const writer = new ClickHouseRowWriter(db.client);
    await writer.insert(Tables.transactions, [...expired, ...kept, ...fresh], 'retention');
    const all = [
      { retention_days: 1, old: 0, rows: 30 },
      { retention_days: 1, old: 1, rows: 30 },
      { retention_days: 30, old: 1, rows: 30 },
    ];
    expect(await counts()).toEqual({ raw: all, rollup: all });

    for (const table of ['transactions', 'transactions_minute']) {
      await db.client.command({ query: `SYSTEM START TTL MERGES ${db.database}.${table}` });
      await db.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    }
    const unexpired = [all[0], all[2]];
    expect(await counts()).toEqual({ raw: unexpired, rollup: unexpired });
  });
});
