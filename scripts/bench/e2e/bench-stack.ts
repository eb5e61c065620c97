import { createKafka, TopicNames } from '@pulse/kafka';
import { AppName, AppProcess, bringUpInfra, freePorts, Infra, LocalClickHouse, LocalKafka, PulseStack } from '@pulse/local-infra';
import type { LoadSummary } from '@pulse/loadgen';
import { createClickHouse, Tables } from '@pulse/storage';
import type { Admin } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRunDatabase, RunDatabase } from '../bench-postgres';
import { ProcessMonitor } from './process-monitor';

export const BENCH_APPS: readonly AppName[] = ['consumer', 'ingest', 'query'];

export interface ClickHouseConnection {
  url: string;
  database: string;
  user: string;
  password: string;
}

export interface BenchStackOptions {
  /** Names the state folder (`.local/<name>`), the databases (`<name>_<hex>`) and the log lines. */
  name: string;
  root: string;
  /** Fixed ports for the local Kafka and ClickHouse; free ones when left out. */
  kafkaPort?: number;
  clickhousePort?: number;
  partitions: number;
  /** The apps to start; BENCH_APPS when left out. */
  apps?: readonly AppName[];
  /** Further environment of every app (PulseStackOptions.env); PULSE_HOST is always 127.0.0.1. */
  env?: NodeJS.ProcessEnv;
  /** Writes the apps' PULSE_CONFIG at the path given. */
  writeConfig: (path: string) => void;
  log: (line: string) => void;
}

/**
 * The whole stack of an end-to-end benchmark on this machine: local Kafka, ClickHouse and PostgreSQL
 * (unless KAFKA_BROKERS / CLICKHOUSE_URL / DATABASE_URL are set) and a PulseStack on them: the
 * migrations in a ClickHouse and a PostgreSQL database of the run's own (same name; the
 * PostgreSQL one is created here, bench-postgres.ts says why even on the run's own server, and
 * dropped by stop()), the record topics, and the three built apps on free ports with those
 * databases, topic prefix and consumer groups. `stop()` undoes whatever `start()` got to, so a benchmark calls it from its
 * clean-up whether the start finished or not.
 */
export class BenchStack {
  readonly stateDir: string;
  readonly apps = new Map<AppName, AppProcess>();
  readonly monitor = new ProcessMonitor(1000);
  infra: Infra | undefined;
  admin: Admin | undefined;
  clickhouse!: ClickHouseConnection;
  topics!: TopicNames;
  /** The run's database (ClickHouse and PostgreSQL); also the topic prefix (with a dot) and the consumer group prefix. */
  database!: string;
  postgres: RunDatabase | undefined;
  ingestPort = 0;
  private stack: PulseStack | undefined;

  constructor(private readonly options: BenchStackOptions) {
    this.stateDir = join(options.root, '.local', options.name.replace(/_/g, '-'));
  }

  get appNames(): readonly AppName[] {
    return this.options.apps ?? BENCH_APPS;
  }

  get groupPrefix(): string {
    return this.database;
  }

  app(name: AppName): AppProcess {
    return this.apps.get(name)!;
  }

