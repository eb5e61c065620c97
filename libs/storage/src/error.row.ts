import type { ErrorRecord } from '@pulse/model';
import { toDateTime64, toNullableDateTime64 } from './date-time64';

/** A row of the `errors` table, as inserted with FORMAT JSONEachRow. */
export interface ErrorRow {
  project_id: number;
  event_id: string;
  timestamp: string;
  /** The client's timestamp when ingest moved the record to the receive time, else null (docs/ingest.md, "Time"). */
  original_timestamp: string | null;
  level: string;
  platform: string;
  title: string;
  message: string;
  culprit: string;
  fingerprint: string;
  handled: boolean;
  /** Type and value of the outermost exception (the last of the chain), '' without one. */
  exception_type: string;
  exception_value: string;
  /** The whole chain as JSON: ExceptionRecord[] of libs/model, outermost last, frames included. */
  exceptions: string;
  transaction: string;
  trace_id: string;
  span_id: string;
  release: string;
  environment: string;
  dist: string;
  user_id: string;
  browser_name: string;
  os_name: string;
  sdk_name: string;
  sdk_version: string;
  tags: Record<string, string>;
  /** The event as the SDK sent it, bounded at ingest (0010_error_event_json.sql); '' for older records. */
  event_json: string;
  received_at: string;
  retention_days: number;
}

export function toErrorRow(record: ErrorRecord, retentionDays: number): ErrorRow {
  const outermost = record.exceptions[record.exceptions.length - 1];
  return {
    project_id: record.projectId,
    event_id: record.eventId,
    timestamp: toDateTime64(record.timestampMs),
    original_timestamp: toNullableDateTime64(record.originalTimestampMs),
    level: record.level,
    platform: record.platform,
    title: record.title,
    message: record.message,
    culprit: record.culprit,
    fingerprint: record.fingerprint,
    handled: record.handled,
    exception_type: outermost?.type ?? '',
    exception_value: outermost?.value ?? '',
    exceptions: JSON.stringify(record.exceptions),
    transaction: record.transaction,
    trace_id: record.traceId,
    span_id: record.spanId,
    release: record.release,
    environment: record.environment,
    dist: record.dist,
    user_id: record.userId,
    browser_name: record.browserName,
    os_name: record.osName,
    sdk_name: record.sdkName,
    sdk_version: record.sdkVersion,
    tags: record.tags,
    event_json: record.eventJson,
    received_at: toDateTime64(record.receivedAtMs),
    retention_days: retentionDays,
  };
}
