import { consumerGroupOf, RecordKind, TopicNames } from '@pulse/kafka';
import type { Admin } from 'kafkajs';

/** One reading of every record topic: per partition, the end offset and the group's committed offset. */
export interface LagReading {
  atMs: number;
  /** Sum over every partition of every record topic of (end − committed); before a commit, from the partition's start. */
  lag: number;
  /** Sum of the end offsets (records produced so far, minus any the topics started with). */
  produced: number;
  byKind: Record<string, { lag: number; produced: number; partitions: Array<{ partition: number; end: number; committed: number; lag: number }> }>;
}

/**
 * Reads the consumer groups' lag from the broker once a second, apart from the consumer (as
 * libs/kafka/src/lag-monitor.ts does): per record kind, the topic's end offsets
 * (`fetchTopicOffsets`) against the group's committed offsets (`fetchOffsets`), per partition.
 */
export class LagSampler {
  readonly readings: LagReading[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  failures = 0;

  constructor(
    private readonly admin: Admin,
    private readonly topics: TopicNames,
    private readonly groupPrefix: string,
  ) {}

  start(intervalMs = 1000): void {
    const loop = (): void => {
      this.running = this.read()
        .then((reading) => void this.readings.push(reading))
        .catch(() => void this.failures++)
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(loop, intervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Readings taken in [fromMs, toMs]. */
  between(fromMs: number, toMs: number): LagReading[] {
    return this.readings.filter((r) => r.atMs >= fromMs && r.atMs <= toMs);
  }

  async read(): Promise<LagReading> {
    const atMs = Date.now();
    const kinds = Object.values(RecordKind);
    const perKind = await Promise.all(
      kinds.map(async (kind) => {
        const topic = this.topics.records[kind];
        const [ends, [committed]] = await Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: consumerGroupOf(this.groupPrefix, kind), topics: [topic] })]);
        const committedByPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        const partitions = ends.map(({ partition, high, low }) => {
          const position = committedByPartition.get(partition) ?? -1;
          const end = Number(high);
          const from = position >= 0 ? position : Number(low);
          return { partition, end, committed: position, lag: end - from };
        });
        return [kind, { lag: partitions.reduce((s, p) => s + p.lag, 0), produced: partitions.reduce((s, p) => s + p.end, 0), partitions }] as const;
      }),
    );
    const byKind = Object.fromEntries(perKind);
    return {
      atMs,
      lag: perKind.reduce((sum, [, k]) => sum + k.lag, 0),
      produced: perKind.reduce((sum, [, k]) => sum + k.produced, 0),
      byKind,
    };
  }
}
