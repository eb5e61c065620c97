import { randomBytes } from 'node:crypto';
import { isAbsolute, join } from 'node:path';

/** Apache Kafka release run locally. Must match `kafka.version` in libs/local-infra/kafka/pom.xml. */
export const KAFKA_VERSION = '3.9.2';
export const KAFKA_SCALA_VERSION = '2.13';
/** File written into the libs folder after a complete copy; holds KAFKA_VERSION. */
export const LIBS_MARKER_FILE = '.kafka-version';
/** The broker's node id when it runs alone (combined broker + controller). */
export const KAFKA_NODE_ID = 1;

/** The broker listens on loopback only. */
export const KAFKA_HOST = '127.0.0.1';
const MiB = 1024 * 1024;

export interface ServerPropertiesInput {
  port: number;
  controllerPort: number;
  /** Absolute directory for the partition logs and KRaft metadata. */
  dataDir: string;
  numPartitions: number;
  logRetentionHours: number;
  /** Largest record batch the broker accepts. Default 10 MiB. */
  messageMaxBytes?: number;
  /** This node's id. Default KAFKA_NODE_ID. */
  nodeId?: number;
  /** Membership of a cluster; absent for a single node that is its own quorum. */
  cluster?: ClusterMembership;
}

/** What every node of a KRaft cluster of combined broker + controller nodes shares. */
export interface ClusterMembership {
  /** Every node's id and controller port: `controller.quorum.voters`. */
  voters: { nodeId: number; controllerPort: number }[];
  /** `default.replication.factor`, also of the internal topics. */
  replicationFactor: number;
  /** `min.insync.replicas`: replicas that must have a write before acks=all answers. */
  minInsyncReplicas: number;
}

/**
 * Renders a KRaft (broker + controller) configuration sized for a small dev machine: a node of its
 * own, or one node of a cluster (`cluster`), whose replication defaults then apply to every topic
 * created without explicit ones, the internal ones included.
 */
export function renderServerProperties(input: ServerPropertiesInput): string {
  const { port, controllerPort, dataDir, numPartitions, logRetentionHours } = input;
  const messageMaxBytes = input.messageMaxBytes ?? 10 * MiB;
  const nodeId = input.nodeId ?? KAFKA_NODE_ID;
  const cluster = input.cluster ?? { voters: [{ nodeId, controllerPort }], replicationFactor: 1, minInsyncReplicas: 1 };
  if (!isAbsolute(dataDir)) throw new Error(`log.dirs must be absolute, got ${dataDir}`);
  assertPort(port, 'port');
  assertPort(controllerPort, 'controllerPort');
  if (port === controllerPort) throw new Error(`port and controllerPort must differ (both ${port})`);
  assertPositiveInt(numPartitions, 'numPartitions');
  assertPositiveInt(logRetentionHours, 'logRetentionHours');
  assertPositiveInt(messageMaxBytes, 'messageMaxBytes');
  assertCluster(cluster, nodeId, controllerPort);
  const { replicationFactor, minInsyncReplicas } = cluster;

  const props: [string, string | number | boolean][] = [
    // KRaft, every node both broker and controller
    ['process.roles', 'broker,controller'],
    ['node.id', nodeId],
    ['controller.quorum.voters', cluster.voters.map((voter) => `${voter.nodeId}@${KAFKA_HOST}:${voter.controllerPort}`).join(',')],
    ['listeners', `PLAINTEXT://${KAFKA_HOST}:${port},CONTROLLER://${KAFKA_HOST}:${controllerPort}`],
    ['advertised.listeners', `PLAINTEXT://${KAFKA_HOST}:${port}`],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    ['listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT'],
    ['log.dirs', dataDir],
    // one replica of everything on a single node; on a cluster, an acks=all write is on
    // min.insync.replicas nodes before it is acknowledged, and only an in-sync replica may lead
    ['default.replication.factor', replicationFactor],
    ['min.insync.replicas', minInsyncReplicas],
    ['unclean.leader.election.enable', false],
    ['offsets.topic.replication.factor', replicationFactor],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', replicationFactor],
    ['transaction.state.log.min.isr', minInsyncReplicas],
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
  return `# Generated by LocalKafka (libs/local-infra/src/kafka/kafka-config.ts); rewritten at every start.\n${lines.join('\n')}\n`;
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

/** JVM heap flags: `-Xmx<heap>` and an initial heap of `initialHeap`, by default min(heap, 256m). */
export function heapArgs(heap: string, initialHeap?: string): string[] {
  const bytes = parseJvmSize(heap);
  const initial = initialHeap === undefined ? Math.min(bytes, 256 * MiB) : parseJvmSize(initialHeap);
  if (initial > bytes) throw new Error(`initial heap ${initialHeap} is larger than the heap ${heap}`);
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
  /** `-Xms`; default min(heap, 256m). */
  initialHeap?: string;
  libsDir: string;
  log4jConfig: string;
  serverProperties: string;
}): string[] {
  return [
    ...heapArgs(opts.heap, opts.initialHeap),
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

export function assertPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`LocalKafka: invalid ${what} ${port}`);
}

function assertCluster(cluster: ClusterMembership, nodeId: number, controllerPort: number): void {
  const { voters, replicationFactor, minInsyncReplicas } = cluster;
  assertPositiveInt(nodeId, 'nodeId');
  const self = voters.find((voter) => voter.nodeId === nodeId);
  if (!self || self.controllerPort !== controllerPort) throw new Error(`LocalKafka: node ${nodeId} on controller port ${controllerPort} is not among the voters`);
  if (new Set(voters.map((voter) => voter.nodeId)).size !== voters.length) throw new Error('LocalKafka: voters must have distinct node ids');
  if (new Set(voters.map((voter) => voter.controllerPort)).size !== voters.length) throw new Error('LocalKafka: voters must have distinct controller ports');
  for (const voter of voters) assertPort(voter.controllerPort, `controller port of node ${voter.nodeId}`);
  assertPositiveInt(replicationFactor, 'replicationFactor');
  assertPositiveInt(minInsyncReplicas, 'minInsyncReplicas');
  if (replicationFactor > voters.length) throw new Error(`LocalKafka: replicationFactor ${replicationFactor} exceeds the ${voters.length} nodes`);
  if (minInsyncReplicas > replicationFactor) throw new Error(`LocalKafka: minInsyncReplicas ${minInsyncReplicas} exceeds replicationFactor ${replicationFactor}`);
}

function assertPositiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`LocalKafka: ${what} must be a positive integer, got ${value}`);
}

function escapePropertyValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/^ /, '\\ ').replace(/\n/g, '\\n');
}

