import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  fstatSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { LocalService } from '../local-service';
import { waitUntil } from '../wait-until';

/** Apache Kafka release run locally. Must match `kafka.version` in libs/local-infra/kafka/pom.xml. */
export const KAFKA_VERSION = '3.9.2';
export const KAFKA_SCALA_VERSION = '2.13';
/** File written into the libs folder after a complete copy; holds KAFKA_VERSION. */
export const LIBS_MARKER_FILE = '.kafka-version';
/** The broker's node id; single node, combined broker + controller. */
export const KAFKA_NODE_ID = 1;

const HOST = '127.0.0.1';
const MiB = 1024 * 1024;

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

export interface ServerPropertiesInput {
  port: number;
  controllerPort: number;
  /** Absolute directory for the partition logs and KRaft metadata. */
  dataDir: string;
  numPartitions: number;
  logRetentionHours: number;
  /** Largest record batch the broker accepts. Default 10 MiB. */
  messageMaxBytes?: number;
}

/** Renders a single-node KRaft (broker + controller) configuration sized for a small dev machine. */
export function renderServerProperties(input: ServerPropertiesInput): string {
  const { port, controllerPort, dataDir, numPartitions, logRetentionHours } = input;
  const messageMaxBytes = input.messageMaxBytes ?? 10 * MiB;
  if (!isAbsolute(dataDir)) throw new Error(`log.dirs must be absolute, got ${dataDir}`);
  assertPort(port, 'port');
  assertPort(controllerPort, 'controllerPort');
  if (port === controllerPort) throw new Error(`port and controllerPort must differ (both ${port})`);
  assertPositiveInt(numPartitions, 'numPartitions');
  assertPositiveInt(logRetentionHours, 'logRetentionHours');
  assertPositiveInt(messageMaxBytes, 'messageMaxBytes');

  const props: [string, string | number | boolean][] = [
    // KRaft single node
    ['process.roles', 'broker,controller'],
    ['node.id', KAFKA_NODE_ID],
    ['controller.quorum.voters', `${KAFKA_NODE_ID}@${HOST}:${controllerPort}`],
    ['listeners', `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${HOST}:${port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ['log.dirs', dataDir],
    // one replica of everything
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    ['offsets.topic.replication.factor', 1],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', 1],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 1],
    // topics are created by the project, never implicitly by a produce/fetch
    ['auto.create.topics.enable', false],
    ['delete.topic.enable', true],
    ['num.partitions', numPartitions],
    ['group.initial.rebalance.delay.ms', 0],
    // big batches
    ['message.max.bytes', messageMaxBytes],
    ['replica.fetch.max.bytes', messageMaxBytes],
    // small machine
    ['num.network.threads', 2],
    ['num.io.threads', 4],
    ['background.threads', 4],
    ['num.recovery.threads.per.data.dir', 1],
    ['log.cleaner.threads', 1],
    // the compaction map is allocated on the heap at start (default 128 MiB)
    ['log.cleaner.dedupe.buffer.size', 16 * MiB],
    ['log.retention.hours', logRetentionHours],
    // retention deletes whole segments: keep them small enough for retention to matter
    ['log.segment.bytes', 128 * MiB],
    ['log.retention.check.interval.ms', 60_000],
  ];
  const lines = props.map(([key, value]) => `${key}=${escapePropertyValue(String(value))}`);
  return `# Generated by LocalKafka (libs/local-infra/src/kafka/local-kafka.ts); rewritten at every start.\n${lines.join('\n')}\n`;
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (22 characters), like Kafka's
 * `Uuid.randomUuid()`: never starting with '-' (it would look like a command-line flag) and never
 * one of the ids Kafka reserves (all zeroes, the metadata topic id 0...01).
 */
export function generateClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const bytes = random(16);
    const reserved = bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] <= 1;
    const id = bytes.toString('base64url');
    if (!reserved && !id.startsWith('-')) return id;
  }
}

export function isValidClusterId(id: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id);
}

