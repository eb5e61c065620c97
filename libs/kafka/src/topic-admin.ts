import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Broker-side retention; -1 keeps forever. */
  retentionMs?: number;
}

/**
 * Creates missing topics with their configured partition counts. Existing topics are left as they
 * are; a topic with fewer partitions than configured is reported, not silently changed, because
 * adding partitions re-keys projects onto other partitions.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<{ created: string[]; warnings: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: -1,
          configEntries: spec.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(spec.retentionMs) }],
        })),
      });
    }
    const warnings: string[] = [];
    const present = specs.filter((spec) => existing.has(spec.topic));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
      for (const topic of metadata.topics) {
        const wanted = specs.find((spec) => spec.topic === topic.name)?.partitions ?? 0;
        if (topic.partitions.length < wanted) warnings.push(`topic ${topic.name} has ${topic.partitions.length} partitions, configured ${wanted}`);
      }
    }
    return { created: missing.map((spec) => spec.topic), warnings };
  } finally {
    await admin.disconnect();
  }
}
