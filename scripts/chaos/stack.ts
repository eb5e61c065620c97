import { createKafka, TopicNames } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import { AppName, AppProcess, freePorts, LocalClickHouse, LocalKafkaCluster, LocalPostgres, PulseStack, waitUntil } from '@pulse/local-infra';
import { createClickHouse } from '@pulse/storage';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { LagSampler } from '../bench/e2e/lag-sampler';
import { ProcessMonitor } from '../bench/e2e/process-monitor';
import { benchProjects, writePulseConfig } from '../bench/pulse-config';
import { kafkaCensus, LogCopy } from './kafka-census';
import type { ChaosOptions } from './options';
import type { LoadTarget } from './steady-load';
import { WritabilityMonitor } from './writability';

const APPS: AppName[] = ['consumer', 'ingest', 'query'];
const BROKERS = 3;

/**
 * Everything a chaos run needs, on free ports of 127.0.0.1 and under one state dir: a 3-broker
 * KRaft cluster (replication factor 3, min.insync.replicas 2), a ClickHouse server and a
 * PostgreSQL server of its own, and on them a PulseStack (the migrations, topics and the three
 * built apps); and the probes the scenarios read (consumer lag, cluster writability, RSS of every
 * process once a second). stop() undoes all of it, also after a partial start. The apps use the
 * `pulse` database of that PostgreSQL as it is: the server is initialized on an empty folder every
 * run and nothing else connects to it, so it is as fresh as a database made for the run.
 */
export class ChaosStack {
  readonly cluster: LocalKafkaCluster;
  readonly clickhouse: LocalClickHouse;
  readonly postgres: LocalPostgres;
  readonly apps = new Map<AppName, AppProcess>();
  readonly monitor = new ProcessMonitor(1000);
  readonly database = `chaos_${randomBytes(4).toString('hex')}`;
  readonly topics = new TopicNames(`${this.database}.`);
  /** Unexpected exits of the apps, as `<app>: <how>`. */
  readonly appExits: string[] = [];
  targets: LoadTarget[] = [];
  lag!: LagSampler;
  writability!: WritabilityMonitor;
  private admin: Admin | undefined;
  private monitorAdmin: Admin | undefined;
  private readonly logs: WriteStream[] = [];
  private stack: PulseStack | undefined;
  /** A ClickHouse pid frozen by SIGSTOP, resumed on stop whatever happens. */
  private frozenPid: number | undefined;

  private constructor(
    readonly root: string,
    readonly stateDir: string,
    readonly logDir: string,
    private readonly options: ChaosOptions,
    ports: number[],
    private readonly log: (line: string) => void,
  ) {
    this.cluster = new LocalKafkaCluster({
      stateDir: join(stateDir, 'kafka'),
      ports: Array.from({ length: BROKERS }, (_, i) => ({ port: ports[2 * i], controllerPort: ports[2 * i + 1] })),
      numPartitions: options.partitions,
      log,
    });
    this.clickhouse = new LocalClickHouse({ port: ports[2 * BROKERS], dataDir: join(stateDir, 'clickhouse', 'data') });
    this.postgres = new LocalPostgres({ port: ports[2 * BROKERS + 1], stateDir: join(stateDir, 'postgres') });
  }

