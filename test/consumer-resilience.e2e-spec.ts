import type { ClickHouseClient } from '@clickhouse/client';
import { createKafka, ensureTopics } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import { freePorts, LocalClickHouse, waitUntil } from '@pulse/local-infra';
import { createClickHouse, migrateUp } from '@pulse/storage';
import { Consumer, PartitionAssigner, PartitionAssigners } from 'kafkajs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseGate } from './support/clickhouse-gate';
import { ConsumerProgress, RecordGenerator, request, testInfra, uniqueName } from '@pulse/testing';
import { E2EStack, ROOT } from './support/e2e-stack';
import { RecordProducer } from './support/record-producer';

jest.setTimeout(240_000);

/** The broker's shortest session; inserts give up well before it; a stall shows after 3 s. */
const SESSION_MS = 6000;
const CONSUMER_ENV = {
  KAFKA_TOPIC_PARTITIONS: '2',
  CONSUMER_MAX_WAIT_MS: '100',
  CONSUMER_SESSION_TIMEOUT_MS: String(SESSION_MS),
  CONSUMER_INSERT_TIMEOUT_MS: '2000',
  CONSUMER_STALL_TIMEOUT_MS: '3000',
};
const TX = RecordKind.Transaction;

interface Readiness {
  status: string;
  checks: Record<string, string>;
}

/**
 * The consumer app through the failures that used to leave it silently stuck: a ClickHouse that
 * stops answering for longer than the session timeout, a kill while an insert is in flight, a
 * crash kafkajs does not restart from, and a kind that stops moving. Every record ends up stored
 * exactly once, and /ready says what is wrong while it is wrong.
 */
