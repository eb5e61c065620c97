import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { BackgroundProcess, isAlive, lastLines } from '../background-process';
import type { LocalService } from '../local-service';
import { canConnect, isPortFree } from '../ports';
import { waitUntil } from '../wait-until';
import {
  assertPort,
  brokerJavaArgs,
  type ClusterMembership,
  generateClusterId,
  KAFKA_HOST,
  KAFKA_NODE_ID,
  KAFKA_VERSION,
  parseJvmSize,
  renderServerProperties,
} from './kafka-config';
import { findKafkaResources, installKafkaJars, javaCommand, type KafkaResources, runCommand } from './kafka-jars';

export interface LocalKafkaOptions {
  /** PLAINTEXT listener the apps connect to. Default 9092. */
  port?: number;
  /** KRaft controller listener. Default port + 1. */
  controllerPort?: number;
  /** Absolute directory holding data/, server.properties, kafka.pid and kafka.log. */
  stateDir: string;
  /** Jar cache filled from Maven Central. Default `<repo>/.local/kafka-libs-<KAFKA_VERSION>`. */
  libsDir?: string;
  /** Maximum JVM heap (`-Xmx`), e.g. `512m`, `1g`. Default `512m`. */
  heap?: string;
  /** Initial JVM heap (`-Xms`). Default min(heap, 256m). */
  initialHeap?: string;
  /** This broker's node id. Default KAFKA_NODE_ID (1). */
  nodeId?: number;
  /** One node of a cluster (LocalKafkaCluster): the voters, replication defaults and the cluster id. */
  cluster?: ClusterMembership & { clusterId: string };
  /** `num.partitions`: partition count of topics created without an explicit one. Default 1. */
  numPartitions?: number;
  /** `log.retention.hours`. Default 24. */
  logRetentionHours?: number;
  /** How long start() waits for the broker to answer. Default 90 s. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 60 s. */
  stopTimeoutMs?: number;
  /** Progress lines (the one-time jar download). Default console.log. */
  log?: (line: string) => void;
}

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one process), run from jars fetched
 * once from Maven Central: a node of its own, or one node of a LocalKafkaCluster.
 */
export class LocalKafka implements LocalService {
  readonly name = 'kafka';
  readonly port: number;
  readonly controllerPort: number;
  readonly stateDir: string;
  readonly libsDir: string;
  readonly dataDir: string;
  readonly serverPropertiesFile: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly nodeId: number;

  private readonly heap: string;
  private readonly initialHeap: string | undefined;
  private readonly cluster: LocalKafkaOptions['cluster'];
  private readonly numPartitions: number;
  private readonly logRetentionHours: number;
  private readonly readyTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly resources: KafkaResources;
  private readonly broker: BackgroundProcess;

  constructor(options: LocalKafkaOptions) {
    if (!options.stateDir || !isAbsolute(options.stateDir)) {
      throw new Error(`LocalKafka: stateDir must be an absolute path, got "${options.stateDir}"`);
    }
    this.port = options.port ?? 9092;
    this.controllerPort = options.controllerPort ?? this.port + 1;
    assertPort(this.port, 'port');
    assertPort(this.controllerPort, 'controllerPort');
    this.heap = options.heap ?? '512m';
    this.initialHeap = options.initialHeap;
    parseJvmSize(this.heap);
    if (this.initialHeap !== undefined) parseJvmSize(this.initialHeap);
    this.nodeId = options.nodeId ?? KAFKA_NODE_ID;
    this.cluster = options.cluster;
    this.numPartitions = options.numPartitions ?? 1;
    this.logRetentionHours = options.logRetentionHours ?? 24;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    this.log = options.log ?? ((line) => console.log(line));
    this.resources = findKafkaResources();
    this.stateDir = options.stateDir;
    this.libsDir = options.libsDir ?? join(this.resources.repoRoot, '.local', `kafka-libs-${KAFKA_VERSION}`);
    this.dataDir = join(this.stateDir, 'data');
    this.serverPropertiesFile = join(this.stateDir, 'server.properties');
    this.pidFile = join(this.stateDir, 'kafka.pid');
    this.logFile = join(this.stateDir, 'kafka.log');
    this.broker = new BackgroundProcess({
      owner: 'LocalKafka',
      label: 'Kafka broker',
      pidFile: this.pidFile,
      logFile: this.logFile,
      // A broker running this state dir's config, not a recycled pid.
      isOurs: (args) => args.includes('kafka.Kafka') && args.includes(this.serverPropertiesFile),
      stopTimeoutMs: options.stopTimeoutMs ?? 60_000,
    });
  }

