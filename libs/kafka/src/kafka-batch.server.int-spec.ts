import { CompressionTypes, Partitioners } from 'kafkajs';
import { waitUntil } from '@pulse/local-infra';
import { RecordKind } from '@pulse/model';
import { testInfra, uniqueName } from '@pulse/testing';
import { BatchingProducer } from './batching-producer';
import { AdminPartitionCounts } from './partition-counts';
import type { ConsumerEvents, ConsumerTuning } from './kind-consumer';
import { createKafka } from './kafka.factory';
import { KafkaBatchServer } from './kafka-batch.server';
import type { RecordBatch } from './record-batch';
import { ensureTopics } from './topic-admin';
import { TopicNames } from './topics';

jest.setTimeout(120_000);

const TUNING: ConsumerTuning = { maxBatchRows: 100, maxWaitMs: 100, minFetchBytes: 1, maxFetchBytesPerPartition: 1024 * 1024, sessionTimeoutMs: 10_000, retryInitialMs: 20, retryMaxMs: 100 };

/** Against the real broker: batches reach the handler, offsets move only after it succeeded. */
describe('BatchingProducer → Kafka → KafkaBatchServer', () => {
  const kafka = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test' });

  async function listen(groupIdPrefix: string, topics: TopicNames, handler: (batch: RecordBatch) => Promise<void>, tuning = TUNING, events: ConsumerEvents = {}): Promise<KafkaBatchServer> {
    const server = new KafkaBatchServer({ kafka, groupIdPrefix, topics, tuning, events });
    server.addHandler(RecordKind.Transaction, async (batch: RecordBatch) => handler(batch), true);
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    return server;
  }

  const until = (condition: () => boolean) => waitUntil('handled messages', async () => condition(), { intervalMs: 20 });

  async function produce(topics: TopicNames, values: string[]): Promise<void> {
    const rawProducer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await rawProducer.connect();
    const producer = new BatchingProducer(rawProducer, { lingerMs: 5, maxBatchMessages: 500, maxPendingBytes: 10_000_000, partitionCounts: new AdminPartitionCounts(kafka), compression: CompressionTypes.GZIP });
    await Promise.all(values.map((value, i) => producer.send([{ topic: topics.records[RecordKind.Transaction], key: String(i % 5), value: Buffer.from(value) }])));
    await producer.close();
  }

  async function freshTopics(partitions: number): Promise<TopicNames> {
    const topics = new TopicNames(`${uniqueName('kbs')}.`);
    await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions })));
    return topics;
  }

  it('retries a failing batch in place, pausing meanwhile, and delivers everything once in batches of at most maxBatchRows', async () => {
    const topics = await freshTopics(2);
    const group = uniqueName('kbs-group');
    const values = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    await produce(topics, values);

    const handled: string[] = [];
    const sizes: number[] = [];
    const pauses: boolean[] = [];
    let failures = 0;
    const server = await listen(
      group,
      topics,
      async (batch) => {
        if (failures < 3) {
          failures++;
          throw new Error('ClickHouse is down');
        }
        sizes.push(batch.messages.length);
        handled.push(...batch.messages.map((m) => m.value!.toString()));
      },
      TUNING,
      { onPause: (_topic, paused) => pauses.push(paused) },
    );
    await until(() => handled.length >= values.length);
    await server.close();
    expect(failures).toBe(3);
    expect(pauses).toEqual([true, false]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(TUNING.maxBatchRows);
    expect([...handled].sort()).toEqual([...values].sort());

    // Same group again: everything was committed, so only new messages arrive.
    await produce(topics, ['after']);
    const second: string[] = [];
    const again = await listen(group, topics, async (batch) => void second.push(...batch.messages.map((m) => m.value!.toString())));
    await until(() => second.length > 0);
    await again.close();
    expect(second).toEqual(['after']);
  });

  it('replays a range that was attempted but never committed exactly, under the same token, whatever the new batch size', async () => {
    const topics = await freshTopics(1);
    const group = uniqueName('kbs-group');
    const values = Array.from({ length: 500 }, (_, i) => `r${i}`);
    await produce(topics, values);

    // First run: the batch "lands" but its acknowledgement never comes back; the process stops.
    const attempted: RecordBatch[] = [];
    const first = await listen(group, topics, async (batch) => {
      attempted.push(batch);
      throw new Error('acknowledgement lost');
    });
    await until(() => attempted.length >= 2);
    await first.close();
    expect(new Set(attempted.map((b) => b.dedupToken)).size).toBe(1); // every retry carried the same token

    // Second run, cutting smaller batches: the first batch is still exactly the attempted range.
    const replayed: RecordBatch[] = [];
    const second = await listen(group, topics, async (batch) => void replayed.push(batch), { ...TUNING, maxBatchRows: 37 });
    await until(() => replayed.reduce((n, b) => n + b.messages.length, 0) >= values.length);
    await second.close();
    expect(replayed[0].dedupToken).toBe(attempted[0].dedupToken);
    expect(replayed[0].messages.map((m) => m.offset)).toEqual(attempted[0].messages.map((m) => m.offset));
    expect(replayed.slice(1).every((b) => b.messages.length <= 37)).toBe(true);
    expect(replayed.flatMap((b) => b.messages.map((m) => m.value!.toString())).sort()).toEqual([...values].sort());
  });
});
