// Reading the parts' result files. Other benchmarks change their files over time, and a part may
// not report a figure yet: an absent field is null ("not measured" in the tables), never a guess.
// A field that is present but is not a number is a bug in that part, and an error here.

export class PartResultError extends Error {}

/**
 * Every field the suite reads, by part: the contract with the part scripts (bench-ingest.ts,
 * bench-consumer.ts, bench-e2e.ts, bench-queries.ts, bench-loadgen.ts, bench-alerts.ts). Paths are dotted; `queries[]` is each entry
 * of the `queries` list.
 */
export const FIELDS = {
  ingest: {
    events_per_s: 'events_per_s',
    baseline_events_per_s: 'baseline_events_per_s',
    ratio: 'ratio',
    p50_ms: 'p50_ms',
    p99_ms: 'p99_ms',
    /** Open-loop p99 at 70 % of the one-process maximum, and that step's rate. */
    p99_ms_at_70pct: 'p99_ms_at_70pct',
    rate_at_70pct_events_per_s: 'by_workers.1.open_loop.events_per_s',
    cpu_ms_per_1000_events: 'cpu_ms_per_1000_events',
    baseline_cpu_ms_per_1000_events: 'baseline_cpu_ms_per_1000_events',
    events_per_s_2_workers: 'by_workers.2.events_per_s',
    cpu_ms_per_1000_events_2_workers: 'by_workers.2.cpu_ms_per_1000_events',
    rss_max_mb: 'rss_mb.max',
  },
  consumer: {
    rows_per_s: 'summary.consumerRowsPerSecond',
    baseline_rows_per_s: 'summary.baselineRowsPerSecond',
    ratio: 'summary.consumerToBaseline',
    cpu_ms_per_1000_rows: 'summary.consumerCpuMsPer1000Rows',
    /** The peak over every consumer run of the benchmark. */
    rss_max_mb: 'summary.consumerPeakRssMb',
  },
  e2e: {
    sustained_events_per_s: 'sustained_events_per_s',
    sustained_records_per_s: 'sustained_records_per_s',
    freshness_rate_events_per_s: 'freshness_rate_events_per_s',
    freshness_p50_ms: 'freshness_p50_ms',
    freshness_p95_ms: 'freshness_p95_ms',
    ingest_rss_max_mb: 'memory_mb.ingest.max',
    consumer_rss_max_mb: 'memory_mb.consumer.max',
    query_rss_max_mb: 'memory_mb.query.max',
  },
  /** Written by bench-e2e.ts (scripts/bench/e2e/component-cost.ts): `{ sustained, freshness_rate }`, each null or a PhaseCost. */
  e2e_component_costs: 'component_costs',
  /** bench-loadgen.ts: the load generator alone against a trivial sink. */
  loadgen: {
    offered_events_per_s: 'offered_events_per_s',
    cpu_ms_per_1000_events: 'cpu_ms_per_1000_events',
    cores: 'cores',
  },
  queries: {
    list: 'queries',
    entry: 'queries[].name, .range, .stored_rows, .p50_ms, .p95_ms, .baseline_p50_ms, .ratio',
    rss_max_mb: 'memory_mb.query',
  },
  /** bench-alerts.ts: alert latencies and the cost of evaluating many metric rules. */
  alerts: {
    new_issue_events: 'new_issue.events',
    new_issue_missed: 'new_issue.missed',
    new_issue_median_ms: 'new_issue.median_ms',
    new_issue_p95_ms: 'new_issue.p95_ms',
    new_issue_max_ms: 'new_issue.max_ms',
    metric_fire_median_ms: 'metric.fire_median_ms',
    metric_fire_max_ms: 'metric.fire_max_ms',
    metric_resolve_median_ms: 'metric.resolve_median_ms',
    metric_resolve_max_ms: 'metric.resolve_max_ms',
    metric_not_fired: 'metric.not_fired',
    metric_not_resolved: 'metric.not_resolved',
    load_rules: 'rule_load.rules',
    load_evaluated_per_10s_min: 'rule_load.rules_evaluated_per_10s.min',
    load_evaluated_per_10s_median: 'rule_load.rules_evaluated_per_10s.median',
    load_mean_interval_s: 'rule_load.mean_interval_s',
    load_oldest_evaluation_age_max_s: 'rule_load.oldest_evaluation_age_max_s',
    /** The longest round seen (half-second readings of the round histogram's sum). */
    load_slowest_round_s: 'rule_load.slowest_round_s',
    load_rounds_seen: 'rule_load.rounds_seen',
    load_round_mean_ms: 'rule_load.round_mean_ms',
    load_clickhouse_queries_per_10s: 'rule_load.clickhouse_queries_per_10s',
    load_clickhouse_seconds_per_10s: 'rule_load.clickhouse_seconds_per_10s',
    load_clickhouse_cpu_s_per_10s: 'rule_load.clickhouse_cpu_s_per_10s',
    /** The same with the background traffic and no load rule. */
    load_baseline_clickhouse_cpu_s_per_10s: 'rule_load.baseline.clickhouse_cpu_s_per_10s',
    load_baseline_alerts_cpu_s_per_10s: 'rule_load.baseline.alerts_cpu_s_per_10s',
    load_alerts_cpu_s_per_10s: 'rule_load.alerts_cpu_s_per_10s',
  },
} as const;

/** The value at a dotted path, or undefined. */
export function valueAt(result: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((from, key) => (from !== null && typeof from === 'object' ? (from as Record<string, unknown>)[key] : undefined), result);
}

/** A number at `path`; null when absent (or null: a part writes NaN as null); an error when it is anything else. */
export function optionalNumber(result: unknown, part: string, path: string): number | null {
  const value = valueAt(result, path);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new PartResultError(`${part}: ${path} is not a number (${JSON.stringify(value)})`);
  return value;
}

/** Reads every field of `fields` as an optional number. */
export function readNumbers<K extends string>(result: unknown, part: string, fields: Readonly<Record<K, string>>): Record<K, number | null> {
  const out = {} as Record<K, number | null>;
  for (const key of Object.keys(fields) as K[]) out[key] = optionalNumber(result, part, fields[key]);
  return out;
}
