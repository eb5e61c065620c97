import { createKafka, decodeMessage, SCHEMA_HEADER, TopicNames } from '@pulse/kafka';
import { RecordKind, RecordTypes } from '@pulse/model';
import type { Consumer } from 'kafkajs';
import { testInfra, uniqueName } from '@pulse/testing';

/**
 * Reads what ingest produced, from the beginning of every record topic under a prefix, decoded
 * with the consumer's own codec (so a record that would be dead-lettered fails the test).
 */
export class KafkaRecordReader {
  private readonly consumer: Consumer;
  readonly received: { [K in RecordKind]: Array<RecordTypes[K]> } = {
    [RecordKind.Transaction]: [],
    [RecordKind.Span]: [],
    [RecordKind.WebVital]: [],
    [RecordKind.Error]: [],
    [RecordKind.Session]: [],
    [RecordKind.ClientReport]: [],
  };
  readonly undecodable: string[] = [];

  constructor(private readonly topics: TopicNames) {
    this.consumer = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test-reader' }).consumer({
      groupId: uniqueName('reader'),
      maxWaitTimeInMs: 100,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: Object.values(this.topics.records), fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const kind = this.topics.kindOf(topic)!;
        const decoded = decodeMessage(kind, message.value, message.headers?.[SCHEMA_HEADER]?.toString());
        if (!decoded.ok) {
          this.undecodable.push(`${topic}: ${decoded.reason}`);
          return;
        }
        for (const entry of decoded.records) {
          if (entry.ok) (this.received[kind] as unknown[]).push(entry.record);
          else this.undecodable.push(`${topic}: ${entry.reason}`);
        }
      },
    });
  }

  /** Polls until `predicate` holds over what was received, or fails after `timeoutMs`. */
  async waitFor(what: string, predicate: (received: KafkaRecordReader['received']) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(Object.fromEntries(Object.entries(this.received).map(([k, v]) => [k, v.length])))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
