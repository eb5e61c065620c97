import { phaseCost } from '../e2e/component-cost';
import { combineSuite, PartResultError } from './suite-result';

// Shaped like the parts' result files (the fields the suite reads, plus some it ignores).
const ingest = {
  benchmark: 'ingest',
  events_per_s: 4200,
  baseline_events_per_s: 3000,
  ratio: 1.4,
  p50_ms: 3.1,
  p99_ms: 19.5,
  p99_ms_at_70pct: 12.5,
  cpu_ms_per_1000_events: 230,
  baseline_cpu_ms_per_1000_events: 310,
  by_workers: { '1': { events_per_s: 4200, open_loop: { events_per_s: 2940, p99_ms: 12.5 } }, '2': { events_per_s: 7600, cpu_ms_per_1000_events: 250 } },
  rss_mb: { idle: 90, median: 180, max: 212.4 },
};
const consumer = { benchmark: 'consumer', mode: 'backlog', summary: { baselineRowsPerSecond: 40000, consumerRowsPerSecond: 42000, consumerToBaseline: 1.05, consumerCpuMsPer1000Rows: 21, consumerPeakRssMb: 350.5, rss: { maxMb: 300 } } };
const step = phaseCost({
  phase: 'step 3000',
  offered_events_per_s: 3000,
  accepted_events_per_s: 3000,
  cores: { ingest: 0.9, consumer: 0.3, kafka: 0.15, clickhouse: 1.2, query: 0.05, loadgen: 0.2, bench: 0.02 },
  rss_max_mb: { ingest: 230, consumer: 260, query: 120, kafka: 900, clickhouse: 1500, loadgen: 150 },
});
const e2e = {
  benchmark: 'e2e',
  sustained_events_per_s: 3000,
  sustained_records_per_s: 24000,
  freshness_rate_events_per_s: 1000,
  freshness_p50_ms: 900,
  freshness_p95_ms: 2100,
  memory_mb: { ingest: { median: 200, max: 230 }, consumer: { median: 240, max: 260 }, query: { median: 110, max: 120 } },
  component_costs: { sustained: step, freshness_rate: { ...step, phase: 'freshness', offered_events_per_s: 1000, accepted_events_per_s: 1000 } },
};
const query = (name: string, range: string, stored: number, p95: number) => ({ name, range, stored_rows: stored, p50_ms: p95 / 2, p95_ms: p95, baseline_p50_ms: 10, ratio: p95 / 20, iterations: 30 });
const queries = {
  benchmark: 'queries',
  queries: [query('errors', '7d', 1_000_000, 90), query('errors', '7d', 10_000_000, 95), query('releases', '24h', 10_000_000, 310)],
  memory_mb: { query: 133.1, by_step: [] },
};

const statusOf = (suite: ReturnType<typeof combineSuite>) => Object.fromEntries(suite.targets.map((t) => [t.what, t.stretch ? `${t.status}/${t.stretch}` : t.status]));

const loadgen = { benchmark: 'loadgen', offered_events_per_s: 5000, cpu_ms_per_1000_events: 61.2, cores: 0.31, runs: [] };
const alerts = {
  benchmark: 'alerts',
  new_issue: { events: 40, missed: 0, median_ms: 1800, p95_ms: 3100, max_ms: 3900, latencies_ms: [] },
  metric: { rules: [], fire_median_ms: 9000, fire_max_ms: 16_200, resolve_median_ms: 8000, resolve_max_ms: 12_000, not_fired: 0, not_resolved: 0 },
  rule_load: {
    rules: 1000,
    rules_evaluated_per_10s: { min: 930, median: 950, max: 990 },
    mean_interval_s: 10.5,
    oldest_evaluation_age_max_s: 11.4,
    slowest_round_at_most_s: 2.5,
    slowest_round_s: 2.1,
    rounds_seen: 6,
    round_mean_ms: 900,
    clickhouse_queries_per_10s: 1000,
    clickhouse_seconds_per_10s: 6.2,
    clickhouse_cpu_s_per_10s: 7.5,
    alerts_cpu_s_per_10s: 1.9,
    baseline: { seconds: 30, clickhouse_cpu_s_per_10s: 2.5, alerts_cpu_s_per_10s: 0.1 },
    periods_measured: [],
  },
};

