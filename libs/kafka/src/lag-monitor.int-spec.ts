import { Partitioners } from 'kafkajs';
import { testInfra, uniqueName } from '@pulse/testing';
import { createKafka } from './kafka.factory';
import { LagMonitor, PartitionLag } from './lag-monitor';
import { ensureTopics } from './topic-admin';

jest.setTimeout(60_000);

/** Lag read from the real broker: end offsets minus the group's committed offsets, per partition. */
describe('LagMonitor', () => {
  const kafka = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test' });

  it('reports every message of a partition until the group commits, then what is left', async () => {
    const topic = uniqueName('lag');
    const groupId = uniqueName('lag-group');
    await ensureTopics(kafka, [{ topic, partitions: 2 }]);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 7 }, (_, i) => ({ partition: i < 5 ? 0 : 1, value: `m${i}` })) });
    await producer.disconnect();

    const reported: PartitionLag[] = [];
    const errors: unknown[] = [];
    const monitor = new LagMonitor(kafka, [{ groupId, topic }], (lag) => reported.push(lag), (error) => errors.push(error));
    try {
      const byPartition = (lags: PartitionLag[]) => Object.fromEntries(lags.map(({ partition, lag }) => [partition, lag]));
      expect(byPartition(await monitor.measure())).toEqual({ 0: 5, 1: 2 }); // nothing committed: all of it

      const admin = kafka.admin();
      await admin.connect();
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }] });
      await admin.disconnect();
      const afterCommit = await monitor.measure();
      expect(byPartition(afterCommit)).toEqual({ 0: 2, 1: 2 });
      expect(Object.fromEntries(afterCommit.map(({ partition, end }) => [partition, end]))).toEqual({ 0: 5, 1: 2 });
      expect(reported).toHaveLength(4); // every measurement reaches the callback
      expect(errors).toEqual([]);
    } finally {
      await monitor.stop();
    }
  });
});
