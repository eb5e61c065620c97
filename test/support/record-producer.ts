import { createKafka, encodeRecordGroup, TopicNames } from '@pulse/kafka';
import { RecordKind, RecordTypes } from '@pulse/model';
import { CompressionTypes, Message, Partitioners, Producer } from 'kafkajs';
import { testInfra } from '@pulse/testing';

/**
 * Puts records on their topics the way ingest does (schema `/2`, keyed by project, gzip), or raw
 * bytes. Ingest writes one message per request and kind; `perMessage` records stand in for a request.
 */
export class RecordProducer {
  private readonly producer: Producer;

  constructor(private readonly topics: TopicNames) {
    this.producer = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test-producer' }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send<K extends RecordKind>(kind: K, records: Array<RecordTypes[K]>, perMessage = 3): Promise<void> {
    const messages = [];
    for (let start = 0; start < records.length; start += perMessage) messages.push(...encodeRecordGroup(kind, records.slice(start, start + perMessage)));
    await this.sendRaw(kind, messages);
  }

  /** Messages as given: for poison that ingest would never produce. */
  async sendRaw(kind: RecordKind, messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 2000) {
      await this.producer.send({ topic: this.topics.records[kind], acks: -1, compression: CompressionTypes.GZIP, messages: messages.slice(start, start + 2000) });
    }
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
