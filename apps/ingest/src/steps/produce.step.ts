import { ProducerOverloadedError, TopicNames } from '@pulse/kafka';
import { NormalizedRecords, RECORD_KINDS } from '@pulse/model';
import type { Refusal } from '../drop-reasons';
import { IngestMetrics, RECORD_KIND_LABEL } from '../ingest.metrics';
import type { RecordPublisher } from '../record.publisher';
import { encodeRecords } from '../records.encoder';
import type { StoredItem } from './read-items.step';

/**
 * produce: the records → one Kafka message per kind (records.encoder.ts), handed to the publisher,
 * which resolves once Kafka acknowledged every partition written; only then are they counted
 * `accepted`. A producer that is overloaded or fails refuses the request (a 503 to retry).
 */
export async function produce(publisher: RecordPublisher, topics: TopicNames, records: NormalizedRecords, stored: readonly StoredItem[], metrics: IngestMetrics): Promise<Refusal | undefined> {
  const messages = encodeRecords(records, topics);
  if (messages.length === 0) return undefined;
  try {
    await publisher.publish(messages);
  } catch (error) {
    return { refusal: error instanceof ProducerOverloadedError ? 'kafka_overloaded' : 'kafka_failed', items: stored };
  }
  // Kinds the request has none of are not touched: each inc hashes its labels.
  for (const kind of RECORD_KINDS) {
    const count = records[kind].length;
    if (count > 0) metrics.countEvents(RECORD_KIND_LABEL[kind], 'accepted', count);
  }
  return undefined;
}
