import type { Kafka } from 'kafkajs';
import { AdminPartitionCounts } from './partition-counts';

/** A kafkajs Kafka stand-in whose admin answers topic metadata from a table the test changes. */
class FakeKafka {
  partitions = new Map<string, number>();
  fetches: string[][] = [];
  failNext = false;
  connects = 0;
  disconnects = 0;

  admin() {
    return {
      connect: async () => void this.connects++,
      disconnect: async () => void this.disconnects++,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        this.fetches.push(topics);
        if (this.failNext) {
          this.failNext = false;
          throw new Error('no broker answered');
        }
        return { topics: topics.filter((name) => this.partitions.has(name)).map((name) => ({ name, partitions: Array.from({ length: this.partitions.get(name)! }, (_, partitionId) => ({ partitionId })) })) };
      },
    };
  }
}

const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('AdminPartitionCounts', () => {
  let kafka: FakeKafka;
  beforeEach(() => {
    kafka = new FakeKafka();
    kafka.partitions.set('tx', 3).set('errors', 4);
  });

  it('reads a topic once and answers later calls from the cache over one connection', async () => {
    const counts = new AdminPartitionCounts(kafka as unknown as Kafka);
    expect(await counts.counts(['tx', 'errors'])).toEqual(new Map([['tx', 3], ['errors', 4]]));
    expect(await counts.counts(['tx'])).toEqual(new Map([['tx', 3]]));
    expect(kafka.fetches).toEqual([['tx', 'errors']]);
    expect(kafka.connects).toBe(1);
    await counts.close();
    expect(kafka.disconnects).toBe(1);
  });

  it('picks up added partitions after a refresh, answering from the cache until it is in', async () => {
    const counts = new AdminPartitionCounts(kafka as unknown as Kafka);
    await counts.counts(['tx']);
    kafka.partitions.set('tx', 6);
    counts.refresh();
    expect((await counts.counts(['tx'])).get('tx')).toBe(3);
    await flushMicrotasks();
    expect((await counts.counts(['tx'])).get('tx')).toBe(6);
  });

  it('re-reads counts older than maxAgeMs', async () => {
    const counts = new AdminPartitionCounts(kafka as unknown as Kafka, { maxAgeMs: 0 });
    await counts.counts(['tx']);
    kafka.partitions.set('tx', 5);
    await new Promise((resolve) => setTimeout(resolve, 2));
    await counts.counts(['tx']);
    await flushMicrotasks();
    expect((await counts.counts(['tx'])).get('tx')).toBe(5);
  });

  it('keeps the cached counts when a refresh fails, and tries again on the next call', async () => {
    const counts = new AdminPartitionCounts(kafka as unknown as Kafka);
    await counts.counts(['tx']);
    kafka.failNext = true;
    counts.refresh();
    await flushMicrotasks();
    expect((await counts.counts(['tx'])).get('tx')).toBe(3);
    await flushMicrotasks();
    expect(kafka.fetches).toHaveLength(3);
    expect(kafka.connects).toBe(2);
  });

  it('refuses a topic the cluster does not know', async () => {
    const counts = new AdminPartitionCounts(kafka as unknown as Kafka);
    await expect(counts.counts(['missing'])).rejects.toThrow('topic missing is not in the cluster');
  });
});
