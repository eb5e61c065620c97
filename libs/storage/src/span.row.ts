import type { SpanRecord } from '@pulse/model';
import { toDateTime64, toNullableDateTime64 } from './date-time64';

/** The columns transactions and spans share: the SpanFields of libs/model, as JSONEachRow values. */
export interface SpanRowFields {
  project_id: number;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  op: string;
  status: string;
  status_code: number;
  /** UTC text, see toDateTime64. */
  start_timestamp: string;
  timestamp: string;
  /** The client's timestamp when ingest moved the record to the receive time, else null (docs/ingest.md, "Time"). */
  original_timestamp: string | null;
  duration_ms: number;
  release: string;
  environment: string;
  received_at: string;
  retention_days: number;
}

/** A row of the `spans` table, as inserted with FORMAT JSONEachRow. */
export interface SpanRow extends SpanRowFields {
  segment_id: string;
  transaction_name: string;
  description: string;
}

export function toSpanRow(record: SpanRecord, retentionDays: number): SpanRow {
  return {
    project_id: record.projectId,
    trace_id: record.traceId,
    span_id: record.spanId,
    parent_span_id: record.parentSpanId,
    segment_id: record.segmentId,
    transaction_name: record.transactionName,
    op: record.op,
    description: record.description,
    status: record.status,
    status_code: record.statusCode,
    start_timestamp: toDateTime64(record.startTimestampMs),
    timestamp: toDateTime64(record.timestampMs),
    original_timestamp: toNullableDateTime64(record.originalTimestampMs),
    duration_ms: record.durationMs,
    release: record.release,
    environment: record.environment,
    received_at: toDateTime64(record.receivedAtMs),
    retention_days: retentionDays,
  };
}
