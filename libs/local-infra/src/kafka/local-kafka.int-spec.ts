import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { waitUntil } from '../wait-until';
import { LocalKafka } from './local-kafka';

// The first run fetches the broker jars from Maven Central.
jest.setTimeout(10 * 60_000);

async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0 }, resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const TOPIC = 'local-kafka-int-spec';
const MESSAGES = [0, 1, 2, 3, 4, 5].map((i) => ({ key: `k${i}`, value: `message ${i}`, partition: i % 3 }));

describe('LocalKafka (real broker)', () => {
  let stateDir: string;
  let kafka: LocalKafka;
  let client: Kafka;

  async function consumeAll(groupId: string): Promise<{ partition: number; key: string; value: string }[]> {
    const consumer = client.consumer({ groupId, maxWaitTimeInMs: 100 });
    const seen: { partition: number; key: string; value: string }[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, key: String(message.key), value: String(message.value) });
        },
      });
      await waitUntil('all messages consumed', async () => seen.length >= MESSAGES.length, { timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    return seen.sort((a, b) => a.key.localeCompare(b.key));
  }

  beforeAll(async () => {
    const [port, controllerPort] = await freePorts(2);
    stateDir = mkdtempSync(join(tmpdir(), 'pulse-local-kafka-'));
    kafka = new LocalKafka({ port, controllerPort, stateDir });
    client = new Kafka({ clientId: 'local-kafka-int-spec', brokers: [kafka.endpoint], logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await kafka?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts, serves a 3-partition topic, and keeps it across a restart', async () => {
    let t = Date.now();
    await kafka.start();
    console.log(`LocalKafka first start (incl. install when not cached): ${Date.now() - t} ms`);
    expect(await kafka.isRunning()).toBe(true);
    const pid = kafka.runningPid() as number;
    expect(pid).toBeGreaterThan(0);

    // start() on a running broker is a no-op
    await kafka.start();
    expect(kafka.runningPid()).toBe(pid);

    const admin = client.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
      expect(meta.topics[0].partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }

    const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({ topic: TOPIC, messages: MESSAGES, acks: -1 });
    } finally {
      await producer.disconnect();
    }
    const expected = MESSAGES.map(({ partition, key, value }) => ({ partition, key, value }));
    expect(await consumeAll('group-before-restart')).toEqual(expected);

    // auto.create.topics.enable=false: producing to an unknown topic fails instead of creating it
    const strict = client.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 1 } });
    await strict.connect();
    try {
      await expect(strict.send({ topic: 'no-such-topic', messages: [{ value: 'x' }] })).rejects.toThrow();
    } finally {
      await strict.disconnect();
    }

    await kafka.stop();
    expect(isAlive(pid)).toBe(false);
    expect(await canConnect(kafka.port)).toBe(false);
    expect(await kafka.isRunning()).toBe(false);
    await kafka.stop(); // idempotent

    t = Date.now();
    await kafka.start();
    console.log(`LocalKafka restart on existing state: ${Date.now() - t} ms`);
    expect(kafka.runningPid()).not.toBe(pid);

    const admin2 = client.admin();
    await admin2.connect();
    try {
      expect(await admin2.listTopics()).toContain(TOPIC);
      const meta = await admin2.fetchTopicMetadata({ topics: [TOPIC] });
      expect(meta.topics[0].partitions).toHaveLength(3);
      const offsets = await admin2.fetchTopicOffsets(TOPIC);
      expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(MESSAGES.length);
    } finally {
      await admin2.disconnect();
    }
    expect(await consumeAll('group-after-restart')).toEqual(expected);

    await kafka.stop();
    expect(await canConnect(kafka.port)).toBe(false);
  });

  it('refuses to start when the port is taken by something else', async () => {
    const [port] = await freePorts(1);
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen({ host: '127.0.0.1', port }, resolve));
    const otherDir = mkdtempSync(join(tmpdir(), 'pulse-local-kafka-'));
    try {
      const other = new LocalKafka({ port, stateDir: otherDir });
      await expect(other.start()).rejects.toThrow(/already in use/);
      expect(other.runningPid()).toBeUndefined();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
