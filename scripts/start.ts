// `npm start`: local Kafka, ClickHouse and PostgreSQL (unless KAFKA_BROKERS / CLICKHOUSE_URL /
// DATABASE_URL are set), migrations of both stores, the four apps in the foreground; Ctrl-C stops
// everything it started.
import { loadAlertsConfig, loadConsumerConfig, loadIngestConfig, loadQueryConfig, publicKeyOf, PulseConfigDto } from '@pulse/config';
import { bringUpInfra, PulseStack, tearDownInfra } from '@pulse/local-infra';
import { join, resolve } from 'node:path';
import { ensureDevConfig } from './dev-config';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse: ${line}`);

async function main(): Promise<void> {
  const startedAt = performance.now();
  // The apps' configurations, checked before anything starts: each app would refuse its own.
  const env = { ...loadConsumerConfig(process.env), ...loadIngestConfig(process.env), ...loadQueryConfig(process.env), ...loadAlertsConfig(process.env) };
  const infra = await bringUpInfra({
    stateDir: join(root, '.local', 'dev'),
    kafkaPort: 9092,
    clickhousePort: 8123,
    postgresPort: 5432,
    externalKafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    externalClickHouseUrl: process.env.CLICKHOUSE_URL || undefined,
    externalDatabaseUrl: process.env.DATABASE_URL || undefined,
    log,
  });
  let stack: PulseStack | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      log('stopping…');
      await stack?.stop();
      await tearDownInfra(infra.started);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const configPath = env.pulseConfigPath ?? join(root, '.local', 'dev', 'pulse-config.json');
    const config = env.pulseConfigPath ? undefined : ensureDevConfig(configPath);
    // The configured database, topics and consumer groups, on the configured ports.
    stack = new PulseStack({
      root,
      kafkaBrokers: infra.kafkaBrokers,
      clickhouse: { ...env.clickhouse, url: infra.clickhouseUrl },
      databaseUrl: infra.databaseUrl,
      pulseConfig: { path: configPath },
      ports: { ingest: env.ingestPort, consumer: env.consumerPort, query: env.queryPort, alerts: env.alertsPort },
      onLine: (_app, line) => console.log(line),
      onMigrated: (applied) => log(applied.length > 0 ? `applied ClickHouse migrations ${applied.join(', ')}` : 'ClickHouse migrations up to date'),
      onPostgresMigrated: (applied) => log(applied.length > 0 ? `applied PostgreSQL migrations ${applied.join(', ')}` : 'PostgreSQL migrations up to date'),
      onUnexpectedExit: (app, exit) => {
        log(`${app} exited unexpectedly (${exit.signal ?? `code ${exit.code}`}); stopping the stack`);
        void stop(1);
      },
    });
    await stack.start();
    log(`stack ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    if (config) printQuickStart(config, env.ingestPort, env.queryPort);
    else log(`projects and tokens come from ${configPath}`);
  } catch (error) {
    console.error(`pulse: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
}

function printQuickStart(config: PulseConfigDto, ingestPort: number, queryPort: number): void {
  const project = config.projects[0];
  const key = publicKeyOf(project.keys[0]);
  const token = config.tokens[0].token;
  const now = Date.now() / 1000;
  const event = JSON.stringify({
    type: 'transaction',
    transaction: 'GET /checkout',
    start_timestamp: now - 0.25,
    timestamp: now,
    release: 'shop@1.0.0',
    environment: 'production',
    contexts: { trace: { trace_id: '0123456789abcdef0123456789abcdef', span_id: '0123456789abcdef', op: 'http.server', status: 'ok' } },
  });
  const error = JSON.stringify({
    release: 'shop@1.0.0',
    environment: 'production',
    exception: { values: [{ type: 'ValueError', value: 'invalid order 42', stacktrace: { frames: [{ module: 'shop.orders', function: 'parse_order', lineno: 12, in_app: true }] } }] },
    platform: 'python',
  });
  console.log(`
  DSN    http://${key}@127.0.0.1:${ingestPort}/${project.id}
  token  ${token}${config.metricsToken ? `\n  /metrics of every app: -H 'Authorization: Bearer ${config.metricsToken}'` : ''}

  Send a transaction:
    curl -s -X POST 'http://127.0.0.1:${ingestPort}/api/${project.id}/store/?sentry_key=${key}' \\
      -H 'Content-Type: application/json' \\
      -d '${event}'

  Read its p95 (the last hour):
    curl -s -H 'Authorization: Bearer ${token}' \\
      "http://127.0.0.1:${queryPort}/api/v1/projects/${project.id}/transactions/latency?from=$(( $(date +%s) - 3600 ))000&to=$(( $(date +%s) + 60 ))000&percentiles=95"

  Or from an OpenTelemetry SDK (any language; these standard variables are all it needs, docs/otlp.md):
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:${ingestPort}/api/${project.id}/integration/otlp/v1/traces
    OTEL_EXPORTER_OTLP_TRACES_HEADERS=x-sentry-auth=sentry%20sentry_key%3D${key}

  Send an error, then list the issues (errors grouped as Sentry groups them):
    curl -s -X POST 'http://127.0.0.1:${ingestPort}/api/${project.id}/store/?sentry_key=${key}' \\
      -H 'Content-Type: application/json' -d '${error}'
    curl -s -H 'Authorization: Bearer ${token}' 'http://127.0.0.1:${queryPort}/api/v1/projects/${project.id}/issues'

  Be told about new issues (point "url" at a webhook of yours; docs/alerts.md has Slack and Jira):
    curl -s -X POST -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' \\
      'http://127.0.0.1:${queryPort}/api/v1/projects/${project.id}/alert-rules' \\
      -d '{"name":"new errors","kind":"issue","trigger":{"type":"new_issue"},"actions":[{"type":"webhook","url":"http://127.0.0.1:9999/hook"}]}'

  Ctrl-C stops everything this command started.
`);
}

void main();
