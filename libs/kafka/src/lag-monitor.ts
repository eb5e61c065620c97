import type { Admin, Kafka } from 'kafkajs';

export interface LagSource {
  groupId: string;
  topic: string;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages between the group's committed offset and the end of the partition. */
  lag: number;
  /** The group's committed offset (the partition's start before any commit): where the lag starts. */
  committed: number;
  /** The partition's end offset: messages produced to it so far (with those already deleted). */
  end: number;
}

/**
 * Reads consumer lag from the broker on a timer (end offsets minus committed offsets), apart from
 * the consume loop: the figure keeps growing while the consumer is stuck, which is when it matters.
 */
export class LagMonitor {
  private readonly admin: Admin;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private measuring: Promise<PartitionLag[]> | undefined;
  private connected = false;

  constructor(
    kafka: Kafka,
    private readonly sources: LagSource[],
    private readonly onLag: (lag: PartitionLag) => void,
    private readonly onError: (error: unknown) => void,
    /** Every partition of one successful round at once (after onLag for each). */
    private readonly onRound?: (lags: PartitionLag[]) => void,
  ) {
    this.admin = kafka.admin();
  }

  start(intervalMs: number): void {
    this.running = true;
    this.schedule(intervalMs);
  }

  private schedule(intervalMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.measuring = this.measure();
      void this.measuring.finally(() => this.schedule(intervalMs));
    }, intervalMs);
    this.timer.unref();
  }

  /** Reads every partition's lag now; reports a failure to onError and returns []. */
  async measure(): Promise<PartitionLag[]> {
    try {
      if (!this.connected) {
        await this.admin.connect();
        this.connected = true;
      }
      const lags = (await Promise.all(this.sources.map((source) => readPartitionLags(this.admin, source)))).flat();
      lags.forEach(this.onLag);
      this.onRound?.(lags);
      return lags;
    } catch (error) {
      this.onError(error);
      return [];
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.measuring;
    if (this.connected) await this.admin.disconnect();
    this.connected = false;
  }
}

/** Each partition's end offset minus the group's committed offset (or the partition's start, before any commit). */
export async function readPartitionLags(admin: Admin, { groupId, topic }: LagSource): Promise<PartitionLag[]> {
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committedByPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  return ends.map(({ partition, high, low }) => {
    const position = committedByPartition.get(partition) ?? -1n;
    const from = position >= 0n ? position : BigInt(low);
    return { topic, partition, lag: Number(BigInt(high) - from), committed: Number(from), end: Number(high) };
  });
}
