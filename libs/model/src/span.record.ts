/**
 * A child span of a transaction (from a classic transaction's `spans[]` or a streamed span that is
 * not a segment). The segment (root) span itself is the TransactionRecord.
 */
export interface SpanRecord {
  projectId: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** Span id of the transaction (segment) this span belongs to. */
  segmentId: string;
  /** Name of that transaction, to group spans by it without a join. */
  transactionName: string;
  op: string;
  description: string;
  status: string;
  statusCode: number;
  startTimestampMs: number;
  timestampMs: number;
  durationMs: number;
  release: string;
  environment: string;
  receivedAtMs: number;
  /**
   * Epoch ms: the client's end timestamp when the time rules moved the span to the receive time (start
   * moved with it, or with its transaction); null or absent when it was kept
   * (docs/ingest.md, "Time").
   */
  originalTimestampMs?: number | null;
}
