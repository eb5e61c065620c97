import { consumerGroupOf, createKafka, ensureTopics, TopicNames } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import { createPostgresPool, migratePostgres } from '@pulse/state';
import { MigrateConnection, migrateUp } from '@pulse/storage';
import { freePorts } from '../ports';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_APPS, AppExit, AppName, AppProcess } from '../app-process';
import { waitUntil } from '../wait-until';

/**
 * The built apps against a Kafka, a ClickHouse and a PostgreSQL that are already there: migrations, a
 * PULSE_CONFIG, the apps as child processes on their ports, each awaited until its /ready answers,
 * and stop() for all of them. `npm start`, the e2e tests, the benchmarks and the chaos runs differ
 * only in the options: where the infrastructure is (bringUpInfra, the test run's, a cluster of
 * their own), which apps, which ports, a namespace of their own or the configured topics, extra
 * environment. Infrastructure is the caller's: it started it, it stops it.
 */
export interface PulseStackOptions {
  /** Repository root: the apps run from its `dist/apps/<app>/src/main.js`. */
  root: string;
  /** Started by start(), in parallel. Default: all of them (ALL_APPS). */
  apps?: readonly AppName[];
  /** Brokers (comma-separated) of the apps that talk to Kafka; a query-only stack has none. */
  kafkaBrokers?: string;
  /** The server and the database the stack migrates and the apps use. */
  clickhouse: MigrateConnection;
  /**
   * DATABASE_URL of the PostgreSQL database the stack migrates and the apps use; left out, the
   * apps read this process's DATABASE_URL (or their default) and nothing is migrated there.
   */
  databaseUrl?: string;
  /** False for a database that is already there as the caller wants it (a filled bench database behind a recording proxy). Default: migrate. */
  migrate?: boolean;
  /** The apps' PULSE_CONFIG: a file the caller keeps, or contents the stack writes (owner-only) into `stateDir`. */
  pulseConfig: { path: string } | { contents: object };
  /** Where the stack writes its files; a fresh temporary folder when left out. */
  stateDir?: string;
  /**
   * Topic prefix (`<namespace>.`) and consumer group prefix of a stack that must not meet other
   * runs on the same Kafka; left out, the apps use the configured ones (npm start).
   */
  namespace?: string;
  /** Partitions of the topics (KAFKA_TOPIC_PARTITIONS); configured default when left out. */
  partitions?: number;
  /**
   * Creates the topics before the apps start and waits for the group coordinator: on a fresh
   * broker the first group lookup creates __consumer_offsets and the coordinator is "not
   * available" for a moment, which a benchmark should not count as the consumer's start-up.
   */
  createTopics?: boolean;
  /** Fixed ports; free ones for the apps left out. */
  ports?: Partial<Record<AppName, number>>;
  /** LOG_LEVEL of the apps; configured default when left out. */
  logLevel?: string;
  /** Further environment of every app (tuning variables, fault settings). */
  env?: NodeJS.ProcessEnv;
  /** Receives each output line of an app, by the name it was started under. */
  onLine?: (name: string, line: string) => void;
  /** The ClickHouse migrations start() applied (none when the database was up to date). */
  onMigrated?: (applied: number[]) => void;
  /** The PostgreSQL migrations start() applied (`0001_issues`…; none when up to date). */
  onPostgresMigrated?: (applied: string[]) => void;
  /** The stack's own lines (topic warnings). */
  log?: (line: string) => void;
  /** An app exited after it was ready, while the stack was not stopping. */
  onUnexpectedExit?: (name: string, exit: AppExit) => void;
}

const PORT_VARIABLE: Record<AppName, string> = { ingest: 'INGEST_PORT', consumer: 'CONSUMER_PORT', query: 'QUERY_PORT', alerts: 'ALERTS_PORT' };

export class PulseStack {
  readonly configPath: string;
  private readonly apps = new Map<string, AppProcess>();
  private stopping = false;

  constructor(private readonly options: PulseStackOptions) {
    if ('path' in options.pulseConfig) {
      this.configPath = options.pulseConfig.path;
    } else {
      this.configPath = join(options.stateDir ?? mkdtempSync(join(tmpdir(), 'pulse-stack-')), 'pulse-config.json');
      writeFileSync(this.configPath, JSON.stringify(options.pulseConfig.contents), { mode: 0o600 });
    }
  }

