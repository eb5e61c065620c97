import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SeededDatabase, seededDatabase } from '@pulse/analytics/testing';
import { loadAlertsConfig, parsePulseConfig, ProjectRegistry } from '@pulse/config';
import { waitUntil } from '@pulse/local-infra';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import { FreshDatabase, freshDatabase, request, testInfra, uniqueName } from '@pulse/testing';
import { alertsApp } from './alerts-app';

/**
 * The alerts app as main.ts builds it (alertsApp through the platform's HTTP app), in this process
 * against the test run's Kafka, a ClickHouse database and a PostgreSQL database of its own: ready
 * once its consumer is in its group and its scheduler has ticked (holding every rule shard, as
 * the only instance), and not ready, naming what is missing, while PostgreSQL cannot be reached.
 */
jest.setTimeout(120_000);

interface ReadyBody {
  status: string;
  checks: Record<string, string>;
}

async function startAlertsApp(env: Record<string, string>): Promise<{ app: NestFastifyApplication; url: string; metricsToken: string }> {
  const { kafkaBrokers, clickhouse } = testInfra();
  const metricsToken = `metrics-${uniqueName('t')}`;
  const config = loadAlertsConfig({
    KAFKA_BROKERS: kafkaBrokers,
    KAFKA_TOPIC_PREFIX: `${uniqueName('alerts_ready')}.`,
    ALERTS_GROUP_ID: uniqueName('alerts_ready'),
    CLICKHOUSE_URL: clickhouse.url,
    CLICKHOUSE_USER: clickhouse.user,
    CLICKHOUSE_PASSWORD: clickhouse.password,
    ALERTS_PORT: '0',
    ALERTS_TICK_MS: '200',
    ALERTS_LEASE_MS: '3000',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const logger = createLogger('alerts', config.logLevel);
  const registry = new ProjectRegistry(parsePulseConfig({ projects: [{ id: 1, name: 'shop', keys: ['0123456789abcdef0123456789abcdef'] }], tokens: [{ token: 'alerts-ready-token-of-project-1', projects: [1] }], metricsToken }));
  const metrics = new MetricsRegistry('alerts');
  const { module, beforeListen } = await alertsApp({ config, logger, registry, metrics });
  const app = await createHttpApp(module, { logger, metrics, metricsToken });
  try {
    await beforeListen?.(app);
    await listen(app, config.alertsPort, config.host, logger, 'alerts');
    return { app, url: await app.getUrl(), metricsToken };
  } catch (error) {
    await app.close();
    throw error;
  }
}

describe('the alerts app: /ready', () => {
  let clickhouseDb: SeededDatabase;
  let postgres: FreshDatabase;
  let running: NestFastifyApplication | undefined;

  beforeAll(async () => {
    clickhouseDb = await seededDatabase('alerts_ready', 3, { startMs: Date.now() - 3_600_000, minutes: 5, transactions: 10 });
    postgres = await freshDatabase('alerts_ready');
  }, 120_000);
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(async () => {
    await postgres?.drop();
    await clickhouseDb?.client.command({ query: `DROP DATABASE IF EXISTS ${clickhouseDb.database}` });
    await clickhouseDb?.client.close();
  });

  it('is ready once its consumer is in its group and its scheduler ticks, holding every rule shard', async () => {
    const started = await startAlertsApp({ CLICKHOUSE_DATABASE: clickhouseDb.database, DATABASE_URL: postgres.url });
    running = started.app;
    let body: ReadyBody | undefined;
    await waitUntil('/ready 200', async () => {
      const ready = await request<ReadyBody>(`${started.url}/ready`);
      body = ready.body;
      return ready.status === 200;
    }, { timeoutMs: 60_000, intervalMs: 200 });
    expect(Object.keys(body?.checks ?? {}).sort()).toEqual(['clickhouse', 'issue-alerts', 'kafka', 'outbox', 'postgres', 'scheduler']);
    expect(body?.checks.outbox).toBe('ok');
    const text = await (await fetch(`${started.url}/metrics`, { headers: { authorization: `Bearer ${started.metricsToken}` } })).text();
    expect(text.split('\n').filter((line) => line.startsWith('pulse_alerts_owned_shards'))).toEqual(['pulse_alerts_owned_shards{app="alerts"} 64']);
  });

  it('is not ready, naming PostgreSQL and the scheduler, while PostgreSQL cannot be reached; /health answers', async () => {
    // Port 1 of the loopback: nothing listens there, every connect is refused.
    const started = await startAlertsApp({ CLICKHOUSE_DATABASE: clickhouseDb.database, DATABASE_URL: 'postgres://pulse:pulse@127.0.0.1:1/pulse' });
    running = started.app;
    let ready = await request<ReadyBody>(`${started.url}/ready`);
    // Whichever the first tick has or has not done by now, the scheduler is never "ok" without its leases.
    await waitUntil('a tick that tried to renew its leases', async () => {
      ready = await request<ReadyBody>(`${started.url}/ready`);
      return /cannot renew its shard leases/.test(ready.body.checks.scheduler);
    }, { timeoutMs: 30_000, intervalMs: 100 });
    expect(ready.status).toBe(503);
    expect(ready.body.checks.postgres).not.toBe('ok');
    expect((await request(`${started.url}/health`)).status).toBe(200);
  });
});
