import type { WebVitalRecord } from '@pulse/model';
import { toDateTime64, toNullableDateTime64 } from './date-time64';

/** A row of the `web_vitals` table, as inserted with FORMAT JSONEachRow. */
export interface WebVitalRow {
  project_id: number;
  vital: string;
  /** Milliseconds; CLS a unitless score. */
  value: number;
  page: string;
  trace_id: string;
  segment_id: string;
  release: string;
  environment: string;
  browser_name: string;
  browser_version: string;
  os_name: string;
  user_id: string;
  timestamp: string;
  /** The client's timestamp when ingest moved the record to the receive time, else null (docs/ingest.md, "Time"). */
  original_timestamp: string | null;
  received_at: string;
  retention_days: number;
}

export function toWebVitalRow(record: WebVitalRecord, retentionDays: number): WebVitalRow {
  return {
    project_id: record.projectId,
    vital: record.vital,
    value: record.value,
    page: record.page,
    trace_id: record.traceId,
    segment_id: record.segmentId,
    release: record.release,
    environment: record.environment,
    browser_name: record.browserName,
    browser_version: record.browserVersion,
    os_name: record.osName,
    user_id: record.userId,
    timestamp: toDateTime64(record.timestampMs),
    original_timestamp: toNullableDateTime64(record.originalTimestampMs),
    received_at: toDateTime64(record.receivedAtMs),
    retention_days: retentionDays,
  };
}
