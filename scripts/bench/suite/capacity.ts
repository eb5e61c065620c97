// The sizing table: from the CPU each component used per event in the end-to-end benchmark to the
// cores, replicas, partitions and shards a deployment needs at 10k, 100k and 1M events/s, under the
// assumptions of capacity-assumptions.ts. Pure: the figures in, the table out; a component that
// was not measured gives null ("not measured"), never a number.
import type { ComponentName, PhaseCost } from '../e2e/component-cost';
import { round } from '../stats';
import {
  CLICKHOUSE_REPLICAS_PER_SHARD,
  CORES_PER_CLICKHOUSE_SHARD,
  CORES_PER_KAFKA_BROKER,
  CORES_PER_NODE_REPLICA,
  EVENTS_PER_PARTITION_PER_S,
  HEADROOM,
  MIN_KAFKA_BROKERS,
  SIZING_RATES_EVENTS_PER_S,
  sizingAssumptions,
} from './capacity-assumptions';

export const SIZED_COMPONENTS = ['ingest', 'consumer', 'kafka', 'clickhouse'] as const satisfies readonly ComponentName[];
export type SizedComponent = (typeof SIZED_COMPONENTS)[number];

export interface SizingRow {
  events_per_s: number;
  ingest_cores: number | null;
  ingest_replicas: number | null;
  consumer_cores: number | null;
  consumer_replicas: number | null;
  /** Per record topic: one per EVENTS_PER_PARTITION_PER_S, and at least one per consumer replica. */
  kafka_partitions: number | null;
  kafka_cores: number | null;
  kafka_brokers: number | null;
  clickhouse_cores: number | null;
  clickhouse_shards: number | null;
  /** Shards × replicas. */
  clickhouse_servers: number | null;
}

export interface Capacity {
  /** The end-to-end phase whose costs the table uses; null when the end-to-end part did not run. */
  source: { part: 'e2e'; phase: string; offered_events_per_s: number; accepted_events_per_s: number; why: string } | null;
  cpu_ms_per_1000_events: Record<SizedComponent, number | null>;
  /** One core's worth of events/s per component, before headroom. */
  events_per_s_per_core: Record<SizedComponent, number | null>;
  rows: SizingRow[];
  assumptions: Record<string, unknown>;
}

export interface E2ECosts {
  sustained: PhaseCost | null;
  freshness_rate: PhaseCost | null;
}

/**
 * The costs of the highest passing step: the fastest rate the whole pipeline kept up with, where
 * per-event costs are lowest (fuller batches) yet nothing was overloaded. Without one, the
 * freshness phase's (a fixed rate, which may have been more than the machine could take).
 */
export function chooseSource(costs: E2ECosts | null): { cost: PhaseCost; why: string } | null {
  if (costs?.sustained) return { cost: costs.sustained, why: 'the highest passing step' };
  if (costs?.freshness_rate) return { cost: costs.freshness_rate, why: 'the freshness phase (no step passed)' };
  return null;
}

export function sizeDeployment(costs: E2ECosts | null): Capacity {
  const chosen = chooseSource(costs);
  const cpu = {} as Record<SizedComponent, number | null>;
  const perCore = {} as Record<SizedComponent, number | null>;
  for (const name of SIZED_COMPONENTS) {
    const ms = chosen?.cost.components[name]?.cpu_ms_per_1000_events ?? null;
    cpu[name] = ms !== null && ms > 0 ? ms : null;
    perCore[name] = cpu[name] === null ? null : Math.round(1_000_000 / cpu[name]!);
  }
  const coresAt = (name: SizedComponent, rate: number): number | null => (cpu[name] === null ? null : round((rate * cpu[name]! * HEADROOM) / 1_000_000, 1));
  const rows = SIZING_RATES_EVENTS_PER_S.map((rate): SizingRow => {
    const ingest = coresAt('ingest', rate);
    const consumer = coresAt('consumer', rate);
    const kafka = coresAt('kafka', rate);
    const clickhouse = coresAt('clickhouse', rate);
    const consumerReplicas = replicas(consumer, CORES_PER_NODE_REPLICA);
    const shards = replicas(clickhouse, CORES_PER_CLICKHOUSE_SHARD);
    return {
      events_per_s: rate,
      ingest_cores: ingest,
      ingest_replicas: replicas(ingest, CORES_PER_NODE_REPLICA),
      consumer_cores: consumer,
      consumer_replicas: consumerReplicas,
      kafka_partitions: consumerReplicas === null ? null : Math.max(Math.ceil(rate / EVENTS_PER_PARTITION_PER_S), consumerReplicas),
      kafka_cores: kafka,
      kafka_brokers: kafka === null ? null : Math.max(MIN_KAFKA_BROKERS, Math.ceil(kafka / CORES_PER_KAFKA_BROKER)),
      clickhouse_cores: clickhouse,
      clickhouse_shards: shards,
      clickhouse_servers: shards === null ? null : shards * CLICKHOUSE_REPLICAS_PER_SHARD,
    };
  });
  const { cost } = chosen ?? {};
  return {
    source: chosen && cost ? { part: 'e2e', phase: cost.phase, offered_events_per_s: cost.offered_events_per_s, accepted_events_per_s: cost.accepted_events_per_s, why: chosen.why } : null,
    cpu_ms_per_1000_events: cpu,
    events_per_s_per_core: perCore,
    rows,
    assumptions: sizingAssumptions(),
  };
}

function replicas(cores: number | null, coresPerReplica: number): number | null {
  return cores === null ? null : Math.max(1, Math.ceil(cores / coresPerReplica));
}
