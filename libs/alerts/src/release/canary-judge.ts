import type { ReleaseVerdict } from '@pulse/notifiers';
import type { CanaryMetric, ReleaseRuleDefinition } from '../rules/alert-rule';
import { classifyMetric, MetricClassification, MetricDirection } from './mann-whitney';

/**
 * The canary judge: each configured metric's per-minute series of the canary against the
 * baseline's, classified by the Mann–Whitney classifier (mann-whitney.ts), then scored as Kayenta's
 * NetflixACAJudge scores (spinnaker/kayenta, kayenta-judge/.../scorers/WeightedSumScorer.scala and
 * classifiers/score/ThresholdScoreClassifier.scala). Pure: no I/O, no clock.
 *
 * Kayenta scores groups of metrics; here every metric is its own group, weighted by its `weight`
 * (as a share of all weights, Kayenta's group weights sum to 100). A group scores 100 when its
 * metric passes, 0 when it is High or Low, and 100 when it has no data (WeightedSumScorer counts a
 * group without classified metrics as 100). Before any of that: a critical metric that did not pass
 * (High, Low, or no data) makes the score 0, and so does no data for half of the metrics or more.
 * The verdict is pass from `passScore`, marginal from `marginalScore`, fail below.
 */

export interface CanarySeries {
  /** One value per minute in which the release had traffic; NaN (or no entry) where undefined. */
  canary: readonly number[];
  baseline: readonly number[];
}

export type CanaryMetricSeries = Partial<Record<CanaryMetric, CanarySeries>>;

export type CanaryJudgeRule = Pick<ReleaseRuleDefinition, 'metrics' | 'confidence' | 'tolerance' | 'passScore' | 'marginalScore'>;

/** Higher is worse for rates of errors and failures and for latency; lower is worse for the crash-free rate. */
export const CANARY_METRIC_DIRECTIONS: Record<CanaryMetric, MetricDirection> = {
  error_rate: 'increase',
  failure_rate: 'increase',
  p95: 'increase',
  crash_free_rate: 'decrease',
};

/**
 * Minutes a side needs before a metric is tested; fewer is NoData. Kayenta needs one, which with a
 * minute or two of a new canary makes any difference "significant" (the interval of one value
 * against one is the bare difference).
 */
export const CANARY_MIN_SAMPLES = 3;

/** Kayenta's WeightedSumScorer.NODATA_THRESHOLD: this share (%) of metrics without data fails the canary. */
export const NODATA_THRESHOLD_PERCENT = 50;

export interface CanaryMetricResult extends MetricClassification {
  metric: CanaryMetric;
  direction: MetricDirection;
  /** Configured critical (whether or not this result failed the canary). */
  criticalMetric: boolean;
  weight: number;
}

export interface CanaryJudgement {
  verdict: ReleaseVerdict;
  /** 0–100, two decimals. */
  score: number;
  /** Why the score was forced to 0 (a critical failure, too many metrics without data); null otherwise. */
  scoreReason: string | null;
  metrics: CanaryMetricResult[];
  /** One line per metric that did not pass (and the forced-score reason first, if any). */
  reasons: string[];
}

export function judgeCanary(samples: CanaryMetricSeries, rule: CanaryJudgeRule): CanaryJudgement {
  if (rule.metrics.length === 0) throw new RangeError('a canary rule needs at least one metric');
  if (!(rule.marginalScore >= 0 && rule.marginalScore <= rule.passScore && rule.passScore <= 100)) {
    throw new RangeError(`scores must satisfy 0 ≤ marginalScore (${rule.marginalScore}) ≤ passScore (${rule.passScore}) ≤ 100`);
  }
  const metrics = rule.metrics.map((config): CanaryMetricResult => {
    if (!(config.weight > 0 && Number.isFinite(config.weight))) throw new RangeError(`the weight of ${config.metric} must be a positive number`);
    const series = samples[config.metric] ?? { canary: [], baseline: [] };
    const direction = CANARY_METRIC_DIRECTIONS[config.metric];
    const classification = classifyMetric({
      canary: series.canary,
      baseline: series.baseline,
      direction,
      critical: config.critical,
      confidence: rule.confidence,
      tolerance: rule.tolerance,
      minSamples: CANARY_MIN_SAMPLES,
    });
    return { metric: config.metric, direction, criticalMetric: config.critical, weight: config.weight, ...classification };
  });
  const { score, scoreReason } = scoreMetrics(metrics);
  const verdict: ReleaseVerdict = score >= rule.passScore ? 'pass' : score >= rule.marginalScore ? 'marginal' : 'fail';
  const reasons = [...(scoreReason === null ? [] : [scoreReason]), ...metrics.filter((m) => m.classification !== 'Pass').map(describeFailure)];
  return { verdict, score, scoreReason, metrics, reasons };
}

/** Metrics that fail the canary whatever the score (Kayenta's criticalFailures). */
export function criticalFailures(metrics: readonly CanaryMetricResult[]): CanaryMetricResult[] {
  return metrics.filter((m) => m.critical && m.classification !== 'Pass');
}

function scoreMetrics(metrics: readonly CanaryMetricResult[]): { score: number; scoreReason: string | null } {
  const failures = criticalFailures(metrics);
  if (failures.length > 0) return { score: 0, scoreReason: `canary failed: ${failures[0].metric} ${failures[0].reason ?? failures[0].classification}` };
  const noData = metrics.filter((m) => m.classification === 'NoData').length;
  if ((noData / metrics.length) * 100 >= NODATA_THRESHOLD_PERCENT) {
    return { score: 0, scoreReason: `canary failed: ${NODATA_THRESHOLD_PERCENT}% or more of the metrics have no data` };
  }
  const totalWeight = metrics.reduce((sum, m) => sum + m.weight, 0);
  const score = metrics.reduce((sum, m) => sum + (m.classification === 'High' || m.classification === 'Low' ? 0 : 100) * (m.weight / totalWeight), 0);
  return { score: Math.round(score * 100) / 100, scoreReason: null };
}

function describeFailure(m: CanaryMetricResult): string {
  const tail = m.critical ? ' (critical)' : '';
  if (m.classification === 'NoData') return `${m.metric}: no data (${m.reason ?? 'missing'})${tail}`;
  const value = (v: number | null) => (v === null ? 'n/a' : formatNumber(v));
  const interval = m.test === null ? '' : `, shift ${formatNumber(m.test.estimate)} in [${formatNumber(m.test.lower)}, ${formatNumber(m.test.upper)}], p=${formatNumber(m.test.pValue)}`;
  return `${m.metric}: ${m.classification} — canary median ${value(m.canary.median)} vs baseline ${value(m.baseline.median)}${interval}${tail}`;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
}
