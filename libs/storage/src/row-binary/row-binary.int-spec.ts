import type { ClickHouseClient } from '@clickhouse/client';
import { RECORD_KINDS } from '@pulse/model';
import { toClientOutcomeRow } from '../client-outcome.row';
import { toErrorRow } from '../error.row';
import { ClickHouseRowWriter } from '../row-writer';
import { toSessionRow } from '../session.row';
import { toSpanRow } from '../span.row';
import { MigratedDatabase, migratedDatabase, selectRows } from '../testing/migrated-database';
import { seededRecords } from '@pulse/testing';
import { STORED_KINDS } from '../stored-kinds';
import { toTransactionRow } from '../transaction.row';
import { toWebVitalRow } from '../web-vital.row';
import { ClickHouseBinaryRowWriter, EncodedRows } from './binary-row-writer';
import { RowBinaryBuffer } from './row-binary-buffer';
import { TableEncoder } from './table-encoders';

jest.setTimeout(60_000);

const RETENTION_DAYS: Record<number, number> = { 1: 30, 2: 90, 3: 7 };
const retentionOf = (record: { projectId: number }): number => RETENTION_DAYS[record.projectId];

/** Text that exercises the string encoding: multi-byte UTF-8, newline pairs (which chdb's inline insert broke on), and lengths needing 1, 2 and 3 length bytes. */
const LONG_TEXTS = ['', 'ü€😀 ÿ', 'two\n\nnewlines', 'x'.repeat(127), 'é'.repeat(64), 'y'.repeat(20_000)];

function encode<R>(encoder: TableEncoder<R>, records: readonly R[], retention: (record: R) => number): EncodedRows {
  const out = new RowBinaryBuffer(64);
  for (const record of records) encoder.write(out, record, retention(record));
  return { table: encoder.table, columnList: encoder.columnList, data: out.bytes(), rows: records.length };
}

/** Every kind's seeded records, with edge cases mixed in, and the JSONEachRow mapping they must equal. */
function cases() {
  const seeded = seededRecords(11, { startMs: Date.now() - 3_600_000, minutes: 30, transactions: 30, spans: 30, webVitals: 30, errors: 30, sessions: 10, sessionAggregates: 5, clientReports: 20 });
  const transactions = seeded.transactions.map((r, i) => ({
    ...r,
    name: LONG_TEXTS[i % LONG_TEXTS.length] || r.name,
    startTimestampMs: r.startTimestampMs + 0.75,
    originalTimestampMs: i % 3 === 0 ? r.timestampMs + 90_000 : null,
    tags: i % 4 === 0 ? {} : { ...r.tags, 'ключ': LONG_TEXTS[i % LONG_TEXTS.length] },
    measurements: i % 5 === 0 ? {} : { ...r.measurements, cls: 0.125 },
  }));
  const spans = seeded.spans.map((r, i) => ({ ...r, description: LONG_TEXTS[i % LONG_TEXTS.length], originalTimestampMs: i % 2 ? r.timestampMs - 1 : null }));
  const errors = seeded.errors.map((r, i) => ({ ...r, message: LONG_TEXTS[i % LONG_TEXTS.length], exceptions: i % 3 === 0 ? [] : r.exceptions, eventJson: i % 4 === 0 ? '' : JSON.stringify({ event_id: r.eventId, message: LONG_TEXTS[i % LONG_TEXTS.length] }) }));
  // Reasons as SDKs may invent them (any text, bounded by normalization), quantities up to the reader's bound.
  const clientReports = seeded.clientReports.map((r, i) => ({ ...r, reason: LONG_TEXTS[i % LONG_TEXTS.length].slice(0, 200) || r.reason, quantity: i % 4 === 0 ? 2 ** 32 - 1 : r.quantity, originalTimestampMs: i % 3 === 0 ? r.timestampMs + 90_000 : null }));
  return [
    { encoder: STORED_KINDS.transactions.encoder, rows: encode(STORED_KINDS.transactions.encoder, transactions, retentionOf), json: transactions.map((r) => toTransactionRow(r, retentionOf(r))) },
    { encoder: STORED_KINDS.spans.encoder, rows: encode(STORED_KINDS.spans.encoder, spans, retentionOf), json: spans.map((r) => toSpanRow(r, retentionOf(r))) },
    { encoder: STORED_KINDS.webVitals.encoder, rows: encode(STORED_KINDS.webVitals.encoder, seeded.webVitals, retentionOf), json: seeded.webVitals.map((r) => toWebVitalRow(r, retentionOf(r))) },
    { encoder: STORED_KINDS.errors.encoder, rows: encode(STORED_KINDS.errors.encoder, errors, retentionOf), json: errors.map((r) => toErrorRow(r, retentionOf(r))) },
    { encoder: STORED_KINDS.sessions.encoder, rows: encode(STORED_KINDS.sessions.encoder, seeded.sessions, retentionOf), json: seeded.sessions.map((r) => toSessionRow(r, retentionOf(r))) },
    { encoder: STORED_KINDS.clientReports.encoder, rows: encode(STORED_KINDS.clientReports.encoder, clientReports, retentionOf), json: clientReports.map((r) => toClientOutcomeRow(r, retentionOf(r))) },
  ];
}

async function everyRow(client: ClickHouseClient, table: string, columnList: string): Promise<unknown[]> {
  return selectRows(client, `SELECT ${columnList} FROM ${table} ORDER BY ${columnList}`);
}

describe('RowBinary table encoders against the migrated tables', () => {
  let binary: MigratedDatabase;
  let json: MigratedDatabase;
  beforeAll(async () => {
    [binary, json] = await Promise.all([migratedDatabase('pulse_row_binary'), migratedDatabase('pulse_row_json')]);
  });
  afterAll(async () => {
    await binary?.client.close();
    await json?.client.close();
  });

  // Every kind of the model's list, so a kind without its migration fails here.
  it.each(RECORD_KINDS.map((kind) => ({ table: STORED_KINDS[kind].table, encoder: STORED_KINDS[kind].encoder })))('names every column of $table with the type DESCRIBE TABLE gives, in table order', async ({ table, encoder }) => {
    const described = await selectRows<{ name: string; type: string }>(binary.client, `DESCRIBE TABLE ${table}`);
    expect(encoder.columns.map((column) => [column.name, column.type])).toEqual(described.map((column) => [column.name, column.type]));
  });

  it.each(cases().map((c) => ({ table: c.encoder.table, ...c })))('stores in $table exactly what the JSONEachRow mapping stores, once per token', async ({ table, encoder, rows, json: jsonRows }) => {
    const writer = new ClickHouseBinaryRowWriter(binary.client);
    await writer.insert(rows, `${table}/binary`);
    await writer.insert(rows, `${table}/binary`);
    await new ClickHouseRowWriter(json.client).insert(table, jsonRows, `${table}/json`);
    const stored = await everyRow(binary.client, table, encoder.columnList);
    expect(stored).toHaveLength(rows.rows);
    expect(stored).toEqual(await everyRow(json.client, table, encoder.columnList));
  });
});
