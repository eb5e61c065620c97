import { CompressionTypes, Partitioners } from 'kafkajs';
import { testInfra, uniqueName } from '../../../test/support/test-infra';
import { BatchingProducer } from './batching-producer';
import { createKafka } from './kafka.factory';
import { KafkaBatchServer } from './kafka-batch.server';
import type { RecordBatch } from './record-batch';
import { ensureTopics } from './topic-admin';
import { RecordKind, TopicNames } from './topics';

jest.setTimeout(120_000);

/** Against the real broker: batches reach the handler, and offsets move only after it succeeded. */
describe('BatchingProducer → Kafka → KafkaBatchServer', () => {
  const kafka = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test' });
  const topics = new TopicNames(`${uniqueName('kbs')}.`);
  const groupId = uniqueName('kbs-group');

  async function consume(handler: (batch: RecordBatch) => Promise<void>, until: () => boolean): Promise<void> {
    const server = new KafkaBatchServer({ kafka, groupId, topics });
    server.addHandler(RecordKind.Transaction, async (batch: RecordBatch) => handler(batch), true);
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    const deadline = Date.now() + 60_000;
    try {
      while (!until()) {
        if (Date.now() > deadline) throw new Error('condition not met within 60 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await server.close();
    }
  }

  it('delivers every message, redelivers a failed batch, and resumes after the last commit', async () => {
    await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: 2 })));
    const rawProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await rawProducer.connect();
    const producer = new BatchingProducer(rawProducer, { lingerMs: 5, maxBatchMessages: 500, maxPendingBytes: 10_000_000, compression: CompressionTypes.GZIP });
    const values = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    await Promise.all(values.map((value, i) => producer.send([{ topic: topics.records[RecordKind.Transaction], key: String(i % 5), value: Buffer.from(value) }])));

    const handled: string[] = [];
    let failures = 0;
    await consume(
      async (batch) => {
        if (failures === 0) {
          failures++;
          throw new Error('insert failed'); // nothing of this batch may be committed
        }
        handled.push(...batch.messages.map((m) => m.value!.toString()));
      },
      () => handled.length >= values.length,
    );
    expect(failures).toBe(1);
    expect([...handled].sort()).toEqual([...values].sort()); // each exactly once after the retry

    // Same group again: everything was committed, so only new messages arrive.
    await producer.send([{ topic: topics.records[RecordKind.Transaction], key: '1', value: Buffer.from('after') }]);
    const second: string[] = [];
    await consume(async (batch) => void second.push(...batch.messages.map((m) => m.value!.toString())), () => second.length > 0);
    expect(second).toEqual(['after']);
    await producer.close();
  });
});
