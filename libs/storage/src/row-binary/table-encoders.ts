import type { ErrorRecord, SessionRecord, SpanRecord, TransactionRecord, WebVitalRecord } from '@pulse/model';
import { Tables } from '../tables';
import { bool, Column, dateTime64, fixedString, float64, lowCardinality, nullableDateTime64, nullableFloat64, numberMap, string, stringMap, uint16, uint64, uint8 } from './columns';
import { RowBinaryBuffer } from './row-binary-buffer';

/**
 * How the records of one kind become rows of its raw table in RowBinary: one column list gives the
 * INSERT's column names, the types the integration test checks against the migrated table, and the
 * encoding. The same values as the JSONEachRow mappings (transaction.row.ts, …), which stay as the
 * reference the round-trip test compares with.
 */
export class TableEncoder<R> {
  /** `a, b, c`, for `INSERT INTO table (a, b, c) FORMAT RowBinary`. */
  readonly columnList: string;

  constructor(
    readonly table: string,
    readonly columns: ReadonlyArray<Column<R>>,
  ) {
    this.columnList = columns.map((column) => column.name).join(', ');
  }

  /** Appends one row; throws ValueDoesNotFit (having written part of it) when a value cannot be stored. */
  write(out: RowBinaryBuffer, record: R, retentionDays: number): void {
    for (const column of this.columns) column.write(out, record, retentionDays);
  }
}

const retention = (_record: unknown, days: number): number => days;
const originalTimestamp = (record: { originalTimestampMs?: number | null }): number | null => record.originalTimestampMs ?? null;

export const TRANSACTION_ENCODER = new TableEncoder<TransactionRecord>(Tables.transactions, [
  uint64('project_id', (r) => r.projectId),
  fixedString('event_id', 32, (r) => r.eventId),
  fixedString('trace_id', 32, (r) => r.traceId),
  fixedString('span_id', 16, (r) => r.spanId),
  string('parent_span_id', (r) => r.parentSpanId),
  string('name', (r) => r.name),
  lowCardinality('source', (r) => r.source),
  lowCardinality('op', (r) => r.op),
  lowCardinality('status', (r) => r.status),
  uint8('status_code', (r) => r.statusCode),
  dateTime64('start_timestamp', (r) => r.startTimestampMs),
  dateTime64('timestamp', (r) => r.timestampMs),
  nullableDateTime64('original_timestamp', originalTimestamp),
  float64('duration_ms', (r) => r.durationMs),
  lowCardinality('release', (r) => r.release),
  lowCardinality('environment', (r) => r.environment),
  lowCardinality('dist', (r) => r.dist),
  lowCardinality('platform', (r) => r.platform),
  lowCardinality('sdk_name', (r) => r.sdkName),
  lowCardinality('sdk_version', (r) => r.sdkVersion),
  string('user_id', (r) => r.userId),
  lowCardinality('http_method', (r) => r.httpMethod),
  uint16('http_status_code', (r) => r.httpStatusCode),
  lowCardinality('browser_name', (r) => r.browserName),
  lowCardinality('os_name', (r) => r.osName),
  stringMap('tags', (r) => r.tags),
  numberMap('measurements', (r) => r.measurements),
  dateTime64('received_at', (r) => r.receivedAtMs),
  uint16('retention_days', retention),
]);

export const SPAN_ENCODER = new TableEncoder<SpanRecord>(Tables.spans, [
  uint64('project_id', (r) => r.projectId),
  fixedString('trace_id', 32, (r) => r.traceId),
  fixedString('span_id', 16, (r) => r.spanId),
  string('parent_span_id', (r) => r.parentSpanId),
  string('segment_id', (r) => r.segmentId),
  string('transaction_name', (r) => r.transactionName),
  lowCardinality('op', (r) => r.op),
  string('description', (r) => r.description),
  lowCardinality('status', (r) => r.status),
  uint8('status_code', (r) => r.statusCode),
  dateTime64('start_timestamp', (r) => r.startTimestampMs),
  dateTime64('timestamp', (r) => r.timestampMs),
  nullableDateTime64('original_timestamp', originalTimestamp),
  float64('duration_ms', (r) => r.durationMs),
  lowCardinality('release', (r) => r.release),
  lowCardinality('environment', (r) => r.environment),
  dateTime64('received_at', (r) => r.receivedAtMs),
  uint16('retention_days', retention),
]);

