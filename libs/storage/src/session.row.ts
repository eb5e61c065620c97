import type { SessionRecord } from '@pulse/model';
import { toDateTime64, toNullableDateTime64 } from './date-time64';

/**
 * A row of the `sessions` table, as inserted with FORMAT JSONEachRow: one session update
 * (quantity 1) or one status count of an aggregate bucket (session_id '', quantity = the count).
 */
export interface SessionRow {
  project_id: number;
  session_id: string;
  distinct_id: string;
  status: string;
  init: boolean;
  errors: number;
  quantity: number;
  started: string;
  timestamp: string;
  /** The client's timestamp when ingest moved the record to the receive time, else null (docs/ingest.md, "Time"). */
  original_timestamp: string | null;
  duration_s: number | null;
  release: string;
  environment: string;
  received_at: string;
  retention_days: number;
}

export function toSessionRow(record: SessionRecord, retentionDays: number): SessionRow {
  return {
    project_id: record.projectId,
    session_id: record.sessionId,
    distinct_id: record.distinctId,
    status: record.status,
    init: record.init,
    errors: record.errors,
    quantity: record.quantity,
    started: toDateTime64(record.startedMs),
    timestamp: toDateTime64(record.timestampMs),
    original_timestamp: toNullableDateTime64(record.originalTimestampMs),
    duration_s: record.durationS,
    release: record.release,
    environment: record.environment,
    received_at: toDateTime64(record.receivedAtMs),
    retention_days: retentionDays,
  };
}
