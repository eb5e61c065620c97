import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SeededDatabase, seededDatabase } from '@pulse/analytics/testing';
import { loadConsumerConfig, parsePulseConfig, ProjectRegistry } from '@pulse/config';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import { request, testInfra, uniqueName } from '@pulse/testing';
import { consumerApp } from './consumer-app';

/**
 * The consumer app as main.ts builds it (consumerApp through the platform's HTTP app), in this
 * process against the test run's Kafka and a ClickHouse database of its own, with its PostgreSQL
 * (the issue processor's) out of reach: /ready is 503 naming `postgres` while /health answers, so
 * an orchestrator takes the consumer out of service rather than letting errors batches retry unseen.
 */
jest.setTimeout(120_000);

interface ReadyBody {
  status: string;
  checks: Record<string, string>;
}

describe('the consumer app: /ready with PostgreSQL unreachable', () => {
  let clickhouseDb: SeededDatabase;
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    clickhouseDb = await seededDatabase('consumer_ready', 4, { startMs: Date.now() - 3_600_000, minutes: 5, transactions: 10 });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await clickhouseDb?.client.command({ query: `DROP DATABASE IF EXISTS ${clickhouseDb.database}` });
    await clickhouseDb?.client.close();
  });

  it('answers 503 naming postgres, and /health 200', async () => {
    const { kafkaBrokers, clickhouse } = testInfra();
    const config = loadConsumerConfig({
      KAFKA_BROKERS: kafkaBrokers,
      KAFKA_TOPIC_PREFIX: `${uniqueName('consumer_ready')}.`,
      CONSUMER_GROUP_ID: uniqueName('consumer_ready'),
      CLICKHOUSE_URL: clickhouse.url,
      CLICKHOUSE_USER: clickhouse.user,
      CLICKHOUSE_PASSWORD: clickhouse.password,
      CLICKHOUSE_DATABASE: clickhouseDb.database,
      // Port 1 of the loopback: nothing listens there, every connect is refused.
      DATABASE_URL: 'postgres://pulse:pulse@127.0.0.1:1/pulse',
      CONSUMER_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger('consumer', config.logLevel);
    const registry = new ProjectRegistry(parsePulseConfig({ projects: [{ id: 1, name: 'shop', keys: ['0123456789abcdef0123456789abcdef'] }], tokens: [{ token: 'consumer-ready-token-of-project-1', projects: [1] }] }));
    const metrics = new MetricsRegistry('consumer');
    const { module, beforeListen } = await consumerApp({ config, logger, registry, metrics });
    app = await createHttpApp(module, { logger, metrics });
    await beforeListen?.(app);
    await listen(app, config.consumerPort, config.host, logger, 'consumer');
    const url = await app.getUrl();

    const ready = await request<ReadyBody>(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.postgres).not.toBe('ok');
    expect(ready.body.checks.postgres).toMatch(/ECONNREFUSED|connect/);
    expect(ready.body.checks.clickhouse).toBe('ok');
    expect((await request(`${url}/health`)).status).toBe(200);
  });
});
