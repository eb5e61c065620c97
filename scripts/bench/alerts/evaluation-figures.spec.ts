import { meanIntervalS, MetricsReading, periodFigures, readMetrics, roundsOf, slowestRoundBound, summarizeLoad } from './evaluation-figures';
import { metricRuleMix } from './rule-mix';

const text = (evaluations: number, buckets: number[], sum: number, queries: number, chSeconds: number): string =>
  [
    '# HELP pulse_alerts_evaluations_total Scheduled rules evaluated',
    `pulse_alerts_evaluations_total{kind="metric",app="alerts"} ${evaluations}`,
    'pulse_alerts_evaluations_total{kind="release",app="alerts"} 7',
    ...[0.1, 0.5, 1, 10].map((le, i) => `pulse_alerts_evaluation_seconds_bucket{le="${le}",kind="metric",app="alerts"} ${buckets[i]}`),
    `pulse_alerts_evaluation_seconds_bucket{le="+Inf",kind="metric",app="alerts"} ${buckets[4]}`,
    'pulse_alerts_evaluation_seconds_bucket{le="0.1",kind="release",app="alerts"} 99',
    `pulse_alerts_evaluation_seconds_sum{kind="metric",app="alerts"} ${sum}`,
    `pulse_alerts_evaluation_seconds_count{kind="metric",app="alerts"} ${buckets[4]}`,
    `pulse_alerts_clickhouse_queries_total{kind="metric",app="alerts"} ${queries}`,
    `pulse_alerts_clickhouse_seconds_total{kind="metric",app="alerts"} ${chSeconds}`,
  ].join('\n');

describe('the evaluation-load figures', () => {
  const first = readMetrics(text(1000, [5, 8, 10, 10, 10], 2.5, 1000, 1.5), 0);
  const second = readMetrics(text(2000, [10, 16, 19, 20, 20], 6.5, 2100, 3.5), 10_000);

  it('reads the metric kind only, with the histogram buckets in order', () => {
    expect(first).toMatchObject({ evaluations: 1000, rounds: 10, roundSeconds: 2.5, clickhouseQueries: 1000, clickhouseSeconds: 1.5 });
    expect(first.roundBuckets.map((b) => b.le)).toEqual([0.1, 0.5, 1, 10, Infinity]);
  });

  it('takes a period as the difference of two readings, scaled to 10 s', () => {
    expect(periodFigures(first, second, { clickhouse: 4, alerts: 1 })).toEqual({
      seconds: 10,
      rules_evaluated: 1000,
      rounds: 10,
      round_seconds: 4,
      round_mean_ms: 400,
      slowest_round_at_most_s: 10,
      clickhouse_queries: 1100,
      clickhouse_seconds: 2,
      clickhouse_cpu_s: 4,
      alerts_cpu_s: 1,
    });
    const late = { ...second, atMs: 12_500 };
    expect(periodFigures(first, late, { clickhouse: null, alerts: NaN })).toMatchObject({ seconds: 12.5, rules_evaluated: 800, clickhouse_cpu_s: null, alerts_cpu_s: null });
    expect(() => periodFigures(second, first, { clickhouse: null, alerts: null })).toThrow('time order');
  });

  it('bounds the slowest round by the first bucket that holds every round of the period', () => {
    const at = (counts: number[]): MetricsReading['roundBuckets'] => counts.map((count, i) => ({ le: [0.1, 1, Infinity][i], count }));
    expect(slowestRoundBound(at([0, 0, 0]), at([3, 3, 3]), 3)).toBe(0.1);
    expect(slowestRoundBound(at([0, 0, 0]), at([2, 3, 3]), 3)).toBe(1);
    expect(slowestRoundBound(at([0, 0, 0]), at([2, 2, 3]), 3)).toBeNull();
    expect(slowestRoundBound(at([1, 1, 1]), at([1, 1, 1]), 0)).toBe(0);
  });

  it('finds each round between half-second readings, exact when a reading holds one', () => {
    const at = (atMs: number, evaluations: number, rounds: number, roundSeconds: number): MetricsReading => ({ ...first, atMs, evaluations, rounds, roundSeconds });
    const rounds = roundsOf([at(0, 0, 0, 0), at(500, 0, 0, 0), at(7000, 1000, 1, 6.5), at(7500, 1000, 1, 6.5), at(17_500, 2000, 2, 14), at(28_000, 4000, 4, 20)]);
    expect(rounds).toEqual([
      { endedBy: 7000, seconds: 6.5, rules: 1000, exact: true },
      { endedBy: 17_500, seconds: 7.5, rules: 1000, exact: true },
      { endedBy: 28_000, seconds: 3, rules: 2000, exact: false },
    ]);
    // 1,000 rules, 3,000 evaluations after the first round in 21 s: each rule every 7 s.
    expect(meanIntervalS(1000, rounds)).toBe(7);
    expect(meanIntervalS(1000, rounds.slice(0, 1))).toBeNull();
  });

  it('summarizes the periods: evaluations per 10 s, the mean interval per rule, medians of the costs', () => {
    const period = periodFigures(first, second, { clickhouse: 4, alerts: 1 });
    const slower = { ...period, rules_evaluated: 900, slowest_round_at_most_s: 1, clickhouse_cpu_s: 6 };
    const rounds = [
      { endedBy: 0, seconds: 4, rules: 1000, exact: true },
      { endedBy: 10_500, seconds: 8.2, rules: 1000, exact: true },
    ];
    const summary = summarizeLoad(1000, [period, slower, period], rounds);
    expect(summary).toMatchObject({
      periods: 3,
      rules_evaluated_per_10s: { min: 900, median: 1000, max: 1000 },
      slowest_round_at_most_s: 10,
      round_mean_ms: 400,
      clickhouse_queries_per_10s: 1100,
      clickhouse_cpu_s_per_10s: 4,
      alerts_cpu_s_per_10s: 1,
      mean_interval_s: 10.5,
      rounds_seen: 2,
      slowest_round_s: 8.2,
    });
    expect(summarizeLoad(10, [{ ...period, clickhouse_cpu_s: null }], []).clickhouse_cpu_s_per_10s).toBeNull();
    expect(summarizeLoad(10, [period], [])).toMatchObject({ mean_interval_s: null, slowest_round_s: null });
    expect(() => summarizeLoad(10, [], [])).toThrow('at least one period');
  });
});

