// Reading the parts' result files. Other benchmarks change their files over time, and a part may
// not report a figure yet: an absent field is null ("not measured" in the tables), never a guess.
// A field that is present but is not a number is a bug in that part, and an error here.

export class PartResultError extends Error {}

/**
 * Every field the suite reads, by part: the contract with the part scripts (bench-ingest.ts,
 * bench-consumer.ts, bench-e2e.ts, bench-queries.ts, bench-loadgen.ts). Paths are dotted; `queries[]` is each entry
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
