// The figures of the evaluation-load phase, from the alerts app's own counters: /metrics is read at
// the start of every 10 s period (the rules' evaluateEverySeconds), and each period's figures are
// the differences between two readings, scaled to exactly 10 s (a reading lands a few ms off).
// A round is counted in the period it ends in. /metrics is also read every half second in
// between: the scheduler starts at most one tick a second, so two such readings differ by at most
// one round, whose exact length is then the difference of the histogram's sums (roundsOf): the
// slowest round and the interval between rounds come from those, not from bucket bounds.
// The metric kind only (`kind="metric"`): release rules are not part of this load. Pure: the
// benchmark scrapes and samples /proc, this turns readings into figures.
import { metricSamples, metricValue } from '@pulse/testing';
import { median, round } from '../stats';

export const PERIOD_SECONDS = 10;

/** The counters of one /metrics reading that the figures use. */
export interface MetricsReading {
  atMs: number;
  /** pulse_alerts_evaluations_total: rules handed to the metric evaluator. */
  evaluations: number;
  /** pulse_alerts_evaluation_seconds: one observation per round (a tick with due rules). */
  rounds: number;
  roundSeconds: number;
  /** Cumulative bucket counts of the round histogram, by upper bound (s), ascending. */
  roundBuckets: Array<{ le: number; count: number }>;
  clickhouseQueries: number;
  clickhouseSeconds: number;
}

export interface PeriodFigures {
  seconds: number;
  rules_evaluated: number;
  rounds: number;
  /** Time spent in evaluation rounds in the period (the sum of the round histogram). */
  round_seconds: number;
  round_mean_ms: number | null;
  /** The upper bound of the histogram bucket that holds the period's slowest round; null past the last bound. */
  slowest_round_at_most_s: number | null;
  clickhouse_queries: number;
  clickhouse_seconds: number;
  /** CPU seconds of the processes in the period, from /proc; null when not measured (an external ClickHouse). */
  clickhouse_cpu_s: number | null;
  alerts_cpu_s: number | null;
}

const METRIC = { kind: 'metric' };

/** Reads the metric kind's counters out of the alerts app's /metrics text. */
export function readMetrics(text: string, atMs: number): MetricsReading {
  const buckets = metricSamples(text, 'pulse_alerts_evaluation_seconds_bucket')
    .filter((sample) => sample.labels.kind === 'metric')
    .map((sample) => ({ le: sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), count: sample.value }))
    .sort((a, b) => a.le - b.le);
  return {
    atMs,
    evaluations: metricValue(text, 'pulse_alerts_evaluations_total', METRIC),
    rounds: metricValue(text, 'pulse_alerts_evaluation_seconds_count', METRIC),
    roundSeconds: metricValue(text, 'pulse_alerts_evaluation_seconds_sum', METRIC),
    roundBuckets: buckets,
    clickhouseQueries: metricValue(text, 'pulse_alerts_clickhouse_queries_total', METRIC),
    clickhouseSeconds: metricValue(text, 'pulse_alerts_clickhouse_seconds_total', METRIC),
  };
}

/** One period between two readings, every count scaled to PERIOD_SECONDS. */
export function periodFigures(from: MetricsReading, to: MetricsReading, cpu: { clickhouse: number | null; alerts: number | null }): PeriodFigures {
  const seconds = (to.atMs - from.atMs) / 1000;
  if (!(seconds > 0)) throw new Error(`readings must be in time order (${from.atMs} → ${to.atMs})`);
  const scale = PERIOD_SECONDS / seconds;
  const rounds = to.rounds - from.rounds;
  const roundSeconds = to.roundSeconds - from.roundSeconds;
  const perPeriod = (value: number, digits: number) => round(value * scale, digits);
  return {
    seconds: round(seconds, 3),
    rules_evaluated: perPeriod(to.evaluations - from.evaluations, 1),
    rounds: perPeriod(rounds, 1),
    round_seconds: perPeriod(roundSeconds, 3),
    round_mean_ms: rounds === 0 ? null : round((roundSeconds / rounds) * 1000, 1),
    slowest_round_at_most_s: slowestRoundBound(from.roundBuckets, to.roundBuckets, rounds),
    clickhouse_queries: perPeriod(to.clickhouseQueries - from.clickhouseQueries, 1),
    clickhouse_seconds: perPeriod(to.clickhouseSeconds - from.clickhouseSeconds, 3),
    clickhouse_cpu_s: cpu.clickhouse === null || !Number.isFinite(cpu.clickhouse) ? null : perPeriod(cpu.clickhouse, 3),
    alerts_cpu_s: cpu.alerts === null || !Number.isFinite(cpu.alerts) ? null : perPeriod(cpu.alerts, 3),
  };
}