describe('the rule mix', () => {
  const actions = [{ type: 'webhook', url: 'http://127.0.0.1:1/hook', secret: 's' }];
  const mix = metricRuleMix(1000, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], actions);

  it('spreads the rules evenly over the projects, each evaluated every 10 s', () => {
    const perProject = new Map<number, number>();
    for (const planned of mix) perProject.set(planned.projectId, (perProject.get(planned.projectId) ?? 0) + 1);
    expect([...perProject.values()]).toEqual(Array(10).fill(100));
    expect(mix.every((planned) => planned.rule.evaluateEverySeconds === 10 && planned.rule.kind === 'metric')).toBe(true);
  });

  it('covers every aggregate, every window from a minute to an hour, and several transaction filters', () => {
    const values = (key: string) => new Set(mix.map((planned) => JSON.stringify(planned.rule[key])));
    expect(values('aggregate')).toEqual(new Set(['p50', 'p95', 'p99', 'failure_rate', 'throughput', 'apdex', 'error_count', 'crash_free_sessions', 'web_vital_p75'].map((a) => JSON.stringify(a))));
    expect([...values('windowSeconds')].map(Number).sort((a, b) => a - b)).toEqual([60, 300, 600, 900, 1800, 3600]);
    expect(values('vital')).toEqual(new Set([undefined, '"lcp"', '"cls"', '"inp"']));
    expect(values('filters').size).toBeGreaterThanOrEqual(10);
    expect(mix.filter((planned) => planned.rule.aggregate === 'crash_free_sessions').every((planned) => planned.rule.filters === undefined)).toBe(true);
  });

  it('gives each rule its own copy of the actions and a distinct name', () => {
    expect(mix[0].rule.actions).toEqual(actions);
    expect(mix[0].rule.actions).not.toBe(mix[1].rule.actions);
    expect(new Set(mix.map((planned) => planned.rule.name)).size).toBe(1000);
    expect(() => metricRuleMix(1, [], actions)).toThrow('at least one project');
  });
});
