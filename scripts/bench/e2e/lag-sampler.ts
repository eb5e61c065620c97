import { consumerGroupOf, readPartitionLags, TopicNames } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import type { Admin } from 'kafkajs';

/** One reading of every record topic, summed over their partitions. */
export interface LagReading {
  atMs: number;
  /** Sum over every partition of (end − committed); before a commit, from the partition's start. */
  lag: number;
  /** Sum of the end offsets (records produced so far, minus any the topics started with). */
  produced: number;
}

/**
 * Reads the consumer groups' lag from the broker once a second, apart from the consumer, with
 * the consumer's own reading (`readPartitionLags` of libs/kafka): per record kind, the topic's end
 * offsets against the group's committed offsets.
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
    const partitions = (
      await Promise.all(
        Object.values(RecordKind).map((kind) => readPartitionLags(this.admin, { groupId: consumerGroupOf(this.groupPrefix, kind), topic: this.topics.records[kind] })),
      )
    ).flat();
    return { atMs, lag: partitions.reduce((sum, p) => sum + p.lag, 0), produced: partitions.reduce((sum, p) => sum + p.end, 0) };
  }
}
