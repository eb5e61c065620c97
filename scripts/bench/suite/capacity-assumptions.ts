// The assumptions of the sizing table (capacity.ts), in one place: every figure of that table is a
// measured CPU cost per event multiplied out with these. Change them here; the suite writes them
// into its result file next to the table they produced.

/** The event rates the table sizes a deployment for. */
export const SIZING_RATES_EVENTS_PER_S = [10_000, 100_000, 1_000_000] as const;

/** Provision this many times the measured CPU: services run at ≤ 1/HEADROOM of their cores, with room for peaks, merges and restarts. */
export const HEADROOM = 1.5;

/** A Node service (ingest, consumer) runs its JavaScript on one thread: a replica is sized at one core. */
export const CORES_PER_NODE_REPLICA = 1;

/**
 * Events per second one partition of a record topic is planned for. An event is ~5 KB of envelope
 * and ~7 stored records (docs/loadgen.md), so 2,000 events/s is ~10 MB/s per partition, well
 * inside what one Kafka partition and one consumer replica take.
 */
export const EVENTS_PER_PARTITION_PER_S = 2_000;

/** Cores of one Kafka broker, and the fewest brokers (replication factor 3, `min.insync.replicas` 2). */
export const CORES_PER_KAFKA_BROKER = 8;
export const MIN_KAFKA_BROKERS = 3;

/** Cores of one ClickHouse server; each shard has this many replicas (the cores are per replica: each replica inserts and merges every row of its shard). */
export const CORES_PER_CLICKHOUSE_SHARD = 16;
export const CLICKHOUSE_REPLICAS_PER_SHARD = 2;

/** What the table cannot see, printed with it. */
export const SIZING_CAVEATS = [
  'CPU costs are per event of the load generator\'s mix (docs/loadgen.md: ~7 stored records per event); another mix costs otherwise',
  'ClickHouse ran as the chdb-based local server on the same cores as everything else; clickhouse-server on its own hosts may cost less per row',
  'query load is not sized: only the benchmark\'s freshness polls ran',
  'disk, network and memory are not sized; neither is the replication traffic of Kafka and ClickHouse',
] as const;

export function sizingAssumptions(): Record<string, unknown> {
  return {
    headroom: HEADROOM,
    cores_per_node_replica: CORES_PER_NODE_REPLICA,
    events_per_partition_per_s: EVENTS_PER_PARTITION_PER_S,
    cores_per_kafka_broker: CORES_PER_KAFKA_BROKER,
    min_kafka_brokers: MIN_KAFKA_BROKERS,
    cores_per_clickhouse_shard: CORES_PER_CLICKHOUSE_SHARD,
    clickhouse_replicas_per_shard: CLICKHOUSE_REPLICAS_PER_SHARD,
    caveats: SIZING_CAVEATS,
  };
}