/**
 * The smallest bucket bound at or below which every round of the period fell: an upper bound of
 * its slowest round (a histogram keeps no maximum). 0 rounds: 0; slower than the last finite bound: null.
 */
export function slowestRoundBound(from: MetricsReading['roundBuckets'], to: MetricsReading['roundBuckets'], rounds: number): number | null {
  if (rounds <= 0) return 0;
  const before = new Map(from.map((bucket) => [bucket.le, bucket.count]));
  for (const bucket of to) {
    if (bucket.count - (before.get(bucket.le) ?? 0) >= rounds) return Number.isFinite(bucket.le) ? bucket.le : null;
  }
  return null;
}

/** One evaluation round seen between two close readings. */
export interface RoundSeen {
  /** The reading after it ended. */
  endedBy: number;
  seconds: number;
  rules: number;
  /** False when the two readings held more than one round: `seconds` is then their mean. */
  exact: boolean;
}

/** The rounds that ended between consecutive readings (in time order). */
export function roundsOf(readings: readonly MetricsReading[]): RoundSeen[] {
  const rounds: RoundSeen[] = [];
  for (let i = 1; i < readings.length; i += 1) {
    const [before, after] = [readings[i - 1], readings[i]];
    const count = after.rounds - before.rounds;
    if (count <= 0) continue;
    rounds.push({ endedBy: after.atMs, seconds: round((after.roundSeconds - before.roundSeconds) / count, 3), rules: after.evaluations - before.evaluations, exact: count === 1 });
  }
  return rounds;
}

/**
 * How often each rule was evaluated: rules × (time from the first round's end to the last's) ÷
 * the evaluations of the rounds after the first. Null with fewer than two rounds.
 */
export function meanIntervalS(rules: number, rounds: readonly RoundSeen[]): number | null {
  if (rounds.length < 2) return null;
  const evaluations = rounds.slice(1).reduce((sum, r) => sum + r.rules, 0);
  if (evaluations === 0) return null;
  return round((rules * (rounds[rounds.length - 1].endedBy - rounds[0].endedBy)) / 1000 / evaluations, 2);
}

export interface LoadSummary {
  periods: number;
  rules_evaluated_per_10s: { min: number; median: number; max: number };
  /** meanIntervalS over the rounds seen: how often each rule was evaluated on average. */
  mean_interval_s: number | null;
  round_mean_ms: number | null;
  rounds_seen: number;
  /** The longest round seen (exact unless a reading held two rounds); null when none ended. */
  slowest_round_s: number | null;
  /** The largest of the periods' slowest_round_at_most_s; null when one was past the last bound. */
  slowest_round_at_most_s: number | null;
  round_seconds_per_10s: number;
  clickhouse_queries_per_10s: number;
  clickhouse_seconds_per_10s: number;
  clickhouse_cpu_s_per_10s: number | null;
  alerts_cpu_s_per_10s: number | null;
}

/** Medians over the periods (the minimum and maximum too for the evaluations). */
export function summarizeLoad(rules: number, periods: readonly PeriodFigures[], rounds: readonly RoundSeen[]): LoadSummary {
  if (periods.length === 0) throw new Error('summarizeLoad needs at least one period');
  const evaluated = periods.map((p) => p.rules_evaluated);
  const totalRounds = periods.reduce((sum, p) => sum + (p.rounds * p.seconds) / PERIOD_SECONDS, 0);
  const totalRoundSeconds = periods.reduce((sum, p) => sum + (p.round_seconds * p.seconds) / PERIOD_SECONDS, 0);
  const bounds = periods.map((p) => p.slowest_round_at_most_s);
  const orNull = (values: Array<number | null>) => (values.some((v) => v === null) ? null : round(median(values as number[]), 3));
  return {
    periods: periods.length,
    rules_evaluated_per_10s: { min: Math.min(...evaluated), median: round(median(evaluated), 1), max: Math.max(...evaluated) },
    mean_interval_s: meanIntervalS(rules, rounds),
    round_mean_ms: totalRounds === 0 ? null : round((totalRoundSeconds / totalRounds) * 1000, 1),
    rounds_seen: rounds.length,
    slowest_round_s: rounds.length === 0 ? null : Math.max(...rounds.map((r) => r.seconds)),
    slowest_round_at_most_s: bounds.some((b) => b === null) ? null : Math.max(...(bounds as number[])),
    round_seconds_per_10s: round(median(periods.map((p) => p.round_seconds)), 3),
    clickhouse_queries_per_10s: round(median(periods.map((p) => p.clickhouse_queries)), 1),
    clickhouse_seconds_per_10s: round(median(periods.map((p) => p.clickhouse_seconds)), 3),
    clickhouse_cpu_s_per_10s: orNull(periods.map((p) => p.clickhouse_cpu_s)),
    alerts_cpu_s_per_10s: orNull(periods.map((p) => p.alerts_cpu_s)),
  };
}
