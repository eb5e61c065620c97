import type { ClickHouseClient } from '@clickhouse/client';
import {
  ClickHouseRowWriter,
  Tables,
  toClientOutcomeRow,
  toErrorRow,
  toSessionRow,
  toSpanRow,
  toTransactionRow,
  toWebVitalRow,
} from '@pulse/storage';
import { migratedDatabase } from '@pulse/storage/testing';
import { SeededRecords, seededRecords, SeedOptions } from '@pulse/testing';
import type { CompiledQuery } from '../aggregate-query';

export interface SeededDatabase {
  database: string;
  client: ClickHouseClient;
  records: SeededRecords;
  /** Runs a compiled analytics query the way the query service does (bound parameters). */
  run<T = Record<string, unknown>>(query: CompiledQuery): Promise<T[]>;
}

/**
 * A migrated database of the test's own, filled with `seededRecords(seed, options)` through the
 * same row mapping and insert path the consumer uses, so the rollups are filled by their views.
 * Expected values are computed in the test from `records`.
 */
export async function seededDatabase(prefix: string, seed: number, options: SeedOptions, extra: Partial<SeededRecords> = {}): Promise<SeededDatabase> {
  const { database, client } = await migratedDatabase(prefix);
  const seeded = seededRecords(seed, options);
  const records: SeededRecords = {
    transactions: [...seeded.transactions, ...(extra.transactions ?? [])],
    spans: [...seeded.spans, ...(extra.spans ?? [])],
    webVitals: [...seeded.webVitals, ...(extra.webVitals ?? [])],
    errors: [...seeded.errors, ...(extra.errors ?? [])],
    sessions: [...seeded.sessions, ...(extra.sessions ?? [])],
    clientReports: [...seeded.clientReports, ...(extra.clientReports ?? [])],
  };
  const writer = new ClickHouseRowWriter(client);
  await writer.insert(Tables.transactions, records.transactions.map((r) => toTransactionRow(r, 90)), `${database}-t`);
  await writer.insert(Tables.spans, records.spans.map((r) => toSpanRow(r, 90)), `${database}-s`);
  await writer.insert(Tables.webVitals, records.webVitals.map((r) => toWebVitalRow(r, 90)), `${database}-v`);
  await writer.insert(Tables.errors, records.errors.map((r) => toErrorRow(r, 90)), `${database}-e`);
  await writer.insert(Tables.sessions, records.sessions.map((r) => toSessionRow(r, 90)), `${database}-x`);
  await writer.insert(Tables.clientReports, records.clientReports.map((r) => toClientOutcomeRow(r, 90)), `${database}-c`);
  const run = async <T>(query: CompiledQuery): Promise<T[]> => {
    const result = await client.query({ query: query.sql, query_params: query.params, format: 'JSONEachRow' });
    return result.json<T>();
  };
  return { database, client, records, run };
}

/** The DDSketch bounds of a quantile, for checking answers against the records. */
export { ddSketchBounds as ddBounds } from '@pulse/testing';
