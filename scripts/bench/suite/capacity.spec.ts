import { phaseCost } from '../e2e/component-cost';
import { sizeDeployment } from './capacity';
import { CLICKHOUSE_REPLICAS_PER_SHARD, CORES_PER_CLICKHOUSE_SHARD, EVENTS_PER_PARTITION_PER_S, HEADROOM, MIN_KAFKA_BROKERS } from './capacity-assumptions';

/** 1,000 accepted events/s with ingest 0.5, consumer 0.1, Kafka 0.05 and ClickHouse 0.8 cores. */
const measured = {
  phase: 'step 1000',
  offered_events_per_s: 1000,
  accepted_events_per_s: 1000,
  cores: { ingest: 0.5, consumer: 0.1, kafka: 0.05, clickhouse: 0.8 },
  rss_max_mb: {},
};
const cost = phaseCost(measured);

describe('sizeDeployment', () => {
  const capacity = sizeDeployment({ sustained: cost, freshness_rate: null });

  it('turns CPU ms per 1,000 events into events/s per core', () => {
    expect(capacity.cpu_ms_per_1000_events).toEqual({ ingest: 500, consumer: 100, kafka: 50, clickhouse: 800 });
    expect(capacity.events_per_s_per_core).toEqual({ ingest: 2000, consumer: 10000, kafka: 20000, clickhouse: 1250 });
  });

  it('sizes each rate: cores with headroom, whole replicas, partitions, shards', () => {
    const row = capacity.rows.find((r) => r.events_per_s === 100_000)!;
    // ingest: 100,000 events/s × 0.5 ms ÷ 1,000 = 50 cores, × headroom.
    expect(row.ingest_cores).toBeCloseTo(50 * HEADROOM, 5);
    expect(row.ingest_replicas).toBe(Math.ceil(50 * HEADROOM));
    expect(row.consumer_cores).toBeCloseTo(10 * HEADROOM, 5);
    expect(row.kafka_partitions).toBe(Math.max(100_000 / EVENTS_PER_PARTITION_PER_S, Math.ceil(10 * HEADROOM)));
    expect(row.kafka_brokers).toBeGreaterThanOrEqual(MIN_KAFKA_BROKERS);
    expect(row.clickhouse_shards).toBe(Math.ceil((80 * HEADROOM) / CORES_PER_CLICKHOUSE_SHARD));
    expect(row.clickhouse_servers).toBe(row.clickhouse_shards! * CLICKHOUSE_REPLICAS_PER_SHARD);
  });

  it('gives at least one replica, and as many partitions as consumer replicas', () => {
    const small = capacity.rows.find((r) => r.events_per_s === 10_000)!;
    expect(small.consumer_replicas).toBe(Math.ceil(1 * HEADROOM));
    expect(small.kafka_partitions).toBeGreaterThanOrEqual(small.consumer_replicas!);
  });

  it('leaves a component without a measurement unsized, and uses the freshness phase when no step passed', () => {
    const partial = sizeDeployment({ sustained: null, freshness_rate: phaseCost({ ...measured, phase: 'freshness', cores: { ingest: 0.5 } }) });
    expect(partial.source).toMatchObject({ phase: 'freshness', why: 'the freshness phase (no step passed)' });
    const row = partial.rows[0];
    expect(row.ingest_replicas).not.toBeNull();
    expect([row.consumer_cores, row.kafka_partitions, row.kafka_cores, row.clickhouse_shards]).toEqual([null, null, null, null]);
    expect(sizeDeployment(null).source).toBeNull();
  });
});