  async start(): Promise<void> {
    const { options } = this;
    rmSync(this.stateDir, { recursive: true, force: true });
    mkdirSync(this.stateDir, { recursive: true });
    const [kafkaPort, clickhousePort, ingestPort, consumerPort, queryPort] = await freePorts(5);
    const infraStarted = performance.now();
    this.infra = await bringUpInfra({
      stateDir: this.stateDir,
      kafkaPort: options.kafkaPort ?? kafkaPort,
      clickhousePort: options.clickhousePort ?? clickhousePort,
      externalKafkaBrokers: process.env.KAFKA_BROKERS || undefined,
      externalClickHouseUrl: process.env.CLICKHOUSE_URL || undefined,
      externalDatabaseUrl: process.env.DATABASE_URL || undefined,
      log: options.log,
    });
    options.log(`infrastructure ready in ${((performance.now() - infraStarted) / 1000).toFixed(1)} s`);
    const infra = this.infra;
    this.database = `${options.name}_${randomBytes(4).toString('hex')}`;
    this.clickhouse = {
      url: infra.clickhouseUrl,
      database: this.database,
      user: infra.clickhouseCredentials?.user ?? (process.env.CLICKHOUSE_USER || 'default'),
      password: infra.clickhouseCredentials?.password ?? process.env.CLICKHOUSE_PASSWORD ?? '',
    };
    // PulseStack migrates it.
    this.postgres = await createRunDatabase(infra.databaseUrl, this.database, { migrate: false, log: options.log });
    const configPath = join(this.stateDir, 'pulse-config.json');
    options.writeConfig(configPath);
    this.ingestPort = ingestPort;
    this.stack = new PulseStack({
      root: options.root,
      apps: this.appNames,
      kafkaBrokers: infra.kafkaBrokers,
      clickhouse: this.clickhouse,
      databaseUrl: this.postgres.url,
      pulseConfig: { path: configPath },
      namespace: this.database,
      partitions: options.partitions,
      createTopics: true,
      ports: { ingest: ingestPort, consumer: consumerPort, query: queryPort },
      logLevel: 'warn',
      env: { ...options.env, PULSE_HOST: '127.0.0.1' },
      onLine: (app, line) => console.log(`[${app}] ${line}`),
      onUnexpectedExit: (app, exit) => options.log(`${app} exited unexpectedly (${exit.signal ?? `code ${exit.code}`})`),
    });
    this.topics = this.stack.topics;
    await this.stack.start();
    for (const app of this.appNames) this.apps.set(app, this.stack.app(app));
    const admin = createKafka({ brokers: infra.kafkaBrokers.split(','), clientId: `pulse-${options.name}` }).admin();
    this.admin = admin;
    await admin.connect();
    options.log(`apps ready: ingest :${ingestPort}, consumer :${consumerPort}, query :${queryPort}; database ${this.database}, ${options.partitions} partitions`);
    this.watchProcesses(infra);
  }

  /** The DSN of a project key on this stack's ingest. */
  dsn(project: { id: number; key: string }): string {
    return `http://${project.key}@127.0.0.1:${this.ingestPort}/${project.id}`;
  }

  async stop(): Promise<void> {
    this.monitor.stop();
    await this.admin?.disconnect().catch(() => undefined);
    await this.stack?.stop();
    await this.postgres?.drop().catch((error: unknown) => this.options.log(`could not drop PostgreSQL database ${this.database}: ${String(error)}`));
    if (this.infra) await Promise.allSettled(this.infra.started.map((service) => service.stop()));
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  /** Rows of every Pulse table in the run's database. */
  storedRows(): Promise<Record<string, number>> {
    return storedRows(this.clickhouse);
  }

  private watchProcesses(infra: Infra): void {
    for (const app of this.appNames) this.monitor.watch(app, this.app(app).pid!);
    for (const service of infra.started) {
      if (service instanceof LocalKafka || service instanceof LocalClickHouse) {
        const pid = Number(readFileSync(service.pidFile, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0) this.monitor.watch(service.name, pid);
      }
    }
  }
}

export async function storedRows(connection: ClickHouseConnection): Promise<Record<string, number>> {
  const client = createClickHouse(connection);
  try {
    const counts: Record<string, number> = {};
    for (const table of Object.values(Tables)) {
      const [row] = await (await client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })).json<{ n: string | number }>();
      counts[table] = Number(row.n);
    }
    return counts;
  } finally {
    await client.close();
  }
}

/** The rows per table that the generator's records of several phases make. */
export function sumRecords(list: Array<LoadSummary['records']>): Record<string, number> {
  const sum = { transactions: 0, spans: 0, web_vitals: 0, errors: 0, sessions: 0 };
  for (const r of list) {
    sum.transactions += r.transactions;
    sum.spans += r.spans;
    sum.web_vitals += r.webVitals;
    sum.errors += r.errors;
    sum.sessions += r.sessions;
  }
  return sum;
}

/** The tuning variables of the shell (they reach the apps), recorded with the result. */
export function tuningEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => /^(CONSUMER|INGEST|PRODUCER|QUERY|SQL|CH|HTTP)_/.test(entry[0]) && !/_PORT$/.test(entry[0]) && entry[1] !== undefined),
  );
}
