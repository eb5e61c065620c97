import type { RecordKind } from './topics';

export interface ConsumedMessage {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string | undefined>;
}

/** What the consumer's handlers receive: one fetched batch of one partition of one topic. */
export interface RecordBatch {
  kind: RecordKind;
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
}
