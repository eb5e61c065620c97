/**
 * The canonical Pulse transaction: one finished root span of a trace, whichever SDK generation
 * sent it. Times are epoch milliseconds (UTC); strings are already truncated to their limits.
 */
export interface TransactionRecord {
  projectId: number;
  /** 32 lower-case hex characters. */
  eventId: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** How the name was derived: custom, url, route, view, component, task, unknown. */
  source: string;
  op: string;
  status: string;
  /** Numeric code of `status` (ok 0 … unauthenticated 16). */
  statusCode: number;
  startTimestampMs: number;
  timestampMs: number;
  durationMs: number;
  release: string;
  environment: string;
  dist: string;
  platform: string;
  sdkName: string;
  sdkVersion: string;
  userId: string;
  httpMethod: string;
  /** HTTP response status of a server transaction; 0 when unknown. */
  httpStatusCode: number;
  browserName: string;
  osName: string;
  tags: Record<string, string>;
  /** Measurement name → value, in the unit the SDK gave (Web Vitals: milliseconds; CLS: score). */
  measurements: Record<string, number>;
  receivedAtMs: number;
  /**
   * Epoch ms: the client's `timestamp` (end) when the time rules moved the record to the receive time
   * (start moved with it); null or absent when it was kept
   * (docs/ingest.md, "Time").
   */
  originalTimestampMs?: number | null;
}
