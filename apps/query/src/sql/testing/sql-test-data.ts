import type { TimeRange } from '@pulse/analytics';
import { ClickHouseRowWriter, Tables, toErrorRow, toSessionRow, toSpanRow, toTransactionRow, toWebVitalRow } from '@pulse/storage';
import { migratedDatabase, MigratedDatabase } from '@pulse/storage/testing';
import { SeededRecords, seededRecords } from '@pulse/testing';

const MINUTE = 60_000;

export interface SqlTestData extends MigratedDatabase {
  records: SeededRecords;
  /** The range the tests query: inside the data, not minute-aligned, with rows before and after it. */
  range: TimeRange;
}

/**
 * A migrated database with generated records of every kind for projects 1, 2 and 3 over the last
 * three hours (written through the consumer's row mapping and insert path), and a query range
 * covering the middle of them.
 */
export async function seedSqlDatabase(prefix: string, sizes = { transactions: 1500, other: 600 }): Promise<SqlTestData> {
  const db = await migratedDatabase(prefix, { quiet: true });
  const startMs = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 60 * MINUTE;
  const records = seededRecords(20261124, {
    startMs,
    minutes: 170,
    transactions: sizes.transactions,
    spans: sizes.other,
    webVitals: sizes.other,
    errors: sizes.other,
    sessions: sizes.other / 2,
    sessionAggregates: 50,
  });
  const range = { fromMs: startMs + 40 * MINUTE + 12_345, toMs: startMs + 130 * MINUTE + 41_500 };
  // Session updates on either side of a range edge from their start: in scope by `started` only.
  const template = records.sessions[0];
  records.sessions.push(
    { ...template, projectId: 1, sessionId: 'e'.repeat(32), startedMs: range.fromMs - 1000, timestampMs: range.fromMs + 5000 },
    { ...template, projectId: 1, sessionId: 'f'.repeat(32), startedMs: range.toMs - 1000, timestampMs: range.toMs + 5000 },
  );
  const writer = new ClickHouseRowWriter(db.client);
  await writer.insert(Tables.transactions, records.transactions.map((r) => toTransactionRow(r, 30)), `${db.database}-t`);
  await writer.insert(Tables.spans, records.spans.map((r) => toSpanRow(r, 30)), `${db.database}-s`);
  await writer.insert(Tables.webVitals, records.webVitals.map((r) => toWebVitalRow(r, 30)), `${db.database}-v`);
  await writer.insert(Tables.errors, records.errors.map((r) => toErrorRow(r, 30)), `${db.database}-e`);
  await writer.insert(Tables.sessions, records.sessions.map((r) => toSessionRow(r, 30)), `${db.database}-x`);
  return { ...db, records, range };
}

/** Records of `projectId` whose time lies in [from, to). */
export function inScope<T extends { projectId: number }>(records: T[], time: (record: T) => number, range: TimeRange, projectId = 1): T[] {
  return records.filter((record) => record.projectId === projectId && time(record) >= range.fromMs && time(record) < range.toMs);
}
