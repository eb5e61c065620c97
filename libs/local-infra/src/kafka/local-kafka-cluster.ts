import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { LocalService } from '../local-service';
import { generateClusterId, isValidClusterId } from './kafka-config';
import { LocalKafka, LocalKafkaOptions } from './local-kafka';

/** Every broker gets `libsDir` (one jar cache), `numPartitions` and `log` as a LocalKafka of its own would. */
export interface LocalKafkaClusterOptions extends Pick<LocalKafkaOptions, 'libsDir' | 'numPartitions' | 'log'> {
  /** Absolute directory holding cluster.id and one `node-<id>/` state dir per broker. */
  stateDir: string;
  /** One entry per broker: its PLAINTEXT listener and KRaft controller ports. Node ids are 1, 2, 3… in this order. */
  ports: { port: number; controllerPort: number }[];
  /** Copies of every partition (`default.replication.factor`). Default min(3, brokers). */
  replicationFactor?: number;
  /** `min.insync.replicas`. Default 2 when the replication factor allows it, else 1. */
  minInsyncReplicas?: number;
  /** `-Xmx` per broker. Default `384m`. */
  heap?: string;
  /** `-Xms` per broker. Default `128m`. */
  initialHeap?: string;
  /** How long a broker's start waits for it to answer. Default 120 s (three JVMs share the cores). */
  readyTimeoutMs?: number;
}

/**
 * A KRaft cluster of real Apache Kafka brokers on this machine, each node broker and controller at
 * once, with its own node id, ports and log directory, all sharing the voters and the cluster id.
 * Topics created without explicit settings get `replicationFactor` copies and
 * `min.insync.replicas`, so an acks=all write survives the loss of any one broker. Single brokers
 * can be killed (SIGKILL) and started again, for fault tests.
 */
export class LocalKafkaCluster implements LocalService {
  readonly name = 'kafka-cluster';
  readonly stateDir: string;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly nodes: readonly LocalKafka[];
  private readonly clusterIdFile: string;
  private readonly clusterId: string;
  private readonly log: (line: string) => void;

  constructor(options: LocalKafkaClusterOptions) {
    if (!options.stateDir || !isAbsolute(options.stateDir)) {
      throw new Error(`LocalKafkaCluster: stateDir must be an absolute path, got "${options.stateDir}"`);
    }
    const brokers = options.ports.length;
    if (brokers < 1) throw new Error('LocalKafkaCluster: at least one broker is needed');
    this.stateDir = options.stateDir;
    this.replicationFactor = options.replicationFactor ?? Math.min(3, brokers);
    this.minInsyncReplicas = options.minInsyncReplicas ?? (this.replicationFactor >= 3 ? 2 : 1);
    this.log = options.log ?? ((line) => console.log(line));
    const voters = options.ports.map(({ controllerPort }, i) => ({ nodeId: i + 1, controllerPort }));
    this.clusterIdFile = join(this.stateDir, 'cluster.id');
    this.clusterId = readClusterId(this.clusterIdFile) ?? generateClusterId();
    const clusterId = this.clusterId;
    this.nodes = options.ports.map(
      ({ port, controllerPort }, i) =>
        new LocalKafka({
          port,
          controllerPort,
          nodeId: i + 1,
          stateDir: join(this.stateDir, `node-${i + 1}`),
          libsDir: options.libsDir,
          heap: options.heap ?? '384m',
          initialHeap: options.initialHeap ?? '128m',
          numPartitions: options.numPartitions,
          readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
          cluster: { clusterId, voters, replicationFactor: this.replicationFactor, minInsyncReplicas: this.minInsyncReplicas },
          log: this.log,
        }),
    );
  }

  /** Every broker's `host:port`, comma-separated, as KAFKA_BROKERS takes it. */
  get endpoint(): string {
    return this.nodes.map((node) => node.endpoint).join(',');
  }

  get brokers(): string[] {
    return this.nodes.map((node) => node.endpoint);
  }

  /** The broker with this node id (1-based). */
  node(nodeId: number): LocalKafka {
    const node = this.nodes.find((candidate) => candidate.nodeId === nodeId);
    if (!node) throw new Error(`LocalKafkaCluster: no node ${nodeId} (nodes 1–${this.nodes.length})`);
    return node;
  }

  /**
   * Starts every broker that is not running, all at once: a node's controller needs a majority of
   * the voters before its broker can register, so one by one would never get ready.
   */
  async start(): Promise<void> {
    // One jar cache for all brokers: the first fetches it.
    await this.nodes[0].install();
    if (readClusterId(this.clusterIdFile) === undefined) {
      mkdirSync(this.stateDir, { recursive: true });
      writeFileSync(this.clusterIdFile, `${this.clusterId}\n`);
    }
    const results = await Promise.allSettled(this.nodes.map((node) => node.start()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((node) => node.stop()));
  }

  async isRunning(): Promise<boolean> {
    return (await Promise.all(this.nodes.map((node) => node.isRunning()))).every(Boolean);
  }

  /** SIGKILL one broker (a crash: no controlled shutdown); resolves once it is gone. */
  killBroker(nodeId: number): Promise<void> {
    return this.node(nodeId).kill();
  }

  /** Starts one broker again on its data; resolves once it has registered with the cluster. */
  startBroker(nodeId: number): Promise<void> {
    return this.node(nodeId).start();
  }

  /** Pids of the running brokers by node id (for memory and CPU sampling). */
  runningPids(): Map<number, number> {
    const pids = new Map<number, number>();
    for (const node of this.nodes) {
      const pid = node.runningPid();
      if (pid !== undefined) pids.set(node.nodeId, pid);
    }
    return pids;
  }
}

/** The id every node was formatted with, kept in the state dir so a restarted node joins the same cluster. */
function readClusterId(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const id = readFileSync(file, 'utf8').trim();
  if (!isValidClusterId(id)) throw new Error(`LocalKafkaCluster: ${file} holds no valid cluster id`);
  return id;
}
