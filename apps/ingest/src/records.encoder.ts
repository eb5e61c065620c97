import { encodeRecordGroup, OutgoingMessage, TopicNames } from '@pulse/kafka';
import { NormalizedRecords, RECORD_KINDS, RecordKind } from '@pulse/model';

/**
 * NormalizedRecords of one request → one Kafka message per record kind (schema `<kind>/2`, a JSON
 * array; more than one only past the size bound), on the topic of its kind.
 */
export function encodeRecords(records: NormalizedRecords, topics: TopicNames): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  for (const kind of RECORD_KINDS) addKind(messages, kind, records[kind], topics);
  return messages;
}

function addKind<K extends RecordKind>(messages: OutgoingMessage[], kind: K, list: NormalizedRecords[K], topics: TopicNames): void {
  if (list.length === 0) return;
  for (const message of encodeRecordGroup(kind, list)) messages.push({ topic: topics.records[kind], ...message });
}