  /** The topics of the stack's namespace. */
  get topics(): TopicNames {
    if (this.options.namespace === undefined) throw new Error('a stack without a namespace uses the configured topics');
    return new TopicNames(`${this.options.namespace}.`);
  }

  /** Migrates, creates the topics when asked, starts the apps and waits until every one is ready. */
  async start(): Promise<void> {
    const { options } = this;
    if (options.migrate !== false) {
      const applied = await migrateUp(options.clickhouse);
      options.onMigrated?.(applied);
      if (options.databaseUrl !== undefined) {
        // Not inside the optional call: `f?.(await g())` skips g() when f is absent.
        const appliedToPostgres = await migrateDatabase(options.databaseUrl);
        options.onPostgresMigrated?.(appliedToPostgres);
      }
    }
    if (options.createTopics) await this.createTopics();
    await Promise.all((options.apps ?? ALL_APPS).map((app) => this.startApp(app, app)));
  }

  /** Starts an app (or another instance of one, under another name) on its port, with extra environment. */
  async startApp(name: string, app: AppName, env: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
    const port = this.options.ports?.[app] ?? (await freePorts(1))[0];
    const child = new AppProcess({
      app,
      root: this.options.root,
      port,
      env: appEnvironment(this.options, this.configPath, app, port, env),
      onLine: (_app, line) => this.options.onLine?.(name, line),
    });
    this.apps.set(name, child);
    await child.start();
    void child.waitForExit().then((exit) => {
      if (!this.stopping) this.options.onUnexpectedExit?.(name, exit);
    });
    return child;
  }

  app(name: string): AppProcess {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no app ${name}`);
    return app;
  }

  /** The apps started so far, by name. */
  get running(): ReadonlyMap<string, AppProcess> {
    return this.apps;
  }

  /** SIGTERM to every app (each flushes), whether start() finished or not. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.apps.values()].map((app) => app.stop()));
  }

  private async createTopics(): Promise<void> {
    const { kafkaBrokers, partitions, namespace } = this.options;
    if (kafkaBrokers === undefined || partitions === undefined || namespace === undefined) {
      throw new Error('createTopics needs kafkaBrokers, partitions and a namespace');
    }
    const kafka = createKafka({ brokers: kafkaBrokers.split(','), clientId: `pulse-stack-${namespace}` });
    const { warnings } = await ensureTopics(kafka, this.topics.all().map((topic) => ({ topic, partitions })));
    for (const warning of warnings) this.options.log?.(`topic warning: ${warning}`);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await waitUntil(
        'Kafka group coordinator',
        async () => {
          await admin.fetchOffsets({ groupId: consumerGroupOf(namespace, RecordKind.Transaction), topics: [this.topics.records[RecordKind.Transaction]] });
          return true;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      await admin.disconnect();
    }
  }
}

/** Applies the PostgreSQL migrations through a pool of its own, closed afterwards. */
async function migrateDatabase(url: string): Promise<string[]> {
  const pool = createPostgresPool({ url, maxConnections: 1, applicationName: 'pulse migrate' });
  try {
    return (await migratePostgres(pool)).applied;
  } finally {
    await pool.end();
  }
}

/**
 * An app's environment: this process's, then the stack's connections, namespace and config, then
 * the options' and the instance's extra variables, and its port (each app reads only its own).
 */
export function appEnvironment(options: PulseStackOptions, configPath: string, app: AppName, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { kafkaBrokers, clickhouse, databaseUrl, namespace, partitions, logLevel, env } = options;
  return {
    ...process.env,
    ...(kafkaBrokers === undefined ? {} : { KAFKA_BROKERS: kafkaBrokers }),
    CLICKHOUSE_URL: clickhouse.url,
    CLICKHOUSE_USER: clickhouse.user,
    CLICKHOUSE_PASSWORD: clickhouse.password,
    CLICKHOUSE_DATABASE: clickhouse.database,
    ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    ...(namespace === undefined ? {} : { KAFKA_TOPIC_PREFIX: `${namespace}.`, CONSUMER_GROUP_ID: namespace, ALERTS_GROUP_ID: `${namespace}-alerts` }),
    ...(partitions === undefined ? {} : { KAFKA_TOPIC_PARTITIONS: String(partitions) }),
    PULSE_CONFIG: configPath,
    ...(logLevel === undefined ? {} : { LOG_LEVEL: logLevel }),
    ...env,
    ...extra,
    [PORT_VARIABLE[app]]: String(port),
  };
}
