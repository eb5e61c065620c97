/**
 * What a transaction (the segment span of a trace) and a child span share, with the same meaning
 * on both: where the span sits in the trace, how it ended, when, and in which release. The wire
 * schemas (libs/kafka) and the raw tables' columns (libs/storage) list these fields once for both.
 */
export interface SpanFields {
  projectId: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  op: string;
  status: string;
  /** Numeric code of `status` (ok 0 … unauthenticated 16). */
  statusCode: number;
  startTimestampMs: number;
  timestampMs: number;
  durationMs: number;
  release: string;
  environment: string;
  receivedAtMs: number;
  /**
   * Epoch ms: the client's end timestamp when the time rules moved the span to the receive time
   * (start moved with it; a child span moves with its transaction too); null or absent when it was
   * kept (docs/ingest.md, "Time").
   */
  originalTimestampMs?: number | null;
}
