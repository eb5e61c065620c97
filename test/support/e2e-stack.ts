import { TopicNames } from '@pulse/kafka';
import { AppName, AppProcess } from '@pulse/local-infra';
import { migrateUp } from '@pulse/storage';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePorts, testInfra, uniqueName } from '@pulse/testing';

export const ROOT = resolve(__dirname, '..', '..');

export interface TestProject {
  id: number;
  key: string;
  token: string;
  rateLimits?: Record<string, { perSecond: number; burst?: number }>;
}

/**
 * The three built apps as child processes against the real Kafka and ClickHouse of the test run,
 * with their own database, topic prefix and consumer group, and a PULSE_CONFIG of two projects.
 */
export class E2EStack {
  readonly projects: TestProject[];
  readonly database = uniqueName('pulse_e2e');
  /** The PULSE_CONFIG `metricsToken`: GET /metrics of every app needs it. */
  readonly metricsToken = `metrics_${randomBytes(16).toString('hex')}`;
  private readonly apps = new Map<string, AppProcess>();
  private baseEnv: NodeJS.ProcessEnv = {};

  /** Projects by id (keys and tokens are random); default: projects 7 and 8. */
  constructor(projects: Array<{ id: number; rateLimits?: TestProject['rateLimits'] }> = [{ id: 7 }, { id: 8 }]) {
    this.projects = projects.map(({ id, rateLimits }) => ({ id, rateLimits, key: randomBytes(16).toString('hex'), token: `tok_${randomBytes(16).toString('hex')}` }));
  }

  project(id: number): TestProject {
    const project = this.projects.find((p) => p.id === id);
    if (!project) throw new Error(`no project ${id}`);
    return project;
  }

  dsn(id: number): string {
    return `http://${this.project(id).key}@127.0.0.1:${new URL(this.app('ingest').url).port}/${id}`;
  }

  /** Topic prefix of this stack's records (`<database>.`). */
  get topicPrefix(): string {
    return `${this.database}.`;
  }

  get topics(): TopicNames {
    return new TopicNames(this.topicPrefix);
  }

  async start(extraEnv: NodeJS.ProcessEnv = {}, apps: AppName[] = ['consumer', 'ingest', 'query']): Promise<void> {
    for (const app of ['ingest', 'consumer', 'query']) {
      if (!existsSync(join(ROOT, 'dist', 'apps', app, 'src', 'main.js'))) throw new Error('dist/ is missing: run `npm test` (it builds first)');
    }
    const { kafkaBrokers, clickhouse } = testInfra();
    await migrateUp({ ...clickhouse, database: this.database });
    const configPath = join(mkdtempSync(join(tmpdir(), 'pulse-e2e-')), 'pulse-config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        projects: this.projects.map((p) => ({ id: p.id, name: `project-${p.id}`, keys: [p.rateLimits ? { key: p.key, rateLimits: p.rateLimits } : p.key] })),
        tokens: this.projects.map((p) => ({ token: p.token, projects: [p.id] })),
        metricsToken: this.metricsToken,
      }),
    );
    this.baseEnv = {
      ...process.env,
      KAFKA_BROKERS: kafkaBrokers,
      CLICKHOUSE_URL: clickhouse.url,
      CLICKHOUSE_USER: clickhouse.user,
      CLICKHOUSE_PASSWORD: clickhouse.password,
      CLICKHOUSE_DATABASE: this.database,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      KAFKA_TOPIC_PARTITIONS: '3',
      CONSUMER_GROUP_ID: this.database,
      PULSE_CONFIG: configPath,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    await Promise.all(apps.map((app) => this.startApp(app, app)));
  }

  /** Starts an app (or a second instance under another name) with extra environment. */
  async startApp(name: string, app: AppName, env: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
    const [port] = await freePorts(1);
    const portVariable = { ingest: 'INGEST_PORT', consumer: 'CONSUMER_PORT', query: 'QUERY_PORT' }[app];
    const child = new AppProcess({
      app,
      root: ROOT,
      port,
      env: { ...this.baseEnv, ...env, [portVariable]: String(port) },
      // The apps log warnings and errors only (LOG_LEVEL=warn); PULSE_TEST_APP_LOGS=1 shows them.
      onLine: (_app, line) => {
        if (process.env.PULSE_TEST_APP_LOGS === '1') console.log(`[${name}] ${line}`);
      },
    });
    this.apps.set(name, child);
    await child.start();
    return child;
  }

  /** GET /metrics of an app (by its name here), with the metrics token. */
  async metricsText(name: string): Promise<string> {
    const response = await fetch(`${this.app(name).url}/metrics`, { headers: { authorization: `Bearer ${this.metricsToken}` } });
    if (!response.ok) throw new Error(`GET /metrics of ${name} answered ${response.status}`);
    return response.text();
  }

  app(name: string): AppProcess {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no app ${name}`);
    return app;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.stop()));
  }
}
