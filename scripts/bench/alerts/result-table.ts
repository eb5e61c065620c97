// The alerts benchmark's figures on stdout: one table per phase. The targets are judged by the
// suite's rules (scripts/bench/suite/targets.ts), printed after these by the benchmark.
import { printColumns } from '../table';
import type { MetricLatencyFigures } from './metric-latency';
import type { NewIssueFigures } from './new-issue-latency';
import type { RuleLoadFigures } from './rule-load';

const show = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits === 0 ? 0 : Math.min(digits, 1) });
const seconds = (ms: number | null | undefined): string => (ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);

export function printAlertsResult(newIssue: NewIssueFigures, metric: MetricLatencyFigures, load: RuleLoadFigures): void {
  console.log('');
  console.log(`New-issue alert latency (ingest 200 → webhook arrival), ${newIssue.events} new groups at ${show(newIssue.sent_per_s, 1)}/s`);
  printColumns(
    ['alerts', 'missed', 'median', 'p95', 'max'],
    [[show(newIssue.alerted), show(newIssue.missed), seconds(newIssue.median_ms), seconds(newIssue.p95_ms), seconds(newIssue.max_ms)]],
    [true, true, true, true, true],
  );

  console.log('');
  console.log('Metric alert latency (p95 rules, window 60 s, evaluated every 10 s): fire = slow rows accepted → triggered; resolve = slow rows out of the window → resolved');
  printColumns(
    ['rule', 'transaction', 'fire', 'resolve'],
    [
      ...metric.rules.map((r) => [String(r.rule_id), r.transaction, seconds(r.fire_ms), seconds(r.resolve_ms)]),
      ['median', '', seconds(metric.fire_median_ms), seconds(metric.resolve_median_ms)],
      ['max', '', seconds(metric.fire_max_ms), seconds(metric.resolve_max_ms)],
    ],
    [false, false, true, true],
  );

  console.log('');
  console.log(`${show(load.rules)} metric rules across ${load.projects} projects, every 10 s (created in ${show(load.created_in_s, 1)} s), ${load.periods} periods of 10 s`);
  printColumns(
    ['period', 's', 'rules evaluated', 'rounds', 'round s', 'slowest ≤ s', 'CH reads', 'CH s', 'CH CPU s', 'alerts CPU s'],
    load.periods_measured.map((p, i) => [
      String(i + 1),
      show(p.seconds, 2),
      show(p.rules_evaluated, 1),
      show(p.rounds, 1),
      show(p.round_seconds, 2),
      p.slowest_round_at_most_s === null ? '> 30' : show(p.slowest_round_at_most_s, 2),
      show(p.clickhouse_queries),
      show(p.clickhouse_seconds, 2),
      show(p.clickhouse_cpu_s, 2),
      show(p.alerts_cpu_s, 2),
    ]),
    [false, true, true, true, true, true, true, true, true, true],
  );
  const e = load.rules_evaluated_per_10s;
  console.log(
    `  per 10 s (median): ${show(e.median, 1)} rules evaluated (min ${show(e.min, 1)}), mean interval per rule ${show(load.mean_interval_s, 2)} s, oldest evaluation at most ${show(load.oldest_evaluation_age_max_s, 1)} s ago; ` +
      `round mean ${show(load.round_mean_ms, 1)} ms, slowest of ${load.rounds_seen} rounds ${show(load.slowest_round_s, 2)} s; ClickHouse ${show(load.clickhouse_queries_per_10s)} reads, ${show(load.clickhouse_seconds_per_10s, 2)} s, ` +
      `server CPU ${load.clickhouse_process_measured ? `${show(load.clickhouse_cpu_s_per_10s, 2)} s` : 'not measured (external ClickHouse)'}; alerts CPU ${show(load.alerts_cpu_s_per_10s, 2)} s`,
  );
  const b = load.baseline;
  console.log(`  without the rules (background traffic only, ${show(b.seconds, 1)} s), per 10 s: CPU s: ClickHouse ${show(b.clickhouse_cpu_s_per_10s, 2)}, alerts ${show(b.alerts_cpu_s_per_10s, 2)}`);
}
