import { encodeRecord, OutgoingMessage, RecordKind, TopicNames } from '@pulse/kafka';
import type { NormalizedRecords } from '@pulse/model';

/** NormalizedRecords → one Kafka message per record, on the topic of its kind. */
export function encodeRecords(records: NormalizedRecords, topics: TopicNames): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  const add = <K extends RecordKind>(kind: K, list: Parameters<typeof encodeRecord<K>>[1][]): void => {
    for (const record of list) messages.push({ topic: topics.records[kind], ...encodeRecord(kind, record) });
  };
  add(RecordKind.Transaction, records.transactions);
  add(RecordKind.Span, records.spans);
  add(RecordKind.WebVital, records.webVitals);
  add(RecordKind.Error, records.errors);
  add(RecordKind.Session, records.sessions);
  return messages;
}
