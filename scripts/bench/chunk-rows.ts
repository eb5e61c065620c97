import {
  ErrorRow,
  SessionRow,
  SpanRow,
  Tables,
  toErrorRow,
  toSessionRow,
  toSpanRow,
  toTransactionRow,
  toWebVitalRow,
  TransactionRow,
  WebVitalRow,
} from '@pulse/storage';
import { chunkGenerator, ChunkPlan } from '@pulse/testing';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DATASET_SHAPE, RETENTION_DAYS } from './dataset-shape';

/** A chunk's rows per table, mapped by the consumer's own mappers. */
export interface ChunkRows {
  [Tables.transactions]: TransactionRow[];
  [Tables.spans]: SpanRow[];
  [Tables.webVitals]: WebVitalRow[];
  [Tables.errors]: ErrorRow[];
  [Tables.sessions]: SessionRow[];
}

export const TABLE_ORDER = [Tables.transactions, Tables.spans, Tables.webVitals, Tables.errors, Tables.sessions] as const;

/** Transactions generated between two turns of the event loop. */
const SLICE_TRANSACTIONS = 5_000;

/**
 * Generates and maps a chunk in slices, yielding to the event loop after each, so the previous
 * chunk's insert keeps streaming its body to ClickHouse meanwhile (generation overlaps the
 * server's insert work). Returns the rows and the CPU time spent here.
 */
export async function chunkRows(seed: number, datasetStartMs: number, plan: ChunkPlan): Promise<{ rows: ChunkRows; cpuMs: number }> {
  const generator = chunkGenerator(DATASET_SHAPE, seed, datasetStartMs, plan);
  const rows: ChunkRows = { transactions: [], spans: [], web_vitals: [], errors: [], sessions: [] };
  let cpuMs = 0;
  for (let done = 0; done < plan.transactions; done += SLICE_TRANSACTIONS) {
    const started = performance.now();
    const records = generator.generate(Math.min(SLICE_TRANSACTIONS, plan.transactions - done));
    for (const record of records.transactions) rows.transactions.push(toTransactionRow(record, RETENTION_DAYS));
    for (const record of records.spans) rows.spans.push(toSpanRow(record, RETENTION_DAYS));
    for (const record of records.webVitals) rows.web_vitals.push(toWebVitalRow(record, RETENTION_DAYS));
    for (const record of records.errors) rows.errors.push(toErrorRow(record, RETENTION_DAYS));
    for (const record of records.sessions) rows.sessions.push(toSessionRow(record, RETENTION_DAYS));
    cpuMs += performance.now() - started;
    await nextTurn();
  }
  return { rows, cpuMs };
}