describe('combineSuite', () => {
  const suite = combineSuite({ loadgen, ingest, consumer, e2e, queries, alerts });

  it('takes the headline figures of each part', () => {
    expect(suite.ingest).toMatchObject({ events_per_s: 4200, ratio: 1.4, p99_ms_at_70pct: 12.5, cpu_ms_per_1000_events: 230, rate_at_70pct_events_per_s: 2940, events_per_s_2_workers: 7600, cpu_ms_per_1000_events_2_workers: 250, rss_max_mb: 212.4 });
    expect(suite.consumer).toEqual({ rows_per_s: 42000, baseline_rows_per_s: 40000, ratio: 1.05, cpu_ms_per_1000_rows: 21, rss_max_mb: 350.5 });
    expect(suite.e2e).toMatchObject({ sustained_events_per_s: 3000, freshness_rate_events_per_s: 1000, freshness_p95_ms: 2100 });
    expect(suite.e2e?.component_costs.sustained?.components.ingest.cpu_ms_per_1000_events).toBe(300);
    expect(suite.queries).toHaveLength(3);
    expect(suite.loadgen).toEqual({ offered_events_per_s: 5000, cpu_ms_per_1000_events: 61.2, cores: 0.31 });
    expect(suite.alerts).toMatchObject({ new_issue_p95_ms: 3100, metric_fire_max_ms: 16_200, load_rules: 1000, load_evaluated_per_10s_min: 930, load_clickhouse_cpu_s_per_10s: 7.5, load_baseline_clickhouse_cpu_s_per_10s: 2.5 });
  });

  it('reports the peak RSS of each service over every part that ran it', () => {
    expect(suite.memory_mb).toEqual({ ingest: 230, consumer: 350.5, query: 133.1 });
  });

  it('checks every target, with the stretch where there is one', () => {
    expect(statusOf(suite)).toEqual({
      'ingest events/s vs the bare handler, one process': 'met/missed',
      'ingest p99 at 70 % of its max rate': 'met',
      'consumer rows/s vs raw inserts': 'met',
      'consumer RSS, peak (consumer benchmark)': 'missed',
      'end to end, sustained': 'met/missed',
      'end to end, freshness p95 at 1,000 events/s': 'missed',
      'ingest RSS under end-to-end load, peak': 'met',
      'consumer RSS under end-to-end load, peak': 'missed',
      'query RSS under end-to-end load, peak': 'met',
      'every headline query p95 at 10,000,000 transactions, 7-day ranges included': 'missed',
      'alerts: new-issue alert latency p95 (ingest 200 → webhook)': 'met',
      'alerts: metric alert fire (slow rows accepted → triggered), every rule': 'missed',
      'alerts: metric alert resolve (slow rows out of the window → resolved), every rule': 'met',
      'alerts: 1,000 metric rules, each evaluated every 10 s': 'met',
    });
    const ingestTarget = suite.targets[0];
    expect(ingestTarget.measured).toBe('1.40× (4,200 vs 3,000 events/s); CPU ms per 1,000 events: ingest 230, bare handler 310');
    const queryTarget = suite.targets.find((t) => t.what.startsWith('every headline query'));
    expect(queryTarget?.measured).toBe('slowest 310 ms (releases 24h); 1 of 2 cases over (0 of 1 7-day)');
  });

  it('judges the alert targets: a missed alert, a slow round, a small rule set', () => {
    const byWhat = (result: ReturnType<typeof combineSuite>) => Object.fromEntries(result.targets.filter((t) => t.what.startsWith('alerts')).map((t) => [t.what, t]));
    const missed = byWhat(combineSuite({ alerts: { ...alerts, new_issue: { ...alerts.new_issue, missed: 2 }, metric: { ...alerts.metric, resolve_max_ms: null, resolve_median_ms: null, not_resolved: 1 } } }));
    expect(missed['alerts: new-issue alert latency p95 (ingest 200 → webhook)']).toMatchObject({ status: 'missed', measured: '3.1 s (median 1.8 s, max 3.9 s, 40 events, 2 never alerted)' });
    expect(missed['alerts: metric alert resolve (slow rows out of the window → resolved), every rule']).toMatchObject({ status: 'missed', measured: '1 rules never did' });
    const load = 'alerts: 1,000 metric rules, each evaluated every 10 s';
    expect(byWhat(combineSuite({ alerts: { ...alerts, rule_load: { ...alerts.rule_load, slowest_round_s: null, rounds_seen: 0 } } }))[load]).toMatchObject({ status: 'missed', measured: expect.stringContaining('slowest of 0 rounds not measured s') });
    expect(byWhat(combineSuite({ alerts: { ...alerts, rule_load: { ...alerts.rule_load, mean_interval_s: 11.5 } } }))[load].status).toBe('missed');
    expect(byWhat(combineSuite({ alerts: { ...alerts, rule_load: { ...alerts.rule_load, slowest_round_s: 10.2 } } }))[load].status).toBe('missed');
    expect(byWhat(combineSuite({ alerts: { ...alerts, rule_load: { ...alerts.rule_load, oldest_evaluation_age_max_s: 19 } } }))[load]).toMatchObject({ status: 'met', measured: expect.stringContaining('oldest evaluation 19.00 s') });
    expect(byWhat(combineSuite({ alerts: { ...alerts, rule_load: { ...alerts.rule_load, rules: 100 } } }))[load]).toMatchObject({ status: 'not measured', measured: expect.stringMatching(/^not measured \(100 rules: 950 evaluated per 10 s/) });
    expect(byWhat(combineSuite({}))[load]).toMatchObject({ status: 'not measured', measured: 'not measured' });
  });

  it('says "not measured" for figures a part does not report, and for parts that did not run', () => {
    const older = combineSuite({ ingest: { events_per_s: 1292, baseline_events_per_s: 2170, ratio: 0.595, p50_ms: 38, p99_ms: 76 }, consumer: { summary: { consumerRowsPerSecond: 1, baselineRowsPerSecond: 2, consumerToBaseline: 0.5 } } });
    expect(older.ingest?.p99_ms_at_70pct).toBeNull();
    const byWhat = Object.fromEntries(older.targets.map((t) => [t.what, t]));
    expect(byWhat['ingest p99 at 70 % of its max rate']).toMatchObject({ measured: 'not measured', status: 'not measured' });
    expect(byWhat['ingest events/s vs the bare handler, one process'].measured).toBe('0.59× (1,292 vs 2,170 events/s); CPU ms per 1,000 events: ingest not measured, bare handler not measured');
    expect(byWhat['consumer rows/s vs raw inserts'].measured).toContain('CPU ms per 1,000 rows: not measured');
    expect(byWhat['end to end, sustained']).toMatchObject({ measured: 'not measured', status: 'not measured', stretch: 'not measured' });
    expect(older.capacity.source).toBeNull();
    expect(older.capacity.rows.every((row) => Object.entries(row).every(([key, value]) => key === 'events_per_s' || value === null))).toBe(true);
  });

  it('judges freshness only at the stated rate, and shows another rate\'s figure beside', () => {
    const quick = combineSuite({ e2e: { ...e2e, freshness_rate_events_per_s: 200, freshness_p95_ms: 800 } });
    expect(quick.targets.find((t) => t.what.startsWith('end to end, freshness'))).toMatchObject({ status: 'not measured', measured: 'not measured (800 ms at 200 events/s)' });
  });

  it('does not judge the query target without a 10M data set', () => {
    const small = combineSuite({ queries: { queries: [query('errors', '7d', 1_000_000, 90)] } });
    expect(small.targets.find((t) => t.what.startsWith('every headline query'))).toMatchObject({ status: 'not measured', measured: 'not measured (largest data set: 1,000,000 transactions)' });
  });

  it('refuses a figure that is there but is not a number, naming the field', () => {
    expect(() => combineSuite({ ingest: { ...ingest, ratio: 'fast' } })).toThrow(PartResultError);
    expect(() => combineSuite({ ingest: { ...ingest, ratio: 'fast' } })).toThrow('ingest: ratio is not a number ("fast")');
    expect(() => combineSuite({ consumer: { summary: { consumerCpuMsPer1000Rows: '12' } } })).toThrow('consumer: summary.consumerCpuMsPer1000Rows is not a number');
  });
});
