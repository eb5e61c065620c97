import { TopicNames } from '@pulse/kafka';
import { AppName, AppProcess, PulseStack } from '@pulse/local-infra';
import { FreshDatabase, freshDatabase, testInfra, uniqueName } from '@pulse/testing';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');

export interface TestProject {
  id: number;
  key: string;
  token: string;
  rateLimits?: Record<string, { perSecond: number; burst?: number }>;
}

/**
 * The three built apps as child processes (a PulseStack) against the real Kafka, ClickHouse and
 * PostgreSQL of the test run, with their own databases, topic prefix and consumer group, and a PULSE_CONFIG of
 * two projects with random keys and tokens.
 */
export class E2EStack {
  readonly projects: TestProject[];
  readonly database = uniqueName('pulse_e2e');
  /** The PULSE_CONFIG `metricsToken`: GET /metrics of every app needs it. */
  readonly metricsToken = `metrics_${randomBytes(16).toString('hex')}`;
  private stack: PulseStack | undefined;
  /** This stack's own PostgreSQL database (issues), migrated by the PulseStack before the apps start. */
  private postgres: FreshDatabase | undefined;

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
    this.postgres = await freshDatabase('e2e', { migrate: false });
    this.stack = new PulseStack({
      root: ROOT,
      apps,
      kafkaBrokers,
      databaseUrl: this.postgres.url,
      clickhouse: { ...clickhouse, database: this.database },
      pulseConfig: {
        contents: {
          projects: this.projects.map((p) => ({ id: p.id, name: `project-${p.id}`, keys: [p.rateLimits ? { key: p.key, rateLimits: p.rateLimits } : p.key] })),
          tokens: this.projects.map((p) => ({ token: p.token, projects: [p.id] })),
          metricsToken: this.metricsToken,
        },
      },
      namespace: this.database,
      partitions: 3,
      logLevel: 'warn',
      env: extraEnv,
      // The apps log warnings and errors only (LOG_LEVEL=warn); PULSE_TEST_APP_LOGS=1 shows them.
      onLine: (name, line) => {
        if (process.env.PULSE_TEST_APP_LOGS === '1') console.log(`[${name}] ${line}`);
      },
    });
    await this.stack.start();
  }

  /** Starts an app (or a second instance under another name) with extra environment. */
  startApp(name: string, app: AppName, env: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
    return this.started().startApp(name, app, env);
  }

  /** GET /metrics of an app (by its name here), with the metrics token. */
  async metricsText(name: string): Promise<string> {
    const response = await fetch(`${this.app(name).url}/metrics`, { headers: { authorization: `Bearer ${this.metricsToken}` } });
    if (!response.ok) throw new Error(`GET /metrics of ${name} answered ${response.status}`);
    return response.text();
  }

  app(name: string): AppProcess {
    return this.started().app(name);
  }

  async stop(): Promise<void> {
    await this.stack?.stop();
    await this.postgres?.drop();
  }

  /** A client pool on this stack's PostgreSQL database. */
  get postgresPool(): FreshDatabase['pool'] {
    if (!this.postgres) throw new Error('the stack has not been started');
    return this.postgres.pool;
  }

  private started(): PulseStack {
    if (!this.stack) throw new Error('the stack has not been started');
    return this.stack;
  }
}
