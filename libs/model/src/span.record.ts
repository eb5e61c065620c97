import type { SpanFields } from './span-fields';

/**
 * A child span of a transaction (from a classic transaction's `spans[]` or a streamed span that is
 * not a segment). The segment (root) span itself is the TransactionRecord.
 */
export interface SpanRecord extends SpanFields {
  /** Span id of the transaction (segment) this span belongs to. */
  segmentId: string;
  /** Name of that transaction, to group spans by it without a join. */
  transactionName: string;
  description: string;
}
