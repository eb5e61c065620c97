import { COMPONENT_LABELS, COMPONENTS, PhaseCost, pipelineCpuMsPer1000Events } from '../e2e/component-cost';
import { printQueryTable } from '../report';
import { printColumns } from '../table';
import type { Capacity, SizingRow } from './capacity';
import type { SuiteResult } from './suite-result';

const NOT_MEASURED = 'not measured';

/** The suite's figures on stdout: headline figures, targets, per-component cost, sizing. */
export function printSuite(suite: SuiteResult): void {
  printHeadlines(suite);
  if (suite.queries.length > 0) {
    console.log('');
    printQueryTable(suite.queries);
  }
  console.log('');
  console.log('Targets');
  printColumns(
    ['target', 'wanted', 'measured', 'result'],
    suite.targets.map((t) => [t.what, t.target, t.measured, t.stretch === undefined ? t.status : `${t.status} (stretch ${t.stretch})`]),
    [false, false, false, false],
  );
  console.log('');
  printComponents(suite);
  console.log('');
  printCapacity(suite.capacity);
}

function printHeadlines(suite: SuiteResult): void {
  const rows: string[][] = [];
  const { loadgen: l, ingest: i, consumer: c, e2e: e } = suite;
  if (l) rows.push([`load generator alone at ${show(l.offered_events_per_s)} events/s: CPU ms per 1,000 events (cores)`, `${show(l.cpu_ms_per_1000_events)} (${show(l.cores, 2)})`, '', '']);
  if (i) {
    rows.push(['ingest events/s, one process', show(i.events_per_s), show(i.baseline_events_per_s), show(i.ratio, 2)]);
    rows.push(['ingest events/s, two worker processes (CPU ms per 1,000 events)', `${show(i.events_per_s_2_workers)} (${show(i.cpu_ms_per_1000_events_2_workers)})`, '', '']);
    rows.push(['ingest CPU ms per 1,000 events', show(i.cpu_ms_per_1000_events), show(i.baseline_cpu_ms_per_1000_events), '']);
    rows.push(['ingest response p50 / p99 at max (ms)', `${show(i.p50_ms, 1)} / ${show(i.p99_ms, 1)}`, '', '']);
  }
  if (c) {
    rows.push(['consumer rows/s', show(c.rows_per_s), show(c.baseline_rows_per_s), show(c.ratio, 2)]);
    rows.push(['consumer CPU ms per 1,000 rows', show(c.cpu_ms_per_1000_rows), '', '']);
  }
  if (e) {
    rows.push(['end to end, sustained events/s', show(e.sustained_events_per_s), '', '']);
    rows.push(['  stored rows/s at that rate', show(e.sustained_records_per_s), '', '']);
    rows.push([`end to end, freshness p50 / p95 at ${show(e.freshness_rate_events_per_s)} events/s (ms)`, `${show(e.freshness_p50_ms)} / ${show(e.freshness_p95_ms)}`, '', '']);
  }
  const a = suite.alerts;
  if (a) {
    const secs = (ms: number | null) => (ms === null ? NOT_MEASURED : show(ms / 1000, 2));
    rows.push([`new-issue alert median / p95 / max (s), ${show(a.new_issue_events)} events`, `${secs(a.new_issue_median_ms)} / ${secs(a.new_issue_p95_ms)} / ${secs(a.new_issue_max_ms)}`, '', '']);
    rows.push(['metric alert fire, median / max (s)', `${secs(a.metric_fire_median_ms)} / ${secs(a.metric_fire_max_ms)}`, '', '']);
    rows.push(['metric alert resolve, median / max (s)', `${secs(a.metric_resolve_median_ms)} / ${secs(a.metric_resolve_max_ms)}`, '', '']);
    rows.push([`${show(a.load_rules)} metric rules: evaluated per 10 s (mean interval s)`, `${show(a.load_evaluated_per_10s_median)} (${show(a.load_mean_interval_s, 2)})`, '', '']);
    rows.push(['  per 10 s: ClickHouse reads / read s / server CPU s; alerts CPU s', `${show(a.load_clickhouse_queries_per_10s)} / ${show(a.load_clickhouse_seconds_per_10s, 2)} / ${show(a.load_clickhouse_cpu_s_per_10s, 2)}; ${show(a.load_alerts_cpu_s_per_10s, 2)}`, '', '']);
  }
  for (const service of ['ingest', 'consumer', 'query'] as const) {
    const mb = suite.memory_mb[service];
    rows.push([`${service} RSS peak over the parts (MB)`, show(mb, 1), '', '']);
  }
  printColumns(['figure', 'measured', 'baseline', 'ratio'], rows, [false, true, true, true]);
}