  static async create(root: string, options: ChaosOptions, log: (line: string) => void): Promise<ChaosStack> {
    const stateDir = join(root, '.local', 'chaos');
    const logDir = join(root, '.local', 'chaos-logs');
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(stateDir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    return new ChaosStack(root, stateDir, logDir, options, await freePorts(2 * BROKERS + 2), log);
  }

  get brokers(): string[] {
    return this.cluster.brokers;
  }

  get groupPrefix(): string {
    return this.database;
  }

  get clickhouseConnection(): { url: string; database: string; user: string; password: string } {
    return { url: this.clickhouse.endpoint, database: this.database, user: 'default', password: '' };
  }

  app(name: AppName): AppProcess {
    const app = this.apps.get(name);
    if (!app) throw new Error(`no app ${name}`);
    return app;
  }

  async start(): Promise<void> {
    const started = performance.now();
    await Promise.all([this.cluster.start(), this.clickhouse.start(), this.postgres.start()]);
    this.log(`3 Kafka brokers (${this.cluster.endpoint}), ClickHouse (${this.clickhouse.endpoint}) and PostgreSQL (port ${this.postgres.port}) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const projects = benchProjects(Array.from({ length: this.options.projects }, (_, i) => i + 1));
    this.targets = projects.map((p) => ({ projectId: p.id, key: p.key }));
    const configPath = join(this.stateDir, 'pulse-config.json');
    writePulseConfig(configPath, projects);
    const logs = new Map<string, WriteStream>(APPS.map((app) => [app, createWriteStream(join(this.logDir, `${app}.log`))]));
    this.logs.push(...logs.values());
    this.stack = new PulseStack({
      root: this.root,
      apps: APPS,
      kafkaBrokers: this.cluster.endpoint,
      clickhouse: this.clickhouseConnection,
      databaseUrl: this.postgres.endpoint,
      pulseConfig: { path: configPath },
      namespace: this.database,
      partitions: this.options.partitions,
      createTopics: true,
      logLevel: 'warn',
      env: { PULSE_HOST: '127.0.0.1' },
      log: this.log,
      onLine: (app, line) => logs.get(app)?.write(`${line}\n`),
      onUnexpectedExit: (name, exit) => {
        const how = exit.signal ?? `exit code ${exit.code}`;
        this.appExits.push(`${name}: ${how}`);
        this.log(`${name} exited unexpectedly (${how}); its log: ${join(this.logDir, `${name}.log`)}`);
      },
    });
    await this.stack.start();
    for (const app of APPS) this.apps.set(app, this.stack.app(app));
    this.admin = createKafka({ brokers: this.brokers, clientId: 'pulse-chaos' }).admin();
    await this.admin.connect();
    this.log(`apps ready (ingest ${this.app('ingest').url}); database ${this.database}, ${this.options.projects} projects, ${this.options.partitions} partitions per topic; app logs in ${this.logDir}`);

    for (const app of ['ingest', 'consumer'] as const) this.monitor.watch(app, this.app(app).pid!);
    this.watchInfra();
    this.lag = new LagSampler(this.admin, this.topics, this.groupPrefix);
    this.lag.start(1000);
    // Short timeouts and few retries: a poll that cannot read the metadata is a finding, not a wait.
    this.monitorAdmin = new Kafka({ clientId: 'pulse-chaos-writability', brokers: this.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 1, initialRetryTime: 100 } }).admin();
    await this.monitorAdmin.connect();
    this.writability = new WritabilityMonitor(this.monitorAdmin, [RecordKind.Transaction, RecordKind.Error].map((kind) => this.topics.records[kind]), this.cluster.minInsyncReplicas);
    this.writability.start();
  }

  /** Follows the RSS and CPU of the brokers and ClickHouse under their current pids (again after a restart). */
  watchInfra(): void {
    for (const [nodeId, pid] of this.cluster.runningPids()) this.monitor.watch(`kafka-${nodeId}`, pid);
    const clickhousePid = this.clickhouse.runningPid();
    if (clickhousePid !== undefined) this.monitor.watch('clickhouse', clickhousePid);
  }

  /** SIGSTOP: the server keeps its sockets but answers nothing, like a hung or swapped-out host. */
  freezeClickHouse(): void {
    const pid = this.clickhouse.runningPid();
    if (pid === undefined) throw new Error('ClickHouse is not running');
    process.kill(pid, 'SIGSTOP');
    this.frozenPid = pid;
  }

  thawClickHouse(): void {
    if (this.frozenPid === undefined) return;
    try {
      process.kill(this.frozenPid, 'SIGCONT');
    } catch {
      // gone
    }
    this.frozenPid = undefined;
  }

  /** SIGKILL: connections are refused until start() brings the server back on its data. */
  async killClickHouse(): Promise<void> {
    const pid = this.clickhouse.runningPid();
    if (pid === undefined) throw new Error('ClickHouse is not running');
    process.kill(pid, 'SIGKILL');
    await waitUntil('ClickHouse to die', async () => this.clickhouse.runningPid() === undefined, { timeoutMs: 10_000, intervalMs: 50 });
  }

  /** Rows per event id in the raw tables of the events the load sends. */
  async storedRows(): Promise<Map<string, number>> {
    const client = createClickHouse(this.clickhouseConnection);
    try {
      const rows = new Map<string, number>();
      for (const table of ['transactions', 'errors']) {
        const result = await client.query({ query: `SELECT event_id, count() AS n FROM ${table} GROUP BY event_id`, format: 'JSONEachRow' });
        for (const row of await result.json<{ event_id: string; n: string | number }>()) rows.set(row.event_id, (rows.get(row.event_id) ?? 0) + Number(row.n));
      }
      return rows;
    } finally {
      await client.close();
    }
  }

  /** Every copy of every event id in the transactions and errors topics. */
  logCensus(): Promise<Map<string, LogCopy[]>> {
    const kafka = createKafka({ brokers: this.brokers, clientId: 'pulse-chaos-census' });
    return kafkaCensus(kafka, [RecordKind.Transaction, RecordKind.Error].map((kind) => this.topics.records[kind]));
  }

  /** Messages in the dead-letter topic (none are expected). */
  async deadLetters(): Promise<number> {
    const offsets = await this.admin!.fetchTopicOffsets(this.topics.deadLetter);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  }

  async stop(): Promise<void> {
    this.thawClickHouse();
    await this.writability?.stop();
    await this.lag?.stop();
    this.monitor.stop();
    await this.monitorAdmin?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await this.stack?.stop();
    await Promise.allSettled([this.cluster.stop(), this.clickhouse.stop(), this.postgres.stop()]);
    await Promise.all(this.logs.map((file) => new Promise((resolve) => file.end(resolve))));
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
