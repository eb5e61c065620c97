import { mkdtempSync, rmSync } from 'node:fs';
import { freePorts } from '../ports';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, ConfigResourceTypes, Kafka, logLevel, PartitionMetadata, Partitioners } from 'kafkajs';
import { canConnect } from '../ports';
import { waitUntil } from '../wait-until';
import { LocalKafkaCluster } from './local-kafka-cluster';

// Three JVMs on a shared 2-core machine; the first run also fetches the jars.
jest.setTimeout(10 * 60_000);

const TOPIC = 'local-kafka-cluster-int-spec';
const PARTITIONS = 3;

describe('LocalKafkaCluster (three real brokers)', () => {
  let stateDir: string;
  let cluster: LocalKafkaCluster;
  let client: Kafka;
  let admin: Admin;

  /**
   * The topic's partitions as the cluster describes them. A broker that has not yet applied the
   * topic's creation answers UNKNOWN_TOPIC_OR_PARTITION, and kafkajs asks any broker: ask again.
   */
  async function partitionsOf(): Promise<PartitionMetadata[]> {
    let partitions: PartitionMetadata[] = [];
    await waitUntil(`metadata of ${TOPIC}`, async () => {
      partitions = (await admin.fetchTopicMetadata({ topics: [TOPIC] })).topics[0].partitions;
      return true;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    return partitions;
  }

  /**
   * Sends messages `from`…`from + count − 1` with acks=all until they are acknowledged. A broker
   * that has not applied the topic yet makes kafkajs give up at once (UNKNOWN_TOPIC_OR_PARTITION
   * while it refreshes metadata), so a refused send is sent again; the checks below compare sets,
   * so a copy from a send retried after its acknowledgement was lost does not matter.
   */
  async function produce(from: number, count: number): Promise<void> {
    const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const messages = Array.from({ length: count }, (_, i) => ({ value: `message ${from + i}`, partition: (from + i) % PARTITIONS }));
      await waitUntil(`messages ${from}–${from + count - 1} acknowledged`, async () => {
        await producer.send({ topic: TOPIC, acks: -1, messages });
        return true;
      }, { timeoutMs: 60_000, intervalMs: 250 });
    } finally {
      await producer.disconnect();
    }
  }

  async function consumeAll(expected: number): Promise<string[]> {
    const consumer = client.consumer({ groupId: `cluster-spec-${Date.now()}`, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
      await waitUntil(`${expected} distinct messages consumed`, async () => new Set(seen).size >= expected, { timeoutMs: 60_000 });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  beforeAll(async () => {
    const ports = await freePorts(6);
    stateDir = mkdtempSync(join(tmpdir(), 'pulse-kafka-cluster-'));
    cluster = new LocalKafkaCluster({
      stateDir,
      ports: [0, 1, 2].map((i) => ({ port: ports[2 * i], controllerPort: ports[2 * i + 1] })),
    });
    client = new Kafka({
      clientId: 'local-kafka-cluster-int-spec',
      brokers: cluster.brokers,
      logLevel: logLevel.NOTHING,
      // Until the controller fences a killed broker (broker.session.timeout.ms, 9 s) its partitions
      // have no leader that answers: retry for longer than that.
      retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 3000 },
    });
  });

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts three brokers that replicate every topic three times with min.insync.replicas=2', async () => {
    const started = Date.now();
    await cluster.start();
    console.log(`LocalKafkaCluster start: ${Date.now() - started} ms`);
    // start() waited for each broker's own readiness probe; here the cluster is asked as a client
    // does (with retries: a one-shot probe with 1 s timeouts can miss on a loaded machine).
    expect(cluster.runningPids().size).toBe(3);
    admin = client.admin();
    await admin.connect();
    // Each broker's start waited until it saw itself registered; the one answering here may still
    // hold older cluster metadata for a moment on a loaded machine.
    let nodeIds: number[] = [];
    await waitUntil('every broker in the cluster metadata', async () => {
      nodeIds = (await admin.describeCluster()).brokers.map((broker) => broker.nodeId).sort();
      return nodeIds.length === 3;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    expect(nodeIds).toEqual([1, 2, 3]);

    // No replication settings given: the brokers' defaults apply.
    // kafkajs's waitForLeaders gives up when the broker it asks has not heard of the topic yet
    // (UNKNOWN_TOPIC_OR_PARTITION, common on a cluster): poll the metadata instead.
    await admin.createTopics({ waitForLeaders: false, topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: -1 }] });
    await waitUntil('a leader for every partition', async () => (await partitionsOf()).filter((p) => p.leader >= 0).length === PARTITIONS, { timeoutMs: 30_000, intervalMs: 100 });
    for (const partition of await partitionsOf()) {
      expect(partition.replicas.sort()).toEqual([1, 2, 3]);
    }
    // Asked of any broker, which may not have applied the topic yet (as in partitionsOf): ask again.
    let minInsync: string | undefined;
    await waitUntil(`min.insync.replicas of ${TOPIC}`, async () => {
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC, configNames: ['min.insync.replicas'] }] });
      minInsync = resources[0].configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue;
      return true;
    }, { timeoutMs: 30_000, intervalMs: 100 });
    expect(minInsync).toBe('2');
  });

  it('keeps every acknowledged message through a SIGKILL of a partition leader and its restart', async () => {
    await produce(0, 30);
    const victim = (await partitionsOf()).find((p) => p.partitionId === 0)!.leader;
    const victimPort = cluster.node(victim).port;
    await cluster.killBroker(victim);
    expect(cluster.runningPids().has(victim)).toBe(false);
    expect(await canConnect('127.0.0.1', victimPort, 1000)).toBe(false);

    // Two replicas in sync are enough for acks=all: writes go on once the leadership has moved.
    await produce(30, 30);
    const moved = await partitionsOf();
    expect(moved.find((p) => p.partitionId === 0)!.leader).not.toBe(victim);
    for (const partition of moved) expect(partition.isr).not.toContain(victim);

    await cluster.startBroker(victim);
    await waitUntil('the restarted broker back in every ISR', async () => (await partitionsOf()).every((p) => p.isr.length === 3), { timeoutMs: 60_000, intervalMs: 250 });
    const seen = await consumeAll(60);
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: 60 }, (_, i) => `message ${i}`)));
  });

  it('stops every broker', async () => {
    await admin.disconnect();
    await cluster.stop();
    expect(cluster.runningPids().size).toBe(0);
    for (const node of cluster.nodes) expect(await canConnect('127.0.0.1', node.port, 1000)).toBe(false);
  });
});
