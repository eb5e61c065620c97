import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Broker-side retention; -1 keeps forever. */
  retentionMs?: number;
}

/** How long ensureTopics waits for the partitions of the topics it created to have leaders. */
const LEADERS_TIMEOUT_MS = 30_000;
/** How long the replication check retries while a broker has not heard of a new topic yet. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * Creates missing topics with their configured partition counts. Existing topics are left as they
 * are; a topic with fewer partitions than configured is reported, not silently changed, because
 * adding partitions re-keys projects onto other partitions.
 *
 * Replication is the brokers' business: topics are created with the cluster's
 * `default.replication.factor` and `min.insync.replicas` (docs/local-infra.md, "Durability"), and
 * a topic that cannot keep an acknowledged event through the loss of one broker is reported.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<{ created: string[]; warnings: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      // kafkajs's own waitForLeaders gives up when the broker it asks has not heard of a new topic
      // yet (UNKNOWN_TOPIC_OR_PARTITION, usual on a cluster of several brokers): poll instead.
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: -1,
          configEntries: spec.retentionMs === undefined ? [] : [{ name: 'retention.ms', value: String(spec.retentionMs) }],
        })),
      });
      await waitForLeaders(admin, missing.map((spec) => spec.topic));
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
    warnings.push(...(await checkReplication(admin, specs.map((spec) => spec.topic))));
    return { created: missing.map((spec) => spec.topic), warnings };
  } finally {
    await admin.disconnect();
  }
}

async function waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  let lastError: unknown;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.length === topics.length && found.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      lastError = error; // the topic is not known to the broker asked yet
    }
    if (Date.now() >= deadline) {
      throw new Error(`topics ${topics.join(', ')} have no leader for every partition after ${LEADERS_TIMEOUT_MS} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The replication of `topics` against what the cluster could give; warnings only, never a failure
 * to start. Each request may go to another broker, and one that has not applied a new topic's
 * metadata yet answers UNKNOWN_TOPIC_OR_PARTITION: retried for a few seconds.
 */
async function checkReplication(admin: Admin, topics: string[]): Promise<string[]> {
  const deadline = Date.now() + CHECK_TIMEOUT_MS;
  for (;;) {
    try {
      return await readReplication(admin, topics);
    } catch (error) {
      if (Date.now() >= deadline) return [`could not check the replication of the topics: ${error instanceof Error ? error.message : String(error)}`];
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function readReplication(admin: Admin, topics: string[]): Promise<string[]> {
  const [{ brokers }, { topics: metadata }, { resources }] = await Promise.all([
    admin.describeCluster(),
    admin.fetchTopicMetadata({ topics }),
    admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['min.insync.replicas'] })) }),
  ]);
  const minIsr = new Map(resources.map((r) => [r.resourceName, Number(r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue)]));
  return metadata.flatMap((topic) =>
    topic.partitions.length === 0
      ? []
      : replicationWarnings({
          topic: topic.name,
          brokers: brokers.length,
          replicationFactor: Math.min(...topic.partitions.map((p) => p.replicas.length)),
          minInsyncReplicas: minIsr.get(topic.name) ?? NaN,
        }),
  );
}

/**
 * Why a topic would lose acknowledged events or stop taking them when one broker goes, given the
 * cluster's size. Ingest produces with acks=all: a write is acknowledged once `min.insync.replicas`
 * replicas have it. A single broker cannot do better than one copy, so it gets no warning.
 */
export function replicationWarnings(input: { topic: string; brokers: number; replicationFactor: number; minInsyncReplicas: number }): string[] {
  const { topic, brokers, replicationFactor, minInsyncReplicas } = input;
  const fix = 'set default.replication.factor=3 and min.insync.replicas=2 on the brokers (or on the topic)';
  if (brokers < 2) return [];
  if (replicationFactor < 2) return [`topic ${topic} has 1 replica on a cluster of ${brokers} brokers: an acknowledged event is lost with the broker that holds it; ${fix}`];
  const warnings: string[] = [];
  if (!Number.isInteger(minInsyncReplicas)) return warnings; // not readable (no DescribeConfigs right)
  if (minInsyncReplicas < 2) warnings.push(`topic ${topic} has min.insync.replicas=${minInsyncReplicas}: an event may be acknowledged while only one broker has it; ${fix}`);
  if (minInsyncReplicas >= replicationFactor) warnings.push(`topic ${topic} has min.insync.replicas=${minInsyncReplicas} with ${replicationFactor} replicas: writes stop (ingest answers 503) while any one of its brokers is down; ${fix}`);
  return warnings;
}
