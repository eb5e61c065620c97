import type { CanaryMetric, CanaryMetricConfig, ReleaseRuleDefinition, ReleaseThresholds } from './alert-rule';
import { definedEntries, Fields } from './rule-fields';
import {
  DEFAULT_EVALUATE_EVERY_SECONDS,
  MAX_COUNT,
  MAX_EVALUATE_EVERY_SECONDS,
  MAX_FILTER_VALUE_LENGTH,
  MAX_RELEASE_WINDOW_MINUTES,
  MIN_RELEASE_EVALUATE_EVERY_SECONDS,
  MIN_RELEASE_WINDOW_MINUTES,
} from './rule-limits';

/**
 * The checks of release (canary) rules (called by parseAlertRule), with Kayenta's defaults: the
 * four metrics with error and failure rates critical, confidence 0.98, tolerance 0.25, and score
 * bands pass ≥ 75, marginal ≥ 50. A canary compared with itself, a confidence the Mann–Whitney test
 * cannot use, or a marginal band above the pass band would judge nothing, so they are refused.
 */

export const CANARY_METRICS: readonly CanaryMetric[] = ['error_rate', 'failure_rate', 'p95', 'crash_free_rate'];
/** Kayenta's: a failing error or failure rate fails the canary whatever the score. */
export const DEFAULT_CANARY_METRICS: readonly CanaryMetricConfig[] = CANARY_METRICS.map((metric) => ({ metric, critical: metric === 'error_rate' || metric === 'failure_rate', weight: 1 }));
export const DEFAULT_CONFIDENCE = 0.98;
export const DEFAULT_TOLERANCE = 0.25;
export const MAX_TOLERANCE = 10;
export const DEFAULT_PASS_SCORE = 75;
export const DEFAULT_MARGINAL_SCORE = 50;
export const MAX_METRIC_WEIGHT = 100;

const FRACTION = { min: 0, max: 1, describe: 'a fraction from 0 to 1' };
const SCORE = { min: 0, max: 100, describe: 'a score from 0 to 100' };
/** `2026-03-01T12:00:00Z`, `2026-03-01T12:00:00.000+02:00`: an instant, never a local time. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function releaseRuleOf(fields: Fields): Partial<ReleaseRuleDefinition> {
  const canary = fields.string('canary', { maxLength: MAX_FILTER_VALUE_LENGTH, required: true });
  const baseline = fields.string('baseline', { maxLength: MAX_FILTER_VALUE_LENGTH, required: true });
  if (canary !== undefined && canary === baseline) fields.problem(`baseline must be another release than canary (both are ${JSON.stringify(canary)})`);
  const passScore = fields.number('passScore', SCORE, DEFAULT_PASS_SCORE);
  const marginalScore = fields.number('marginalScore', SCORE, DEFAULT_MARGINAL_SCORE);
  if (passScore !== undefined && marginalScore !== undefined && marginalScore > passScore) {
    fields.problem(`marginalScore (${marginalScore}) must be at most passScore (${passScore})`);
  }
  return definedEntries({
    kind: 'release' as const,
    canary,
    baseline,
    environment: fields.string('environment', { maxLength: MAX_FILTER_VALUE_LENGTH }),
    windowMinutes: fields.integer('windowMinutes', MIN_RELEASE_WINDOW_MINUTES, MAX_RELEASE_WINDOW_MINUTES),
    startAt: startAtOf(fields),
    evaluateEverySeconds: fields.integer('evaluateEverySeconds', MIN_RELEASE_EVALUATE_EVERY_SECONDS, MAX_EVALUATE_EVERY_SECONDS, DEFAULT_EVALUATE_EVERY_SECONDS),
    metrics: metricsOf(fields),
    confidence: fields.number('confidence', { min: 0.5, max: 1, exclusive: true, describe: 'a number greater than 0.5 and less than 1' }, DEFAULT_CONFIDENCE),
    tolerance: fields.number('tolerance', { min: 0, max: MAX_TOLERANCE, describe: `a number from 0 to ${MAX_TOLERANCE}` }, DEFAULT_TOLERANCE),
    passScore,
    marginalScore,
    thresholds: thresholdsOf(fields),
  });
}

/** Stored as the instant's canonical ISO form (UTC, milliseconds). */
function startAtOf(fields: Fields): string | undefined {
  const value = fields.raw('startAt');
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    fields.problem('startAt must be an ISO-8601 instant with a time zone, e.g. 2026-03-01T12:00:00Z');
    return undefined;
  }
  return new Date(ms).toISOString();
}

function metricsOf(fields: Fields): CanaryMetricConfig[] | undefined {
  const entries = fields.array('metrics', 1, CANARY_METRICS.length);
  if (entries === undefined) return fields.has('metrics') ? undefined : DEFAULT_CANARY_METRICS.map((metric) => ({ ...metric }));
  const seen = new Set<CanaryMetric>();
  const metrics: CanaryMetricConfig[] = [];
  entries.forEach((entry, index) => {
    const metricFields = fields.element('metrics', index, entry);
    if (metricFields === undefined) return;
    const metric = metricFields.oneOf('metric', CANARY_METRICS, { required: true });
    const critical = metricFields.boolean('critical', false);
    const weight = metricFields.number('weight', { min: 0, max: MAX_METRIC_WEIGHT, describe: `a number greater than 0 and at most ${MAX_METRIC_WEIGHT}` }, 1);
    if (weight === 0) metricFields.problem(`${metricFields.path('weight')} must be a number greater than 0 and at most ${MAX_METRIC_WEIGHT}`);
    metricFields.rejectUnknown('a canary metric');
    if (metric === undefined || critical === undefined || weight === undefined) return;
    if (seen.has(metric)) metricFields.problem(`${metricFields.path('metric')} ${metric} is listed twice`);
    seen.add(metric);
    metrics.push({ metric, critical, weight });
  });
  return metrics;
}

function thresholdsOf(parent: Fields): ReleaseThresholds | undefined {
  if (!parent.has('thresholds')) return {};
  const fields = parent.object('thresholds');
  if (fields === undefined) return undefined;
  const thresholds: ReleaseThresholds = definedEntries({
    newIssuesAbove: fields.has('newIssuesAbove') ? fields.integer('newIssuesAbove', 0, MAX_COUNT) : undefined,
    crashFreeBelow: fields.has('crashFreeBelow') ? fields.number('crashFreeBelow', FRACTION) : undefined,
    failureRateAbove: fields.has('failureRateAbove') ? fields.number('failureRateAbove', FRACTION) : undefined,
  });
  fields.rejectUnknown('the thresholds of a release rule');
  return thresholds;
}
