/**
 * "Dropped by the client": one reason and data category of one client report, with the number of
 * items the SDK discarded for it (its rate-limit back-off, a full queue, sampling, `before_send`,
 * a failed send…). The entries of a report with the same reason and category are summed into one
 * record. Client reports carry no id, so a record has no identity (see storage's
 * record-identity.ts): like session aggregates, two equal reports are two real reports.
 */
export interface ClientReportRecord {
  projectId: number;
  /** As the SDK sent it (`queue_overflow`, `ratelimit_backoff`, `sample_rate`, …), at most 200 characters. */
  reason: string;
  /** The data category (`error`, `transaction`, `span`, `replay`, …), as sent, at most 64 characters. */
  category: string;
  /** Items discarded; a positive integer (entries of 0 are not stored). */
  quantity: number;
  /** The report's time (epoch ms); the receive time when the report has none. */
  timestampMs: number;
  /** From the envelope header's `trace` (dynamic sampling context); '' when absent. */
  release: string;
  environment: string;
  /** From the envelope header's `sdk`; '' when absent. */
  sdkName: string;
  sdkVersion: string;
  receivedAtMs: number;
  /** Epoch ms: the report's own time when the time rules moved it to the receive time (docs/ingest.md, "Time"). */
  originalTimestampMs?: number | null;
}
