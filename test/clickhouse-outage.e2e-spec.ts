import type { ClickHouseClient } from '@clickhouse/client';
import { createKafka, ensureTopics } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import { freePorts, LocalClickHouse, waitUntil } from '@pulse/local-infra';
import { createClickHouse, migrateUp } from '@pulse/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsumerProgress, RecordGenerator, testInfra } from '@pulse/testing';
import { E2EStack, ROOT } from './support/e2e-stack';
import { RecordProducer } from './support/record-producer';

jest.setTimeout(240_000);

/**
 * The consumer in front of a ClickHouse server of its own that the test stops while records keep
 * arriving: the consumer pauses and retries, and once the server is back every record is stored
 * exactly once, in the raw table and in the rollup.
 */
describe('consumer while ClickHouse is down', () => {
  const stack = new E2EStack([{ id: 51 }]);
  let server: LocalClickHouse;
  let clickhouse: ClickHouseClient;
  let producer: RecordProducer;
  let progress: ConsumerProgress;

  beforeAll(async () => {
    const [port] = await freePorts(1);
    // The server entry is compiled JavaScript: this test runs from TypeScript sources.
    const serverEntry = join(ROOT, 'dist', 'libs', 'local-infra', 'src', 'clickhouse', 'main.js');
    server = new LocalClickHouse({ port, serverEntry, dataDir: join(mkdtempSync(join(tmpdir(), 'pulse-outage-ch-')), 'data') });
    await server.start();
    const connection = { ...testInfra().clickhouse, url: server.endpoint, database: stack.database };
    await migrateUp(connection);
    await stack.start({ CLICKHOUSE_URL: server.endpoint, KAFKA_TOPIC_PARTITIONS: '2', CONSUMER_MAX_WAIT_MS: '100' }, []);
    await ensureTopics(createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test-admin' }), stack.topics.all().map((topic) => ({ topic, partitions: 2 })));
    clickhouse = createClickHouse(connection);
    producer = new RecordProducer(stack.topics);
    progress = new ConsumerProgress(stack.database, stack.topics);
    await Promise.all([producer.connect(), progress.connect()]);
  });

  afterAll(async () => {
    await stack.stop();
    await Promise.all([producer?.disconnect(), progress?.disconnect(), clickhouse?.close()]);
    await server?.stop();
  });

  const count = async (query: string) => Number((await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
  const metric = async (pattern: RegExp) => Number(pattern.exec(await stack.metricsText('consumer'))?.[1] ?? 0);

  it('pauses and retries while the server is gone, then stores everything exactly once', async () => {
    await stack.startApp('consumer', 'consumer');
    const generator = new RecordGenerator(7, { projects: [51] });
    let sent = 0;
    let producing = true;
    const load = (async () => {
      while (producing) {
        await producer.send(RecordKind.Transaction, Array.from({ length: 200 }, () => generator.transaction()));
        sent += 200;
      }
    })();
    try {
      await waitUntil('first rows stored', async () => (await count('SELECT count() AS n FROM transactions AS n')) > 0, { intervalMs: 20 });
      await server.stop();
      const topic = stack.topics.records[RecordKind.Transaction].replace(/\./g, '\\.');
      await waitUntil('consumer paused and retrying', async () => (await metric(new RegExp(`pulse_consumer_paused\\{[^}]*topic="${topic}"[^}]*\\} (\\d+)`))) === 1 && (await metric(/pulse_consumer_batch_retries_total\{[^}]*\} (\d+)/)) >= 3, { timeoutMs: 60_000, intervalMs: 100 });
      await server.start();
    } finally {
      producing = false;
      await load;
    }
    await progress.waitUntilCaughtUp([RecordKind.Transaction]);
    expect(sent).toBeGreaterThan(0);
    expect(await count('SELECT count() AS n FROM transactions')).toBe(sent);
    expect(await count('SELECT uniqExact(event_id) AS n FROM transactions')).toBe(sent);
    expect(await count('SELECT sum(count) AS n FROM transactions_minute')).toBe(sent);
    const topic = stack.topics.records[RecordKind.Transaction].replace(/\./g, '\\.');
    expect(await metric(new RegExp(`pulse_consumer_paused\\{[^}]*topic="${topic}"[^}]*\\} (\\d+)`))).toBe(0);
  });
});