/** Per component: end to end at the highest passing step and at the freshness rate; the isolated benchmarks beside. */
function printComponents(suite: SuiteResult): void {
  const costs = suite.e2e?.component_costs;
  const phases: Array<{ label: string; cost: PhaseCost | null }> = [
    { label: 'highest passing step', cost: costs?.sustained ?? null },
    { label: 'freshness rate', cost: costs?.freshness_rate ?? null },
  ];
  const rateOf = (cost: PhaseCost | null) => (cost ? `${show(cost.accepted_events_per_s)} ev/s` : NOT_MEASURED);
  console.log(`Per component, end to end (CPU ms per 1,000 accepted events; RSS max MB): highest passing step ${rateOf(phases[0].cost)}, freshness rate ${rateOf(phases[1].cost)}`);
  const cell = (cost: PhaseCost | null, name: (typeof COMPONENTS)[number], key: 'cpu_ms_per_1000_events' | 'rss_max_mb') => show(cost?.components[name]?.[key] ?? null);
  printColumns(
    ['component', 'CPU ms/1k ev (step)', 'RSS MB (step)', 'CPU ms/1k ev (freshness)', 'RSS MB (freshness)'],
    [
      ...COMPONENTS.map((name) => [COMPONENT_LABELS[name], cell(phases[0].cost, name, 'cpu_ms_per_1000_events'), cell(phases[0].cost, name, 'rss_max_mb'), cell(phases[1].cost, name, 'cpu_ms_per_1000_events'), cell(phases[1].cost, name, 'rss_max_mb')]),
      ['pipeline (ingest + consumer + Kafka + ClickHouse)', show(phases[0].cost && pipelineCpuMsPer1000Events(phases[0].cost)), '', show(phases[1].cost && pipelineCpuMsPer1000Events(phases[1].cost)), ''],
    ],
    [false, true, true, true, true],
  );
  console.log(
    `  isolated: ingest benchmark ${show(suite.ingest?.cpu_ms_per_1000_events ?? null)} CPU ms per 1,000 events (bare handler ${show(suite.ingest?.baseline_cpu_ms_per_1000_events ?? null)}); ` +
      `consumer benchmark ${show(suite.consumer?.cpu_ms_per_1000_rows ?? null)} CPU ms per 1,000 rows`,
  );
}

function printCapacity(capacity: Capacity): void {
  const source = capacity.source ? `${capacity.source.why}, ${show(capacity.source.accepted_events_per_s)} events/s accepted ("${capacity.source.phase}")` : NOT_MEASURED;
  console.log(`Sizing from the measured CPU per event (end to end, ${source})`);
  const perCore = capacity.events_per_s_per_core;
  console.log(`  events/s per core: ingest ${show(perCore.ingest)}, consumer ${show(perCore.consumer)}, Kafka ${show(perCore.kafka)}, ClickHouse ${show(perCore.clickhouse)}`);
  const a = capacity.assumptions;
  console.log(
    `  assumptions (scripts/bench/suite/capacity-assumptions.ts): headroom ×${String(a.headroom)}, ${String(a.cores_per_node_replica)} core per Node replica, ` +
      `${show(a.events_per_partition_per_s as number)} events/s per partition, ${String(a.cores_per_kafka_broker)} cores per Kafka broker (at least ${String(a.min_kafka_brokers)}), ` +
      `${String(a.cores_per_clickhouse_shard)} cores per ClickHouse shard replica, ${String(a.clickhouse_replicas_per_shard)} replicas per shard`,
  );
  const both = (cores: number | null, count: number | null) => (cores === null || count === null ? NOT_MEASURED : `${show(cores, 1)} (${show(count)})`);
  printColumns(
    ['events/s', 'ingest cores (replicas)', 'consumer cores (replicas)', 'Kafka partitions', 'Kafka cores (brokers)', 'ClickHouse cores', 'ClickHouse shards (servers)'],
    capacity.rows.map((r: SizingRow) => [
      show(r.events_per_s),
      both(r.ingest_cores, r.ingest_replicas),
      both(r.consumer_cores, r.consumer_replicas),
      show(r.kafka_partitions),
      both(r.kafka_cores, r.kafka_brokers),
      show(r.clickhouse_cores, 1),
      r.clickhouse_shards === null || r.clickhouse_servers === null ? NOT_MEASURED : `${show(r.clickhouse_shards)} (${show(r.clickhouse_servers)})`,
    ]),
    [true, true, true, true, true, true, true],
  );
  for (const caveat of (a.caveats as readonly string[]) ?? []) console.log(`  - ${caveat}`);
}

function show(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NOT_MEASURED;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits === 0 ? 0 : Math.min(digits, 1) });
}
