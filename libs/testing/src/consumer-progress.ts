import { consumerGroupOf, createKafka, readPartitionLags, TopicNames } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import { waitUntil } from '@pulse/local-infra';
import type { Admin } from 'kafkajs';
import { testInfra } from './test-infra';

/**
 * Where the consumer groups of a stack stand: committed offsets against the ends of the
 * partitions, read from the broker. "Caught up" means every message up to the end was stored
 * (or dead-lettered) and committed.
 */
export class ConsumerProgress {
  private readonly admin: Admin;

  constructor(
    private readonly groupIdPrefix: string,
    private readonly topics: TopicNames,
    brokers = testInfra().kafkaBrokers,
  ) {
    this.admin = createKafka({ brokers: brokers.split(','), clientId: 'pulse-test-progress' }).admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  /** Messages not yet committed, summed over the partitions of `kind` (the consumer's own lag figure). */
  async lag(kind: RecordKind): Promise<number> {
    const lags = await readPartitionLags(this.admin, { groupId: consumerGroupOf(this.groupIdPrefix, kind), topic: this.topics.records[kind] });
    return lags.reduce((sum, { lag }) => sum + lag, 0);
  }

  /** Committed offsets summed over the partitions of `kind` (messages consumed since the start). */
  async committed(kind: RecordKind): Promise<number> {
    const [committed] = await this.admin.fetchOffsets({ groupId: consumerGroupOf(this.groupIdPrefix, kind), topics: [this.topics.records[kind]] });
    return (committed?.partitions ?? []).reduce((sum, p) => sum + Math.max(Number(p.offset), 0), 0);
  }

  /** Members currently in the consumer group of `kind`. */
  async members(kind: RecordKind): Promise<number> {
    const { groups } = await this.admin.describeGroups([consumerGroupOf(this.groupIdPrefix, kind)]);
    return groups[0]?.members.length ?? 0;
  }

  async waitUntilCaughtUp(kinds: RecordKind[], timeoutMs = 120_000): Promise<void> {
    await waitUntil(`consumer caught up on ${kinds.join(', ')}`, async () => (await Promise.all(kinds.map((kind) => this.lag(kind)))).every((lag) => lag === 0), { timeoutMs, intervalMs: 200 });
  }
}