export const WEB_VITAL_ENCODER = new TableEncoder<WebVitalRecord>(Tables.webVitals, [
  uint64('project_id', (r) => r.projectId),
  lowCardinality('vital', (r) => r.vital),
  float64('value', (r) => r.value),
  string('page', (r) => r.page),
  fixedString('trace_id', 32, (r) => r.traceId),
  string('segment_id', (r) => r.segmentId),
  lowCardinality('release', (r) => r.release),
  lowCardinality('environment', (r) => r.environment),
  lowCardinality('browser_name', (r) => r.browserName),
  lowCardinality('browser_version', (r) => r.browserVersion),
  lowCardinality('os_name', (r) => r.osName),
  string('user_id', (r) => r.userId),
  dateTime64('timestamp', (r) => r.timestampMs),
  nullableDateTime64('original_timestamp', originalTimestamp),
  dateTime64('received_at', (r) => r.receivedAtMs),
  uint16('retention_days', retention),
]);

const outermostException = (record: ErrorRecord): ErrorRecord['exceptions'][number] | undefined => record.exceptions[record.exceptions.length - 1];

export const ERROR_ENCODER = new TableEncoder<ErrorRecord>(Tables.errors, [
  uint64('project_id', (r) => r.projectId),
  fixedString('event_id', 32, (r) => r.eventId),
  dateTime64('timestamp', (r) => r.timestampMs),
  nullableDateTime64('original_timestamp', originalTimestamp),
  lowCardinality('level', (r) => r.level),
  lowCardinality('platform', (r) => r.platform),
  string('title', (r) => r.title),
  string('message', (r) => r.message),
  string('culprit', (r) => r.culprit),
  fixedString('fingerprint', 32, (r) => r.fingerprint),
  bool('handled', (r) => r.handled),
  // Type and value of the outermost exception (the last of the chain), '' without one.
  lowCardinality('exception_type', (r) => outermostException(r)?.type ?? ''),
  string('exception_value', (r) => outermostException(r)?.value ?? ''),
  // The whole chain as JSON: ExceptionRecord[] of libs/model, outermost last, frames included.
  string('exceptions', (r) => JSON.stringify(r.exceptions)),
  string('transaction', (r) => r.transaction),
  string('trace_id', (r) => r.traceId),
  string('span_id', (r) => r.spanId),
  lowCardinality('release', (r) => r.release),
  lowCardinality('environment', (r) => r.environment),
  lowCardinality('dist', (r) => r.dist),
  string('user_id', (r) => r.userId),
  lowCardinality('browser_name', (r) => r.browserName),
  lowCardinality('os_name', (r) => r.osName),
  lowCardinality('sdk_name', (r) => r.sdkName),
  lowCardinality('sdk_version', (r) => r.sdkVersion),
  stringMap('tags', (r) => r.tags),
  dateTime64('received_at', (r) => r.receivedAtMs),
  uint16('retention_days', retention),
]);

export const SESSION_ENCODER = new TableEncoder<SessionRecord>(Tables.sessions, [
  uint64('project_id', (r) => r.projectId),
  string('session_id', (r) => r.sessionId),
  string('distinct_id', (r) => r.distinctId),
  lowCardinality('status', (r) => r.status),
  bool('init', (r) => r.init),
  uint64('errors', (r) => r.errors),
  uint64('quantity', (r) => r.quantity),
  dateTime64('started', (r) => r.startedMs),
  dateTime64('timestamp', (r) => r.timestampMs),
  nullableDateTime64('original_timestamp', originalTimestamp),
  nullableFloat64('duration_s', (r) => r.durationS),
  lowCardinality('release', (r) => r.release),
  lowCardinality('environment', (r) => r.environment),
  dateTime64('received_at', (r) => r.receivedAtMs),
  uint16('retention_days', retention),
]);
