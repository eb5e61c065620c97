import type { RecordKind } from '@pulse/model';
import type { OffsetIntent } from './offset-intent';

export interface ConsumedMessage {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string | undefined>;
}

/**
 * What the consumer's handlers receive: contiguous messages of one partition of one topic, at most
 * the configured number of rows. A handler stores all of it or throws; `dedupToken` names exactly
 * this offset range, so storing it again after a redelivery changes nothing.
 */
export interface RecordBatch {
  kind: RecordKind;
  topic: string;
  partition: number;
  range: OffsetIntent;
  dedupToken: string;
  messages: ConsumedMessage[];
}
