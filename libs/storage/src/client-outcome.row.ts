import type { ClientReportRecord } from '@pulse/model';
import { toDateTime64, toNullableDateTime64 } from './date-time64';

/**
 * A row of the `client_outcomes` table ("dropped by the client"), as inserted with FORMAT
 * JSONEachRow: one reason and category of one client report with the quantity the SDK discarded.
 */
export interface ClientOutcomeRow {
  project_id: number;
  timestamp: string;
  /** The report's own time when ingest moved it to the receive time, else null (docs/ingest.md, "Time"). */
  original_timestamp: string | null;
  reason: string;
  category: string;
  quantity: number;
  release: string;
  environment: string;
  sdk_name: string;
  sdk_version: string;
  received_at: string;
  retention_days: number;
}

export function toClientOutcomeRow(record: ClientReportRecord, retentionDays: number): ClientOutcomeRow {
  return {
    project_id: record.projectId,
    timestamp: toDateTime64(record.timestampMs),
    original_timestamp: toNullableDateTime64(record.originalTimestampMs),
    reason: record.reason,
    category: record.category,
    quantity: record.quantity,
    release: record.release,
    environment: record.environment,
    sdk_name: record.sdkName,
    sdk_version: record.sdkVersion,
    received_at: toDateTime64(record.receivedAtMs),
    retention_days: retentionDays,
  };
}