describe('consumer keeps working and /ready tells the truth', () => {
  let stack: E2EStack;
  let clickhouse: ClickHouseClient;
  let producer: RecordProducer;
  let progress: ConsumerProgress;
  let generator: RecordGenerator;
  const cleanups: Array<() => Promise<unknown>> = [];

  /** A stack whose consumer is started by the test, against `clickhouseUrl` (the test run's engine by default). */
  async function startStack(env: NodeJS.ProcessEnv = {}, connection = testInfra().clickhouse): Promise<void> {
    stack = new E2EStack([{ id: 61 }]);
    await stack.start({ ...CONSUMER_ENV, ...env }, []);
    await ensureTopics(createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test-admin' }), stack.topics.all().map((topic) => ({ topic, partitions: 2 })));
    clickhouse = createClickHouse({ ...connection, database: stack.database });
    producer = new RecordProducer(stack.topics);
    progress = new ConsumerProgress(stack.database, stack.topics);
    generator = new RecordGenerator(61, { projects: [61] });
    await Promise.all([producer.connect(), progress.connect()]);
  }

  afterEach(async () => {
    await stack.stop();
    await Promise.all([producer.disconnect(), progress.disconnect(), clickhouse.close()]);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function send(count: number): Promise<string[]> {
    const records = Array.from({ length: count }, () => generator.transaction());
    // One record per message: the lag the checks name is in messages.
    await producer.send(TX, records, 1);
    return records.map((record) => record.eventId);
  }

  const scalar = async (query: string) => Number((await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);

  /** Every id stored exactly once, in the raw table and the rollup. */
  async function expectExactlyOnce(ids: string[]): Promise<void> {
    expect(await scalar('SELECT count() AS n FROM transactions')).toBe(ids.length);
    expect(await scalar('SELECT uniqExact(event_id) AS n FROM transactions')).toBe(ids.length);
    expect(await scalar('SELECT count() AS n FROM (SELECT event_id FROM transactions GROUP BY event_id HAVING count() > 1)')).toBe(0);
    expect(await scalar('SELECT sum(count) AS n FROM transactions_minute')).toBe(ids.length);
  }

  const ready = async (app = 'consumer') => request<Readiness>(`${stack.app(app).url}/ready`);
  async function metric(name: string, kind: RecordKind = TX, app = 'consumer'): Promise<number> {
    const text = await stack.metricsText(app);
    return Number(new RegExp(`^${name}\\{[^}]*kind="${kind}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  }

  it('rides out a ClickHouse frozen (SIGSTOP) for longer than the session timeout: same member, every event once, /ready 503 meanwhile', async () => {
    const [port] = await freePorts(1);
    const serverEntry = join(ROOT, 'dist', 'libs', 'local-infra', 'src', 'clickhouse', 'main.js');
    const server = new LocalClickHouse({ port, serverEntry, dataDir: join(mkdtempSync(join(tmpdir(), 'pulse-freeze-ch-')), 'data') });
    await server.start();
    cleanups.push(() => server.stop());
    const connection = { ...testInfra().clickhouse, url: server.endpoint };
    await startStack({ CLICKHOUSE_URL: server.endpoint }, connection);
    await migrateUp({ ...connection, database: stack.database });
    await stack.startApp('consumer', 'consumer');
    const ids = await send(1000);
    await progress.waitUntilCaughtUp([TX]);

    const pid = server.runningPid()!;
    process.kill(pid, 'SIGSTOP');
    cleanups.push(async () => resume(pid));
    ids.push(...(await send(2000)));
    // Polled until the stall has lasted well past the session timeout, so a silent member would be gone by now.
    let stalled!: Readiness;
    await waitUntil('/ready reports the stall for longer than the session timeout', async () => {
      const answer = await ready();
      stalled = answer.body;
      const seconds = Number(/transactions: no commit for (\d+) s/.exec(answer.body.checks.consumers ?? '')?.[1] ?? 0);
      return answer.status === 503 && seconds * 1000 >= SESSION_MS * 1.5;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(stalled.checks.consumers).toMatch(/^transactions: no commit for \d+ s with \d+ messages of lag \(partitions? [\d, ]+\)$/);
    expect(await metric('pulse_consumer_stalled')).toBe(1);
    expect(await progress.members(TX)).toBe(1); // still in its group, heartbeating

    process.kill(pid, 'SIGCONT');
    await progress.waitUntilCaughtUp([TX]);
    await waitUntil('/ready 200 again', async () => (await ready()).status === 200, { timeoutMs: 30_000, intervalMs: 250 });
    await expectExactlyOnce(ids);
    expect(await progress.members(TX)).toBe(1);
    expect(await metric('pulse_consumer_crashes_total')).toBe(0);
    expect(await metric('pulse_consumer_stalled')).toBe(0);
  });

  it('stores every event once when killed while an insert is in flight, even when that insert lands after the successor\'s', async () => {
    const gate = await ClickHouseGate.start(testInfra().clickhouse.url);
    cleanups.push(() => gate.stop());
    await startStack({ CLICKHOUSE_URL: gate.url, CONSUMER_MAX_BATCH_ROWS: '400' });
    const ids = await send(3000);
    let inserts = 0;
    // The second insert is held: the first is stored and committed, the second in flight.
    gate.setRule((query) => (/^INSERT INTO\W+transactions\W/.test(query) && ++inserts >= 2 ? 'hold' : 'pass'));
    const consumer = await stack.startApp('consumer', 'consumer');
    await waitUntil('an insert held in flight', async () => gate.held > 0, { intervalMs: 20 });
    await consumer.kill();
    expect(await progress.committed(TX)).toBeLessThan(ids.length);

    gate.setRule(() => 'pass');
    await stack.startApp('consumer-again', 'consumer', { CONSUMER_MAX_BATCH_ROWS: '333' });
    await progress.waitUntilCaughtUp([TX]);
    gate.release(); // the dead consumer's inserts reach ClickHouse only now
    await waitUntil('held inserts answered', async () => gate.releasedAnswered === gate.held, { intervalMs: 50 });
    await expectExactlyOnce(ids);
  });

  it('replaces a consumer kafkajs gave up on (frozen past its session, then refused by the coordinator), counts the restart and goes on', async () => {
    await startStack();
    const consumer = await stack.startApp('consumer', 'consumer');
    const ids = await send(500);
    await progress.waitUntilCaughtUp([TX]);

    // Frozen past the session timeout, the member is expelled; a member with another assignment
    // protocol takes the empty group, so every rejoin of ours gets INCONSISTENT_GROUP_PROTOCOL.
    process.kill(consumer.pid!, 'SIGSTOP');
    cleanups.push(async () => resume(consumer.pid!));
    await waitUntil('member expelled', async () => (await progress.members(TX)) === 0, { timeoutMs: 30_000, intervalMs: 200 });
    const foreign = await joinForeignMember(`${stack.database}.${TX}`);
    let foreignConnected = true;
    cleanups.push(async () => foreignConnected && foreign.disconnect());
    process.kill(consumer.pid!, 'SIGCONT');
    ids.push(...(await send(1000)));

    await waitUntil('crash restarted by Pulse', async () => (await metric('pulse_consumer_restarts_total')) >= 1, { timeoutMs: 30_000, intervalMs: 200 });
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.checks.consumers).toMatch(/transactions: (consumer is not running|no commit for)/);

    await foreign.disconnect();
    foreignConnected = false;
    await progress.waitUntilCaughtUp([TX], 90_000);
    await waitUntil('/ready 200 again', async () => (await ready()).status === 200, { timeoutMs: 30_000, intervalMs: 250 });
    expect(await metric('pulse_consumer_running')).toBe(1);
    expect(await metric('pulse_consumer_restarts_total')).toBeGreaterThanOrEqual(1);
    await expectExactlyOnce(ids);
  });

  it('answers 503 naming the kind while its inserts keep failing with lag, and 200 once it moves again', async () => {
    const gate = await ClickHouseGate.start(testInfra().clickhouse.url);
    cleanups.push(() => gate.stop());
    await startStack({ CLICKHOUSE_URL: gate.url });
    await stack.startApp('consumer', 'consumer');
    gate.setRule((query) => (/^INSERT INTO\W+transactions\W/.test(query) ? 'fail' : 'pass'));
    const ids = await send(500);
    await producer.send(RecordKind.Error, Array.from({ length: 100 }, () => generator.error()));

    let stalled!: Readiness;
    await waitUntil('/ready 503 for the stalled kind', async () => {
      const answer = await ready();
      stalled = answer.body;
      return answer.status === 503;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    // ClickHouse itself answers; only the transactions consumer is stuck, and the reason says so.
    expect(stalled.checks).toMatchObject({ kafka: 'ok', clickhouse: 'ok' });
    expect(stalled.checks.consumers).toMatch(/^transactions: no commit for \d+ s with 500 messages of lag/);
    // The gauges follow once a second (the log line with them); /ready judges on every call.
    await waitUntil('the stalled gauge of transactions', async () => (await metric('pulse_consumer_stalled')) === 1, { timeoutMs: 5_000, intervalMs: 250 });
    expect(await metric('pulse_consumer_stalled', RecordKind.Error)).toBe(0);

    gate.setRule(() => 'pass');
    await waitUntil('/ready 200 once it moves', async () => (await ready()).status === 200, { timeoutMs: 30_000, intervalMs: 250 });
    await progress.waitUntilCaughtUp([TX, RecordKind.Error]);
    await expectExactlyOnce(ids);
  });
});

/** SIGCONT for a process that may have exited meanwhile. */
function resume(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // already gone
  }
}

/** A kafkajs member of `groupId` with an assignment protocol Pulse's consumers do not speak. */
async function joinForeignMember(groupId: string): Promise<Consumer> {
  const kafka = createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test-foreign' });
  const foreignAssigner: PartitionAssigner = (config) => ({ ...PartitionAssigners.roundRobin(config), name: 'ForeignAssigner' });
  const topic = uniqueName('foreign');
  await ensureTopics(kafka, [{ topic, partitions: 1 }]);
  const consumer = kafka.consumer({ groupId, partitionAssigners: [foreignAssigner], sessionTimeout: SESSION_MS });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ eachBatch: async () => undefined });
  await waitUntil('foreign member joined', async () => joined);
  return consumer;
}
