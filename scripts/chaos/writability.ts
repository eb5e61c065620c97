import type { Admin } from 'kafkajs';
import { Window, windowsOfSamples } from './windows';

/** One partition as the cluster's metadata describes it. */
export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  isr: number[];
}

/**
 * Whether an acks=all write to this partition can complete now: its leader is alive, it has at
 * least `minInsyncReplicas` replicas in sync, and none of those is down (the leader waits for every
 * in-sync replica; a dead one holds the write until the controller drops it from the ISR).
 */
export function canTakeWrites(state: PartitionState, down: ReadonlySet<number>, minInsyncReplicas: number): boolean {
  return state.leader >= 0 && !down.has(state.leader) && state.isr.length >= minInsyncReplicas && !state.isr.some((replica) => down.has(replica));
}

export interface WritabilitySample {
  atMs: number;
  /** `topic/partition` of every partition that could not take writes; undefined when the metadata could not be read. */
  unwritable?: string[];
  /** The leader of each partition (`topic/partition` → node id). */
  leaders?: Record<string, number>;
}

/**
 * Polls the record topics' metadata (leader and in-sync replicas per partition) and, with the
 * brokers the harness has killed, tells when the cluster could not take writes: the yardstick for
 * ingest's 503 answers. The metadata comes from the live brokers, as the producer sees it.
 */
export class WritabilityMonitor {
  readonly samples: WritabilitySample[] = [];
  private readonly down = new Set<number>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly topics: string[],
    private readonly minInsyncReplicas: number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        await this.poll();
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, this.intervalMs - (Date.now() - started))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  markDown(nodeId: number): void {
    this.down.add(nodeId);
  }

  markUp(nodeId: number): void {
    this.down.delete(nodeId);
  }

  /** The partitions of the record topics now, from the metadata. */
  async partitions(): Promise<PartitionState[]> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: this.topics });
    return topics.flatMap((topic) => topic.partitions.map((p) => ({ topic: topic.name, partition: p.partitionId, leader: p.leader, isr: p.isr })));
  }

  /** Windows when at least one partition could not take writes, over [fromMs, toMs]. */
  windows(fromMs: number, toMs: number): Window[] {
    return windowsOfSamples(this.between(fromMs, toMs), (sample) => (sample.unwritable?.length ?? 0) > 0);
  }

  /** Windows when the metadata could not be read at all. */
  blindWindows(fromMs: number, toMs: number): Window[] {
    return windowsOfSamples(this.between(fromMs, toMs), (sample) => sample.unwritable === undefined);
  }

  /** The leaders seen in [fromMs, toMs] as `topic/partition: a→b→…`, where they changed. */
  leaderChanges(fromMs: number, toMs: number): string[] {
    const history = new Map<string, number[]>();
    for (const sample of this.between(fromMs, toMs)) {
      for (const [key, leader] of Object.entries(sample.leaders ?? {})) {
        const list = history.get(key) ?? [];
        if (list[list.length - 1] !== leader) list.push(leader);
        history.set(key, list);
      }
    }
    return [...history].filter(([, leaders]) => leaders.length > 1).map(([key, leaders]) => `${key}: ${leaders.join('→')}`);
  }

  private between(fromMs: number, toMs: number): WritabilitySample[] {
    return this.samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
  }

  private async poll(): Promise<void> {
    const atMs = Date.now();
    try {
      const partitions = await this.partitions();
      this.samples.push({
        atMs,
        unwritable: partitions.filter((p) => !canTakeWrites(p, this.down, this.minInsyncReplicas)).map((p) => `${p.topic}/${p.partition}`),
        leaders: Object.fromEntries(partitions.map((p) => [`${p.topic}/${p.partition}`, p.leader])),
      });
    } catch {
      this.samples.push({ atMs });
    }
  }
}
