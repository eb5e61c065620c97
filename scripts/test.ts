// `npm test` (after lint and build): brings up a throw-away Kafka, ClickHouse and PostgreSQL on
// their own ports under .local/test (or uses KAFKA_BROKERS / CLICKHOUSE_URL / DATABASE_URL), runs
// the unit, integration and end-to-end jest projects against them, and tears down what it started.
// PULSE_TEST_INFRA=containers uses Docker containers (testcontainers) instead of local processes.
// It also installs the test tools beyond node_modules into .local/tools (the pinned Python venv:
// OpenTelemetry SDK, kubernetes-validate; helm v4.3.2 by go install; the OpenTelemetry Collector of
// docker/otel-collector by go build) in parallel with the infrastructure, so no test waits for
// them; once installed this costs nothing.
import { bringUpInfra, ensureChromium, ensureHelm, ensureOtelCollector, ensurePythonTools, tearDownInfra } from '@pulse/local-infra';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const log = (line: string): void => console.log(`pulse test: ${line}`);

async function main(): Promise<number> {
  ensureChromium(log);
  const stateDir = join(root, '.local', 'test');
  // Tests start from empty brokers and databases every run.
  rmSync(stateDir, { recursive: true, force: true });
  const startedAt = performance.now();
  const tools = Promise.all([ensurePythonTools(log), ensureHelm(log), ensureOtelCollector(log)]);
  // Awaited after the infrastructure is up; until then a failure must not count as unhandled.
  tools.catch(() => undefined);
  const infra = await bringUpInfra({
    stateDir,
    kafkaPort: 19092,
    clickhousePort: 18123,
    postgresPort: 15432,
    externalKafkaBrokers: process.env.KAFKA_BROKERS || undefined,
    externalClickHouseUrl: process.env.CLICKHOUSE_URL || undefined,
    externalDatabaseUrl: process.env.DATABASE_URL || undefined,
    containers: process.env.PULSE_TEST_INFRA === 'containers',
    log,
  });
  log(`infrastructure ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  try {
    await tools;
    const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--ci', ...process.argv.slice(2)], {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...process.env,
        KAFKA_BROKERS: infra.kafkaBrokers,
        CLICKHOUSE_URL: infra.clickhouseUrl,
        DATABASE_URL: infra.databaseUrl,
        ...(infra.clickhouseCredentials && { CLICKHOUSE_USER: infra.clickhouseCredentials.user, CLICKHOUSE_PASSWORD: infra.clickhouseCredentials.password }),
      },
    });
    const [code] = await once(jest, 'exit');
    return typeof code === 'number' ? code : 1;
  } finally {
    await tearDownInfra(infra.started);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`pulse test: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
