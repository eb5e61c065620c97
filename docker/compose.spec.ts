import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  allProblems,
  ComposeModel,
  dependencyProblems,
  environmentProblems,
  inspectCompose,
  migrateOrderProblems,
  parseProject,
  portProblems,
  targetProblems,
} from './compose-checks';

/**
 * docker/compose.yaml has never been run (no Docker engine here). It is loaded by compose-go, the
 * loader of `docker compose config` (compose-check/, built once with the Go toolchain), and the
 * resolved project is checked against the Dockerfile and Pulse's config loaders (compose-checks.ts).
 * Broken copies show that each check can fail.
 */
const root = resolve(__dirname, '..');
const composeCheck = join(root, '.local', 'tools', 'bin', 'compose-check');
const run = promisify(execFile);
/** The first build downloads compose-go from the Go module proxy and compiles it: minutes on a busy machine. */
const BUILD_TIMEOUT_MS = 600_000;

interface Loaded {
  ok: boolean;
  stdout: string;
  stderr: string;
}

async function loadCompose(file: string): Promise<Loaded> {
  // The environment of a machine without the operator's variables: the file's defaults apply.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  try {
    const { stdout, stderr } = await run(composeCheck, [file], { env, maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

async function modelOf(file: string): Promise<ComposeModel> {
  const loaded = await loadCompose(file);
  if (!loaded.ok) throw new Error(`compose-check refused ${file}: ${loaded.stderr}`);
  return inspectCompose(parseProject(loaded.stdout), (path) => readFileSync(path, 'utf8'));
}

describe('docker/compose.yaml, loaded by compose-go', () => {
  const original = readFileSync(join(root, 'docker', 'compose.yaml'), 'utf8');
  let model: ComposeModel;
  let scratch: string;

  /** A copy of the compose file with `edit` applied, beside a copy of the Dockerfile (the build context is `..`). */
  const brokenCopy = (name: string, edit: (text: string) => string): string => {
    const edited = edit(original);
    if (edited === original) throw new Error(`the edit "${name}" changed nothing: the test no longer breaks the file`);
    const dir = join(scratch, name, 'docker');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(root, 'docker', 'Dockerfile'), join(dir, 'Dockerfile'));
    writeFileSync(join(dir, 'compose.yaml'), edited);
    return join(dir, 'compose.yaml');
  };
  /** Replaces the text in one service's block (from `  <service>:` to the next service). */
  const inService = (service: string, from: string, to: string) => (text: string) => {
    const start = text.indexOf(`\n  ${service}:\n`);
    const end = text.indexOf('\n\n', start);
    return text.slice(0, start) + text.slice(start, end).replace(from, to) + text.slice(end);
  };

  beforeAll(async () => {
    mkdirSync(join(root, '.local', 'tools', 'bin'), { recursive: true });
    await run('go', ['build', '-buildvcs=false', '-o', composeCheck, '.'], { cwd: join(root, 'docker', 'compose-check'), timeout: BUILD_TIMEOUT_MS });
    scratch = mkdtempSync(join(tmpdir(), 'pulse-compose-'));
    model = await modelOf(join(root, 'docker', 'compose.yaml'));
  }, BUILD_TIMEOUT_MS + 60_000);
  afterAll(() => {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it('loads: schema, interpolation, normalization and consistency checks pass', () => {
    expect(model.project.name).toBe('pulse');
    expect(Object.keys(model.project.services).sort()).toEqual(['alerts', 'clickhouse', 'consumer', 'grafana', 'ingest', 'kafka', 'migrate', 'postgres', 'query']);
    // Interpolated with the file's defaults.
    expect(model.project.services.query.environment?.DATABASE_URL).toBe('postgres://pulse:change-me@postgres:5432/pulse');
  });

  it('builds every Pulse service from a stage of the Dockerfile that runs a Pulse program', () => {
    expect(targetProblems(model)).toEqual([]);
    expect(Object.fromEntries(model.pulse.map(({ name, stage, entryPoint }) => [name, `${stage.name} ${entryPoint}`]))).toEqual({
      migrate: 'consumer dist/scripts/migrate.js',
      consumer: 'consumer dist/apps/consumer/src/main.js',
      ingest: 'ingest dist/apps/ingest/src/main.js',
      query: 'query dist/apps/query/src/main.js',
      alerts: 'alerts dist/apps/alerts/src/main.js',
    });
  });

  it("sets, per service, only variables its config loader reads, and every one it needs", () => {
    expect(environmentProblems(model)).toEqual([]);
    const reads = (name: string, variable: string) => model.pulse.find((service) => service.name === name)?.variablesRead.has(variable);
    for (const name of ['consumer', 'query', 'alerts', 'migrate']) expect([name, reads(name, 'DATABASE_URL')]).toEqual([name, true]);
    expect(reads('ingest', 'DATABASE_URL')).toBe(false);
  });

  it('publishes the port each app listens on', () => {
    expect(portProblems(model)).toEqual([]);
  });

  it('waits only on services with a healthcheck or that run once, and on every service an app reaches', () => {
    expect(dependencyProblems(model)).toEqual([]);
  });

  it('runs the migrations before the apps that read ClickHouse or PostgreSQL', () => {
    expect(migrateOrderProblems(model)).toEqual([]);
    const migrate = model.project.services.migrate;
    expect(migrate.command).toEqual(['node', 'dist/scripts/migrate.js', 'up']);
    expect(Object.keys(migrate.depends_on ?? {}).sort()).toEqual(['clickhouse', 'postgres']);
  });

  describe('broken copies fail', () => {
    it('a typo in a key: compose-go refuses the file', async () => {
      const loaded = await loadCompose(brokenCopy('typo', inService('kafka', 'healthcheck:', 'healtcheck:')));
      expect(loaded.ok).toBe(false);
      expect(loaded.stderr).toMatch(/healtcheck/);
    });

    it('a depends_on naming no service: compose-go refuses the file', async () => {
      const loaded = await loadCompose(brokenCopy('dangling', inService('query', 'migrate: { condition', 'migrations: { condition')));
      expect(loaded.ok).toBe(false);
      expect(loaded.stderr).toMatch(/migrations/);
    });

    it('an unknown build target', async () => {
      const broken = await modelOf(brokenCopy('target', inService('query', 'target: query', 'target: qurey')));
      expect(targetProblems(broken)).toEqual(['query: the Dockerfile has no stage "qurey"']);
    });

    it('a variable the app does not read, and one it needs left out', async () => {
      const broken = await modelOf(
        brokenCopy('env', (text) => inService('query', '*clickhouse-env, *postgres-env', '*clickhouse-env, *kafka-env')(inService('ingest', '*kafka-env', '*kafka-env, *postgres-env')(text))),
      );
      expect(environmentProblems(broken)).toEqual([
        'ingest: sets DATABASE_URL, which its config loader does not read',
        'query: sets KAFKA_BROKERS, which its config loader does not read',
        'query: sets KAFKA_TOPIC_PARTITIONS, which its config loader does not read',
        'query: databaseUrl falls back to a loopback address (the variable that sets it is unset)',
      ]);
    });

    it('a published port where the app does not listen', async () => {
      const broken = await modelOf(brokenCopy('port', inService('alerts', '"3004:3003"', '"3004:3004"')));
      expect(portProblems(broken)).toEqual(['alerts: publishes container port 3004, where nothing listens (the app listens on 3003)', "alerts: the app's port 3003 is not published"]);
    });

    it('waiting for a service without a healthcheck to be healthy, and an app started before the migrations', async () => {
      const alertsOnly = await modelOf(brokenCopy('order-alerts', inService('alerts', 'migrate: { condition: service_completed_successfully }', 'postgres: { condition: service_healthy }')));
      expect(migrateOrderProblems(alertsOnly)).toEqual(['alerts: reads ClickHouse or PostgreSQL but does not wait for migrate to complete (service_completed_successfully)']);
      expect(dependencyProblems(alertsOnly)).toEqual(['alerts: reaches clickhouse without waiting for it to be healthy (depends_on)']);
      const noHealthcheck = await modelOf(brokenCopy('healthcheck', inService('grafana', 'query: { condition: service_healthy }', 'migrate: { condition: service_healthy }')));
      expect(dependencyProblems(noHealthcheck)).toEqual(['grafana: waits for migrate to be healthy, but migrate has no healthcheck']);
    });

    it('the good file has no problem at all', () => {
      expect(allProblems(model)).toEqual([]);
    });
  });
});
