import type { Admin, Kafka } from 'kafkajs';

/**
 * How many partitions each topic has, for a producer that picks the partition of every message
 * itself (BatchingProducer) and so knows which partitions a batch must have been acknowledged on.
 */
export interface PartitionCountSource {
  /** The partition count of each topic; fetched for a topic not known yet, otherwise cached. */
  counts(topics: string[]): Promise<Map<string, number>>;
  /** After a failed or incomplete send: re-read the counts, without holding up the sends meanwhile. */
  refresh(): void;
  close(): Promise<void>;
}

export interface AdminPartitionCountsOptions {
  /** Counts older than this are re-read in the background, so added partitions are picked up. */
  maxAgeMs?: number;
}

/** kafkajs's own metadata age (metadataMaxAge), so partitions added to a topic are seen as soon as kafkajs would. */
const DEFAULT_MAX_AGE_MS = 300_000;

/**
 * Partition counts from the cluster's metadata through one admin connection. Only the first batch
 * of a topic waits for them; after that a stale count is re-read in the background while the
 * cached one is used: a count only grows (Kafka cannot remove partitions), so a cached count names
 * partitions that exist, and a broker being down changes leaders, never counts.
 */
export class AdminPartitionCounts implements PartitionCountSource {
  private readonly cached = new Map<string, number>();
  private fetchedAt = 0;
  private stale = false;
  private refreshing: Promise<void> | undefined;
  /** A promise, so that batches asking at the same time share one connection. */
  private admin: Promise<Admin> | undefined;
  private readonly maxAgeMs: number;

  constructor(
    private readonly kafka: Kafka,
    options: AdminPartitionCountsOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  }

  async counts(topics: string[]): Promise<Map<string, number>> {
    const unknown = topics.filter((topic) => !this.cached.has(topic));
    if (unknown.length > 0) await this.fetch(unknown);
    else if (this.stale || Date.now() - this.fetchedAt > this.maxAgeMs) this.refresh();
    return new Map(topics.map((topic) => [topic, this.cached.get(topic)!]));
  }

  refresh(): void {
    this.stale = true;
    if (this.refreshing || this.cached.size === 0) return;
    this.refreshing = this.fetch([...this.cached.keys()])
      // A failed refresh keeps the cached counts (still valid, see above); the next send tries again.
      .catch(() => undefined)
      .finally(() => (this.refreshing = undefined));
  }

  async close(): Promise<void> {
    await this.refreshing;
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect(), () => undefined);
  }

  private async fetch(topics: string[]): Promise<void> {
    try {
      this.admin ??= this.connect();
      const metadata = await (await this.admin).fetchTopicMetadata({ topics });
      for (const topic of metadata.topics) {
        if (topic.partitions.length === 0) throw new Error(`topic ${topic.name} has no partitions in the cluster's metadata`);
        this.cached.set(topic.name, topic.partitions.length);
      }
      for (const topic of topics) if (!this.cached.has(topic)) throw new Error(`topic ${topic} is not in the cluster's metadata`);
      this.fetchedAt = Date.now();
      this.stale = false;
    } catch (error) {
      const admin = this.admin;
      this.admin = undefined;
      await admin?.then((connected) => connected.disconnect(), () => undefined).catch(() => undefined);
      throw error;
    }
  }

  private async connect(): Promise<Admin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return admin;
  }
}