  get endpoint(): string {
    return `${KAFKA_HOST}:${this.port}`;
  }

  /** Fetches the broker jars from Maven Central unless the libs folder already holds them. */
  install(): Promise<void> {
    return installKafkaJars({ libsDir: this.libsDir, pomFile: this.resources.pomFile, log: this.log });
  }

  async start(): Promise<void> {
    const pid = this.runningPid();
    if (pid !== undefined) {
      // Started earlier (maybe by another process, maybe still starting): wait for it.
      await this.waitReady(pid);
      return;
    }
    this.broker.forgetStale();

    for (const [port, what] of [
      [this.port, 'listener port'],
      [this.controllerPort, 'controller port'],
    ] as const) {
      if (!(await isPortFree(KAFKA_HOST, port))) {
        throw new Error(
          `LocalKafka: ${what} ${KAFKA_HOST}:${port} is already in use by another process (not a broker started from ${this.stateDir}). ` +
            `Stop it or choose another port.`,
        );
      }
    }

    await this.install();

    mkdirSync(this.dataDir, { recursive: true });
    writeFileSync(
      this.serverPropertiesFile,
      renderServerProperties({
        port: this.port,
        controllerPort: this.controllerPort,
        dataDir: this.dataDir,
        numPartitions: this.numPartitions,
        logRetentionHours: this.logRetentionHours,
        nodeId: this.nodeId,
        cluster: this.cluster,
      }),
    );
    if (!existsSync(join(this.dataDir, 'meta.properties'))) await this.formatStorage();

    const child = await this.broker.spawn(
      javaCommand(),
      brokerJavaArgs({
        heap: this.heap,
        initialHeap: this.initialHeap,
        libsDir: this.libsDir,
        log4jConfig: this.resources.log4jConfig,
        serverProperties: this.serverPropertiesFile,
      }),
      { cwd: this.stateDir },
    );
    await this.waitReady(child.pid, child.exited);
  }

  stop(): Promise<void> {
    return this.broker.stop();
  }

  /**
   * SIGKILL, as in a crash or an out-of-memory kill: no clean shutdown, no leadership handed over.
   * Resolves once the process is gone; start() brings the node back on its data (log recovery).
   */
  async kill(): Promise<void> {
    const pid = this.runningPid();
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await waitUntil(`Kafka broker ${this.nodeId} (pid ${pid}) to die`, async () => !isAlive(pid), { timeoutMs: 10_000, intervalMs: 50 });
    this.broker.forgetStale();
  }

  async isRunning(): Promise<boolean> {
    return this.runningPid() !== undefined && (await this.probeReady());
  }

  /** Pid of the broker started from this state dir, if it is alive. */
  runningPid(): number | undefined {
    return this.broker.runningPid();
  }

  private async formatStorage(): Promise<void> {
    const res = await runCommand(javaCommand(), [
      `-Dlog4j.configuration=file:${this.resources.log4jConfig}`,
      '-cp',
      join(this.libsDir, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      this.cluster?.clusterId ?? generateClusterId(),
      '-c',
      this.serverPropertiesFile,
      '-g',
    ]);
    if (res.code !== 0) {
      throw new Error(`LocalKafka: formatting ${this.dataDir} failed (exit ${res.code}):\n${lastLines(res.output, 30)}`);
    }
  }

  private waitReady(pid: number, exited?: Promise<string>): Promise<void> {
    return this.broker.waitReady(pid, {
      what: `Kafka broker at ${this.endpoint}`,
      probe: () => this.probeReady(),
      timeoutMs: this.readyTimeoutMs,
      intervalMs: 200,
      exited,
      killTimeoutMs: 10_000,
    });
  }

  /** TCP connect to the listener, then an admin request that needs a working broker. */
  private async probeReady(): Promise<boolean> {
    if (!(await canConnect(KAFKA_HOST, this.port, 1000))) return false;
    const admin = new Kafka({
      clientId: 'pulse-local-kafka-probe',
      brokers: [this.endpoint],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.some((b) => b.nodeId === this.nodeId);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
