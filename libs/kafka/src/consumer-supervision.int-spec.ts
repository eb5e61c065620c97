import { waitUntil } from '@pulse/local-infra';
import { Consumer, PartitionAssigner, PartitionAssigners, Partitioners } from 'kafkajs';
import { RecordKind } from '@pulse/model';
import { testInfra, uniqueName } from '@pulse/testing';
import type { ConsumerEvents, ConsumerTuning } from './kind-consumer';
import { createKafka } from './kafka.factory';
import { KafkaBatchServer } from './kafka-batch.server';
import type { RecordBatch } from './record-batch';
import { ensureTopics } from './topic-admin';
import { TopicNames } from './topics';

jest.setTimeout(120_000);

/** The shortest session the broker accepts (group.min.session.timeout.ms), so expulsions come quickly. */
const SESSION_MS = 6000;
const TUNING: ConsumerTuning = {
  maxBatchRows: 100,
  maxWaitMs: 100,
  minFetchBytes: 1,
  maxFetchBytesPerPartition: 1024 * 1024,
  sessionTimeoutMs: SESSION_MS,
  retryInitialMs: 20,
  retryMaxMs: 100,
  restartInitialMs: 200,
  restartMaxMs: 1000,
};

/**
 * Against the real broker: a kind's consumer keeps its group membership through a slow insert,
 * rejoins after being expelled, and is replaced by a fresh consumer when kafkajs gives up on it.
 */
describe('KindConsumer membership and supervision', () => {
  const kafka = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test' });
  const servers: KafkaBatchServer[] = [];
  const others: Consumer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await Promise.all(others.splice(0).map((consumer) => consumer.disconnect()));
  });

  /** What the consumer reported, in order. */
  function recorder() {
    const log = { joins: 0, crashes: [] as Array<number | undefined>, restarts: 0, running: [] as boolean[] };
    const events: ConsumerEvents = {
      onAssigned: () => log.joins++,
      onCrash: (_kind, _error, restartInMs) => log.crashes.push(restartInMs),
      onRestart: () => log.restarts++,
      onRunning: (_kind, running) => log.running.push(running),
    };
    return { log, events };
  }

  async function listen(groupIdPrefix: string, topics: TopicNames, handler: (batch: RecordBatch) => Promise<void>, events: ConsumerEvents): Promise<KafkaBatchServer> {
    const server = new KafkaBatchServer({ kafka, groupIdPrefix, topics, tuning: TUNING, events });
    server.addHandler(RecordKind.Transaction, async (batch: RecordBatch) => handler(batch), true);
    servers.push(server);
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    return server;
  }

  async function freshTopics(count: number): Promise<TopicNames> {
    const topics = new TopicNames(`${uniqueName('sup')}.`);
    await ensureTopics(kafka, topics.all().map((topic) => ({ topic, partitions: 1 })));
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: topics.records[RecordKind.Transaction], messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
    return topics;
  }

  const values = (batches: RecordBatch[]) => batches.flatMap((batch) => batch.messages.map((m) => m.value!.toString()));

  it('heartbeats through a handler slower than the session timeout and never leaves its group', async () => {
    const topics = await freshTopics(300);
    const { log, events } = recorder();
    const handled: RecordBatch[] = [];
    let slowDone = false;
    await listen(uniqueName('sup-group'), topics, async (batch) => {
      if (handled.length === 0) {
        // A slow insert: the event loop is free, the work is not done for 2.5 session timeouts.
        await new Promise((resolve) => setTimeout(resolve, SESSION_MS * 2.5));
        slowDone = true;
      }
      handled.push(batch);
    }, events);
    await waitUntil('all messages handled', async () => values(handled).length >= 300, { timeoutMs: 60_000, intervalMs: 50 });
    expect(slowDone).toBe(true);
    expect(log).toMatchObject({ joins: 1, crashes: [], restarts: 0 });
    expect(new Set(handled.map((batch) => batch.dedupToken)).size).toBe(handled.length); // no range handled twice
    expect(values(handled).sort()).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`).sort());
  });

  it('rejoins by itself after being expelled while its event loop was blocked, and replays the range under the same token', async () => {
    const topics = await freshTopics(300);
    const { log, events } = recorder();
    const handled: RecordBatch[] = [];
    await listen(uniqueName('sup-group'), topics, async (batch) => {
      if (handled.length === 0) {
        // Nothing can heartbeat while the loop is blocked: the coordinator expels the member.
        const until = Date.now() + SESSION_MS * 1.5;
        while (Date.now() < until);
      }
      handled.push(batch);
    }, events);
    await waitUntil('all messages handled', async () => new Set(values(handled)).size >= 300, { timeoutMs: 60_000, intervalMs: 50 });
    // The commit after the block was refused ("not aware of this member"): kafkajs rejoined instead of crashing.
    expect(log.crashes).toEqual([]);
    expect(log.joins).toBe(2);
    expect(handled[1].dedupToken).toBe(handled[0].dedupToken);
    expect(values(handled.slice(1)).sort()).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`).sort());
  });

  it('replaces a consumer that crashed for good (the coordinator refused its group protocol) and then consumes', async () => {
    const topics = await freshTopics(200);
    const groupIdPrefix = uniqueName('sup-group');
    // A member of the same group speaking another assignment protocol: while it is the group's
    // only member, the coordinator answers every join of ours with INCONSISTENT_GROUP_PROTOCOL,
    // which kafkajs does not restart from.
    const foreignAssigner: PartitionAssigner = (config) => ({ ...PartitionAssigners.roundRobin(config), name: 'ForeignAssigner' });
    const foreign = kafka.consumer({ groupId: `${groupIdPrefix}.${RecordKind.Transaction}`, partitionAssigners: [foreignAssigner], sessionTimeout: SESSION_MS });
    others.push(foreign);
    const foreignTopic = uniqueName('sup-foreign');
    await ensureTopics(kafka, [{ topic: foreignTopic, partitions: 1 }]);
    await foreign.connect();
    await foreign.subscribe({ topics: [foreignTopic] });
    let foreignJoined = false;
    foreign.on(foreign.events.GROUP_JOIN, () => (foreignJoined = true));
    await foreign.run({ eachBatch: async () => undefined });
    await waitUntil('foreign member joined', async () => foreignJoined);

    const { log, events } = recorder();
    const handled: RecordBatch[] = [];
    await listen(groupIdPrefix, topics, async (batch) => void handled.push(batch), events);
    await waitUntil('consumer crashed and restarted at least twice', async () => log.restarts >= 2, { timeoutMs: 30_000, intervalMs: 50 });
    expect(handled).toEqual([]);
    expect(log.crashes.every((restartInMs) => restartInMs !== undefined)).toBe(true); // each one left to Pulse
    expect(log.crashes.slice(0, 2)).toEqual([200, 400]); // backing off

    await foreign.disconnect();
    others.splice(0);
    await waitUntil('all messages handled', async () => values(handled).length >= 200, { timeoutMs: 60_000, intervalMs: 50 });
    expect(values(handled).sort()).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`).sort());
    expect(log.running.at(-1)).toBe(true);
  });
});
