// The raw-insert baseline: the rows the consumer stores, mapped as it maps them, inserted straight
// into a freshly migrated database with @clickhouse/client (JSONEachRow, sequential inserts on one
// connection under unique deduplication tokens). What the consumer is measured against.
import type { TransactionRecord } from '@pulse/model';
import { createClickHouse, INSERT_SETTINGS, migrateUp, Tables, toTransactionRow } from '@pulse/storage';
import { round } from '../stats';
import { Bench, generator, RETENTION_DAYS } from './bench-context';
import { KeptPayloads, keptRecords } from './payloads';

export interface BaselineRun {
  rows: number;
  /** Rows per insert. */
  batchRows: number;
  /** CPU of the benchmark process (the client: serialization, HTTP) during the inserts, per 1,000 rows. */
  clientCpuMsPer1000Rows: number;
  inserts: number;
  /** Sum of the sequential insert calls: the wall clock of the inserts. */
  insertSeconds: number;
  rowsPerSecond: number;
  meanInsertMs: number;
  /** Decoding the produced JSON and mapping rows, which the consumer also does (not in rowsPerSecond). */
  prepareSeconds: number;
  /** As if decoding and mapping ran in line before each insert, as in the consumer. */
  rowsPerSecondWithPrepare: number;
  /** Where the rows came from: the produced bytes (JSON.parse), or the generator again (above MAX_KEPT_ROWS; slower). */
  recordsFrom: 'produced payloads' | 'generator';
}

/** The same rows, mapped as the consumer maps them, inserted directly and sequentially. */
export async function runBaseline(bench: Bench, repetition: number, kept: KeptPayloads | undefined, batchRows: number): Promise<BaselineRun> {
  const { rows } = bench.options;
  const database = `bench_${bench.runId}_baseline_${repetition}`;
  await migrateUp({ ...bench.clickhouse, database });
  const client = createClickHouse({ ...bench.clickhouse, database });
  // The same records either way: the kept payloads, or the generator with the same seed and time.
  const source = kept ? keptRecords(kept) : generatorRecords(generator(bench, bench.nowMs));
  const next = (): TransactionRecord => {
    const { value, done } = source.next();
    if (done) throw new Error('baseline ran out of records');
    return value;
  };
  let insertMs = 0;
  let clientCpuMicros = 0;
  let prepareMs = 0;
  let inserts = 0;
  try {
    for (let done = 0; done < rows; ) {
      const count = Math.min(batchRows, rows - done);
      // Rows are built outside the timed part (but timed on their own: JSON.parse of the produced
      // bytes and the row mapping, the consumer's decode work); the client's serialization is inside.
      const prepareStarted = performance.now();
      const values = Array.from({ length: count }, () => toTransactionRow(next(), RETENTION_DAYS));
      const started = performance.now();
      prepareMs += started - prepareStarted;
      const cpuBefore = process.cpuUsage();
      await client.insert({
        table: Tables.transactions,
        values,
        format: 'JSONEachRow',
        clickhouse_settings: { ...INSERT_SETTINGS, insert_deduplication_token: `bench/${bench.runId}/${repetition}/${inserts}` },
      });
      insertMs += performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      clientCpuMicros += cpu.user + cpu.system;
      inserts++;
      done += count;
    }
    const countInTable = await countRows(client);
    if (countInTable !== rows) throw new Error(`baseline: ${countInTable} rows in ${database}.${Tables.transactions}, expected ${rows}`);
  } finally {
    await client.close();
  }
  const insertSeconds = insertMs / 1000;
  return {
    rows,
    batchRows,
    clientCpuMsPer1000Rows: round(clientCpuMicros / rows, 2),
    inserts,
    insertSeconds: round(insertSeconds, 2),
    rowsPerSecond: Math.round(rows / insertSeconds),
    meanInsertMs: round(insertMs / inserts, 1),
    prepareSeconds: round(prepareMs / 1000, 2),
    rowsPerSecondWithPrepare: Math.round(rows / ((insertMs + prepareMs) / 1000)),
    recordsFrom: kept ? 'produced payloads' : 'generator',
  };
}

function* generatorRecords(records: ReturnType<typeof generator>): Generator<TransactionRecord> {
  for (;;) yield records.transaction();
}

async function countRows(client: ReturnType<typeof createClickHouse>): Promise<number> {
  const result = await client.query({ query: `SELECT count() AS n FROM ${Tables.transactions}`, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row.n);
}

/** Rows in `database`'s transactions table: what a consumer run must have stored. */
export async function countIn(bench: Bench, database: string): Promise<number> {
  const client = createClickHouse({ ...bench.clickhouse, database });
  try {
    return await countRows(client);
  } finally {
    await client.close();
  }
}