/** JVM heap flags: `-Xmx<heap>` and an initial heap of min(heap, 256m). */
export function heapArgs(heap: string): string[] {
  const bytes = parseJvmSize(heap);
  const initial = Math.min(bytes, 256 * MiB);
  return [`-Xms${Math.floor(initial / MiB)}m`, `-Xmx${heap}`];
}

export function parseJvmSize(size: string): number {
  const m = /^(\d+)([kKmMgG]?)$/.exec(size);
  if (!m) throw new Error(`invalid JVM memory size "${size}" (expected e.g. 512m or 1g)`);
  const unit = { '': 1, k: 1024, m: MiB, g: 1024 * MiB }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const bytes = Number(m[1]) * unit;
  if (bytes < 64 * MiB) throw new Error(`heap ${size} is too small for a Kafka broker (min 64m)`);
  return bytes;
}

/** Arguments of the `java` command that runs the broker. */
export function brokerJavaArgs(opts: {
  heap: string;
  libsDir: string;
  log4jConfig: string;
  serverProperties: string;
}): string[] {
  return [
    ...heapArgs(opts.heap),
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${opts.log4jConfig}`,
    '-cp',
    join(opts.libsDir, '*'),
    'kafka.Kafka',
    opts.serverProperties,
  ];
}

/** Files of the repository LocalKafka needs (they are not copied to dist/, so look upwards). */
export function findKafkaResources(from: string = __dirname): { repoRoot: string; pomFile: string; log4jConfig: string } {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const kafkaDir = join(dir, 'libs', 'local-infra', 'kafka');
    if (existsSync(join(kafkaDir, 'pom.xml'))) {
      return { repoRoot: dir, pomFile: join(kafkaDir, 'pom.xml'), log4jConfig: join(kafkaDir, 'log4j.properties') };
    }
    if (dirname(dir) === dir) {
      throw new Error(`LocalKafka: libs/local-infra/kafka/pom.xml not found above ${from}`);
    }
  }
}

/** True when `libsDir` holds a finished copy of the jars of `version`. */
export function isLibsDirComplete(libsDir: string, version: string = KAFKA_VERSION): boolean {
  try {
    return (
      readFileSync(join(libsDir, LIBS_MARKER_FILE), 'utf8').trim() === version &&
      existsSync(join(libsDir, `kafka_${KAFKA_SCALA_VERSION}-${version}.jar`))
    );
  } catch {
    return false;
  }
}

/** A real single-node Apache Kafka broker (KRaft), run from jars fetched once from Maven Central. */
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

  private readonly heap: string;
  private readonly numPartitions: number;
  private readonly logRetentionHours: number;
  private readonly readyTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly log: (line: string) => void;
  private readonly resources: ReturnType<typeof findKafkaResources>;

  constructor(options: LocalKafkaOptions) {
    if (!options.stateDir || !isAbsolute(options.stateDir)) {
      throw new Error(`LocalKafka: stateDir must be an absolute path, got "${options.stateDir}"`);
    }
    this.port = options.port ?? 9092;
    this.controllerPort = options.controllerPort ?? this.port + 1;
    assertPort(this.port, 'port');
    assertPort(this.controllerPort, 'controllerPort');
    this.heap = options.heap ?? '512m';
    parseJvmSize(this.heap);
    this.numPartitions = options.numPartitions ?? 1;
    this.logRetentionHours = options.logRetentionHours ?? 24;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 60_000;
    this.log = options.log ?? ((line) => console.log(line));
    this.resources = findKafkaResources();
    this.stateDir = options.stateDir;
    this.libsDir = options.libsDir ?? join(this.resources.repoRoot, '.local', `kafka-libs-${KAFKA_VERSION}`);
    this.dataDir = join(this.stateDir, 'data');
    this.serverPropertiesFile = join(this.stateDir, 'server.properties');
    this.pidFile = join(this.stateDir, 'kafka.pid');
    this.logFile = join(this.stateDir, 'kafka.log');
  }

  get endpoint(): string {
    return `${HOST}:${this.port}`;
  }

  /** Fetches the broker jars from Maven Central unless the libs folder already holds them. */
  async install(): Promise<void> {
    await checkCommand(javaCommand(), ['-version'], 'Java 17 (`java`) is needed to run the local Kafka broker: install a JRE (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME');
    if (isLibsDirComplete(this.libsDir)) return;
    await checkCommand('mvn', ['-v'], 'Maven (`mvn`) is needed once to fetch the Kafka jars from Maven Central: install it (e.g. apt-get install maven)');

    this.log(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central (first run only)`);
    // Copy into a private folder and rename it into place, so an interrupted or concurrent run
    // never leaves a half-filled libs folder behind the marker.
    const partial = `${this.libsDir}.partial-${process.pid}-${Date.now()}`;
    mkdirSync(dirname(this.libsDir), { recursive: true });
    try {
      const res = await run('mvn', [
        '-q',
        '-B',
        '-Dstyle.color=never',
        '-f',
        this.resources.pomFile,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${partial}`,
        `-Dkafka.version=${KAFKA_VERSION}`,
      ]);
      if (res.code !== 0) {
        throw new Error(`mvn dependency:copy-dependencies failed (exit ${res.code}):\n${lastLines(res.output, 30)}`);
      }
      if (!existsSync(join(partial, `kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar`))) {
        throw new Error(`mvn finished but kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar is not in ${partial}`);
      }
      writeFileSync(join(partial, LIBS_MARKER_FILE), `${KAFKA_VERSION}\n`);
      if (isLibsDirComplete(this.libsDir)) return; // another process finished first
      rmSync(this.libsDir, { recursive: true, force: true });
      renameSync(partial, this.libsDir);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }

  async start(): Promise<void> {
    const pid = this.runningPid();
    if (pid !== undefined) {
      // Started earlier (maybe by another process, maybe still starting): wait for it.
      await this.waitReady(pid);
      return;
    }
    rmSync(this.pidFile, { force: true });

    for (const [port, what] of [
      [this.port, 'listener port'],
      [this.controllerPort, 'controller port'],
    ] as const) {
      if (!(await isPortFree(port))) {
        throw new Error(
          `LocalKafka: ${what} ${HOST}:${port} is already in use by another process (not a broker started from ${this.stateDir}). ` +
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
      }),
    );
    if (!existsSync(join(this.dataDir, 'meta.properties'))) await this.formatStorage();

    if (existsSync(this.logFile) && statSync(this.logFile).size > 0) {
      renameSync(this.logFile, `${this.logFile}.1`);
    }
    const out = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        javaCommand(),
        brokerJavaArgs({
          heap: this.heap,
          libsDir: this.libsDir,
          log4jConfig: this.resources.log4jConfig,
          serverProperties: this.serverPropertiesFile,
        }),
        { cwd: this.stateDir, detached: true, stdio: ['ignore', out, out] },
      );
    } finally {
      closeSync(out);
    }
    const exited = new Promise<string>((resolveExit) => {
      child.once('error', (err) => resolveExit(err.message));
      child.once('exit', (code, signal) => resolveExit(signal ? `killed by ${signal}` : `exit code ${code}`));
    });
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`LocalKafka: could not start java: ${await exited}`);
    }
    writeFileSync(this.pidFile, `${child.pid}\n`);

    let exitReason: string | undefined;
    void exited.then((reason) => (exitReason = reason));
    await this.waitReady(child.pid, () => exitReason);
  }

  async stop(): Promise<void> {
    const pid = readPidFile(this.pidFile);
    if (pid === undefined) return;
    if (!this.isOurBroker(pid)) {
      rmSync(this.pidFile, { force: true });
      return;
    }
    await terminate(pid, this.stopTimeoutMs);
    rmSync(this.pidFile, { force: true });
  }

  async isRunning(): Promise<boolean> {
    return this.runningPid() !== undefined && (await this.probeReady());
  }

  /** Pid of the broker started from this state dir, if it is alive. */
  runningPid(): number | undefined {
    const pid = readPidFile(this.pidFile);
    return pid !== undefined && this.isOurBroker(pid) ? pid : undefined;
  }

  private async formatStorage(): Promise<void> {
    const res = await run(javaCommand(), [
      `-Dlog4j.configuration=file:${this.resources.log4jConfig}`,
      '-cp',
      join(this.libsDir, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      generateClusterId(),
      '-c',
      this.serverPropertiesFile,
      '-g',
    ]);
    if (res.code !== 0) {
      throw new Error(`LocalKafka: formatting ${this.dataDir} failed (exit ${res.code}):\n${lastLines(res.output, 30)}`);
    }
  }

  private async waitReady(pid: number, exitReason: () => string | undefined = () => undefined): Promise<void> {
    const gone = (): string | undefined => exitReason() ?? (isAlive(pid) ? undefined : 'process gone');
    try {
      await waitUntil(`Kafka broker at ${this.endpoint}`, async () => gone() !== undefined || (await this.probeReady()), {
        timeoutMs: this.readyTimeoutMs,
        intervalMs: 200,
      });
    } catch (err) {
      await terminate(pid, 10_000);
      rmSync(this.pidFile, { force: true });
      throw new Error(`LocalKafka: ${(err as Error).message}; last lines of ${this.logFile}:\n${tailFile(this.logFile)}`);
    }
    const reason = gone();
    if (reason !== undefined) {
      rmSync(this.pidFile, { force: true });
      throw new Error(
        `LocalKafka: the broker (pid ${pid}) exited before it was ready (${reason}); last lines of ${this.logFile}:\n${tailFile(this.logFile)}`,
      );
    }
  }

  /** TCP connect to the listener, then an admin request that needs a working broker. */
  private async probeReady(): Promise<boolean> {
    if (!(await canConnect(HOST, this.port, 1000))) return false;
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
      return cluster.brokers.some((b) => b.nodeId === KAFKA_NODE_ID);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Alive, and (where /proc exists) really a Kafka broker running this state dir's config. */
  private isOurBroker(pid: number): boolean {
    if (!isAlive(pid)) return false;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return process.platform !== 'linux'; // no /proc: trust the pid file
    }
    const args = cmdline.split('\0');
    return args.includes('kafka.Kafka') && args.includes(this.serverPropertiesFile);
  }
}

function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  if (home) {
    const java = join(home, 'bin', 'java');
    if (existsSync(java)) return java;
  }
  return 'java';
}

function assertPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`LocalKafka: invalid ${what} ${port}`);
}

function assertPositiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`LocalKafka: ${what} must be a positive integer, got ${value}`);
}

function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/^ /, '\\ ').replace(/\n/g, '\\n');
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolveRun({ code: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}

async function checkCommand(command: string, args: string[], missing: string): Promise<void> {
  try {
    const res = await run(command, args);
    if (res.code !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${res.code}): ${lastLines(res.output, 5)}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`LocalKafka: ${command} not found. ${missing}.`);
    throw err;
  }
}

function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (an exited child of ours not yet reaped still answers kill 0). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** SIGTERM (Kafka shuts down cleanly), then SIGKILL once `timeoutMs` has passed. */
async function terminate(pid: number, timeoutMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  if (!isAlive(pid)) return;
  signal('SIGTERM');
  try {
    await waitUntil(`Kafka broker pid ${pid} to exit`, async () => !isAlive(pid), { timeoutMs, intervalMs: 100 });
  } catch {
    signal('SIGKILL');
    await waitUntil(`Kafka broker pid ${pid} to exit after SIGKILL`, async () => !isAlive(pid), {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
  }
}

function canConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolveConnect(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

function tailFile(file: string, n = 40, maxBytes = 64 * 1024): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return lastLines(buf.toString('utf8'), n) || '(empty)';
  } catch {
    return '(no log)';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
