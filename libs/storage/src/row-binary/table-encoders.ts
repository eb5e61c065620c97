import type { ClientReportRecord, ErrorRecord, SessionRecord, SpanFields, SpanRecord, TransactionRecord, WebVitalRecord } from '@pulse/model';
import { bool, Column, dateTime64, fixedString, float64, lowCardinality, nullableDateTime64, nullableFloat64, numberMap, string, stringMap, uint16, uint64, uint8 } from './columns';
import { RowBinaryBuffer } from './row-binary-buffer';

/**
 * How the records of one kind become rows of its raw table in RowBinary: one column list gives the
 * INSERT's column names, the types the integration test checks against the migrated table, and the
 * encoding. The same values as the JSONEachRow mappings (transaction.row.ts, …), which stay as the
 * reference the round-trip test compares with. Each kind's encoder is built in STORED_KINDS
 * (stored-kinds.ts), with its table.
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

/*
 * Runs of columns several raw tables have alike (same names, types and values, in the same order
 * in each table), listed once and spread into the tables' lists when the module loads: the
 * encoders still walk one flat array of columns per row.
 */

/** When the record happened, and the client's own time when ingest moved it (docs/ingest.md, "Time"). Every table. */
const TIMESTAMP_COLUMNS: ReadonlyArray<Column<{ timestampMs: number; originalTimestampMs?: number | null }>> = [
  dateTime64('timestamp', (r) => r.timestampMs),
  nullableDateTime64('original_timestamp', originalTimestamp),
];

/** Every table. */
const RELEASE_COLUMNS: ReadonlyArray<Column<{ release: string; environment: string }>> = [
  lowCardinality('release', (r) => r.release),
  lowCardinality('environment', (r) => r.environment),
];

/** Every table ends with these. */
const RECEIVED_COLUMNS: ReadonlyArray<Column<{ receivedAtMs: number }>> = [
  dateTime64('received_at', (r) => r.receivedAtMs),
  uint16('retention_days', retention),
];

/** Where a transaction or a span sits in its trace. */
const SPAN_PLACE_COLUMNS: ReadonlyArray<Column<SpanFields>> = [
  fixedString('trace_id', 32, (r) => r.traceId),
  fixedString('span_id', 16, (r) => r.spanId),
  string('parent_span_id', (r) => r.parentSpanId),
];

/** How and when a transaction or a span ended, and in which release. */
const SPAN_OUTCOME_COLUMNS: ReadonlyArray<Column<SpanFields>> = [
  lowCardinality('status', (r) => r.status),
  uint8('status_code', (r) => r.statusCode),
  dateTime64('start_timestamp', (r) => r.startTimestampMs),
  ...TIMESTAMP_COLUMNS,
  float64('duration_ms', (r) => r.durationMs),
  ...RELEASE_COLUMNS,
];

export const TRANSACTION_COLUMNS: ReadonlyArray<Column<TransactionRecord>> = [
  uint64('project_id', (r) => r.projectId),
  fixedString('event_id', 32, (r) => r.eventId),
  ...SPAN_PLACE_COLUMNS,
  string('name', (r) => r.name),
  lowCardinality('source', (r) => r.source),
  lowCardinality('op', (r) => r.op),
  ...SPAN_OUTCOME_COLUMNS,
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
  ...RECEIVED_COLUMNS,
];

export const SPAN_COLUMNS: ReadonlyArray<Column<SpanRecord>> = [
  uint64('project_id', (r) => r.projectId),
  ...SPAN_PLACE_COLUMNS,
  string('segment_id', (r) => r.segmentId),
  string('transaction_name', (r) => r.transactionName),
  lowCardinality('op', (r) => r.op),
  string('description', (r) => r.description),
  ...SPAN_OUTCOME_COLUMNS,
  ...RECEIVED_COLUMNS,
];

export const WEB_VITAL_COLUMNS: ReadonlyArray<Column<WebVitalRecord>> = [
  uint64('project_id', (r) => r.projectId),
  lowCardinality('vital', (r) => r.vital),
  float64('value', (r) => r.value),
  string('page', (r) => r.page),
  fixedString('trace_id', 32, (r) => r.traceId),
  string('segment_id', (r) => r.segmentId),
  ...RELEASE_COLUMNS,
  lowCardinality('browser_name', (r) => r.browserName),
  lowCardinality('browser_version', (r) => r.browserVersion),
  lowCardinality('os_name', (r) => r.osName),
  string('user_id', (r) => r.userId),
  ...TIMESTAMP_COLUMNS,
  ...RECEIVED_COLUMNS,
];

const outermostException = (record: ErrorRecord): ErrorRecord['exceptions'][number] | undefined => record.exceptions[record.exceptions.length - 1];

export const ERROR_COLUMNS: ReadonlyArray<Column<ErrorRecord>> = [
  uint64('project_id', (r) => r.projectId),
  fixedString('event_id', 32, (r) => r.eventId),
  ...TIMESTAMP_COLUMNS,
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
  // Plain strings here, not FixedString: an error may come without a trace.
  string('trace_id', (r) => r.traceId),
  string('span_id', (r) => r.spanId),
  ...RELEASE_COLUMNS,
  lowCardinality('dist', (r) => r.dist),
  string('user_id', (r) => r.userId),
  lowCardinality('browser_name', (r) => r.browserName),
  lowCardinality('os_name', (r) => r.osName),
  lowCardinality('sdk_name', (r) => r.sdkName),
  lowCardinality('sdk_version', (r) => r.sdkVersion),
  stringMap('tags', (r) => r.tags),
  ...RECEIVED_COLUMNS,
  // The event as the SDK sent it, bounded at ingest; '' before it existed. Last: 0010_error_event_json.sql added it.
  string('event_json', (r) => r.eventJson),
];

export const SESSION_COLUMNS: ReadonlyArray<Column<SessionRecord>> = [
  uint64('project_id', (r) => r.projectId),
  string('session_id', (r) => r.sessionId),
  string('distinct_id', (r) => r.distinctId),
  lowCardinality('status', (r) => r.status),
  bool('init', (r) => r.init),
  uint64('errors', (r) => r.errors),
  uint64('quantity', (r) => r.quantity),
  dateTime64('started', (r) => r.startedMs),
  ...TIMESTAMP_COLUMNS,
  nullableFloat64('duration_s', (r) => r.durationS),
  ...RELEASE_COLUMNS,
  ...RECEIVED_COLUMNS,
];

/** "Dropped by the client": one reason and category of one client report (0011_client_outcomes.sql). */
export const CLIENT_OUTCOME_COLUMNS: ReadonlyArray<Column<ClientReportRecord>> = [
  uint64('project_id', (r) => r.projectId),
  ...TIMESTAMP_COLUMNS,
  lowCardinality('reason', (r) => r.reason),
  lowCardinality('category', (r) => r.category),
  uint64('quantity', (r) => r.quantity),
  ...RELEASE_COLUMNS,
  lowCardinality('sdk_name', (r) => r.sdkName),
  lowCardinality('sdk_version', (r) => r.sdkVersion),
  ...RECEIVED_COLUMNS,
];
