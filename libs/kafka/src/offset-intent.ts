/**
 * The offset range a consumer is about to insert, kept in the Kafka offset commit's metadata
 * before the insert starts. Whoever reads the partition next (this process after a restart, or
 * another member after a rebalance) finds it beside the committed offset and re-inserts exactly
 * that range under the same deduplication token, so an insert that landed but was never
 * committed is dropped by ClickHouse instead of counted twice. The commit and its metadata are
 * one write in Kafka, so the range and the offset it starts at can never disagree.
 */
export interface OffsetIntent {
  /** First and last offset of the range, inclusive, as decimal strings (Kafka offsets are int64). */
  first: string;
  last: string;
}

const PREFIX = 'pulse-intent/1:';

export function encodeIntent(intent: OffsetIntent): string {
  return `${PREFIX}${intent.first}-${intent.last}`;
}

/** The intent in a commit's metadata; undefined for empty, foreign or malformed metadata. */
export function decodeIntent(metadata: string | null | undefined): OffsetIntent | undefined {
  if (!metadata?.startsWith(PREFIX)) return undefined;
  const match = /^(\d+)-(\d+)$/.exec(metadata.slice(PREFIX.length));
  if (!match || BigInt(match[1]) > BigInt(match[2])) return undefined;
  return { first: match[1], last: match[2] };
}

/** The deduplication token of one inserted range: the same range always gets the same token. */
export function rangeToken(topic: string, partition: number, intent: OffsetIntent): string {
  return `${topic}/${partition}/${intent.first}-${intent.last}`;
}
