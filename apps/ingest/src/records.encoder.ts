import { encodeRecordGroup, OutgoingMessage, RecordKind, RecordTypes, TopicNames } from '@pulse/kafka';
import type { NormalizedRecords } from '@pulse/model';

/**
 * NormalizedRecords of one request → one Kafka message per record kind (schema `<kind>/2`, a JSON
 * array; more than one only past the size bound), on the topic of its kind.
 */
export function encodeRecords(records: NormalizedRecords, topics: TopicNames): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  const add = <K extends RecordKind>(kind: K, list: ReadonlyArray<RecordTypes[K]>): void => {
    if (list.length === 0) return;
    for (const message of encodeRecordGroup(kind, list)) messages.push({ topic: topics.records[kind], ...message });
  };
  add(RecordKind.Transaction, records.transactions);
  add(RecordKind.Span, records.spans);
  add(RecordKind.WebVital, records.webVitals);
  add(RecordKind.Error, records.errors);
  add(RecordKind.Session, records.sessions);
  return messages;
}
