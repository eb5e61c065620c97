import type { TransactionRecord } from '@pulse/model';
import { toDateTime64, toNullableDateTime64 } from './date-time64';
import type { SpanRowFields } from './span.row';

/** A row of the `transactions` table, as inserted with FORMAT JSONEachRow. */
export interface TransactionRow extends SpanRowFields {
  event_id: string;
  name: string;
  source: string;
  dist: string;
  platform: string;
  sdk_name: string;
  sdk_version: string;
  user_id: string;
  http_method: string;
  http_status_code: number;
  browser_name: string;
  os_name: string;
  tags: Record<string, string>;
  measurements: Record<string, number>;
}

export function toTransactionRow(record: TransactionRecord, retentionDays: number): TransactionRow {
  return {
    project_id: record.projectId,
    event_id: record.eventId,
    trace_id: record.traceId,
    span_id: record.spanId,
    parent_span_id: record.parentSpanId,
    name: record.name,
    source: record.source,
    op: record.op,
    status: record.status,
    status_code: record.statusCode,
    start_timestamp: toDateTime64(record.startTimestampMs),
    timestamp: toDateTime64(record.timestampMs),
    original_timestamp: toNullableDateTime64(record.originalTimestampMs),
    duration_ms: record.durationMs,
    release: record.release,
    environment: record.environment,
    dist: record.dist,
    platform: record.platform,
    sdk_name: record.sdkName,
    sdk_version: record.sdkVersion,
    user_id: record.userId,
    http_method: record.httpMethod,
    http_status_code: record.httpStatusCode,
    browser_name: record.browserName,
    os_name: record.osName,
    tags: record.tags,
    measurements: record.measurements,
    received_at: toDateTime64(record.receivedAtMs),
    retention_days: retentionDays,
  };
}
