import { DATASET_OF_AGGREGATE } from '@pulse/analytics';
import type { MetricAggregate, MetricDataset, MetricRuleDefinition, MetricRuleFilters, Threshold, WebVitalName } from './alert-rule';
import { definedEntries, Fields } from './rule-fields';
import {
  DEFAULT_EVALUATE_EVERY_SECONDS,
  MAX_CONSECUTIVE_EVALUATIONS,
  MAX_EVALUATE_EVERY_SECONDS,
  MAX_FILTER_VALUE_LENGTH,
  MAX_GUARD_SECONDS,
  MAX_WINDOW_SECONDS,
  MIN_METRIC_EVALUATE_EVERY_SECONDS,
  MIN_WINDOW_SECONDS,
} from './rule-limits';

/**
 * The checks of metric rules (called by parseAlertRule). What they guard against is a rule that
 * saves fine and then never fires, or fires forever: an aggregate read from a dataset that does
 * not have it, a rate threshold of 95 where 0.95 was meant, a warning beyond its critical, or a
 * resolve threshold on the firing side (the rule would flap between firing and resolved).
 */


/** Aggregates whose value is a fraction 0–1: their thresholds are too (unless the rule compares %). */
export const FRACTION_AGGREGATES: ReadonlySet<MetricAggregate> = new Set(['failure_rate', 'apdex', 'crash_free_sessions', 'crash_free_users', 'web_vital_poor_share']);

const AGGREGATES = Object.keys(DATASET_OF_AGGREGATE) as MetricAggregate[];
const DATASETS: readonly MetricDataset[] = ['transactions', 'errors', 'sessions', 'web_vitals'];
const WEB_VITALS: readonly WebVitalName[] = ['lcp', 'fcp', 'cls', 'inp', 'ttfb'];
const COMPARISONS = ['hour', 'day', 'week'] as const;

export function metricRuleOf(fields: Fields): Partial<MetricRuleDefinition> {
  const aggregate = fields.oneOf('aggregate', AGGREGATES, { required: true });
  const dataset = datasetOf(fields, aggregate);
  const comparison = fields.oneOf('comparison', COMPARISONS);
  const fraction = aggregate !== undefined && FRACTION_AGGREGATES.has(aggregate) && comparison === undefined;
  const valueRange = fraction ? { min: 0, max: 1, describe: `a fraction from 0 to 1 (${aggregate} is a rate; 0.05 is 5 %)` } : {};
  const critical = thresholdOf(fields, 'critical', valueRange, true);
  const warning = thresholdOf(fields, 'warning', valueRange, false);
  const resolve = thresholdOf(fields, 'resolve', valueRange, false);
  if (critical !== undefined) checkThresholdOrder(fields, critical, warning, resolve);
  return definedEntries({
    kind: 'metric' as const,
    aggregate,
    dataset,
    vital: vitalOf(fields, aggregate),
    filters: metricFiltersOf(fields, dataset),
    windowSeconds: fields.integer('windowSeconds', MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS),
    evaluateEverySeconds: fields.integer('evaluateEverySeconds', MIN_METRIC_EVALUATE_EVERY_SECONDS, MAX_EVALUATE_EVERY_SECONDS, DEFAULT_EVALUATE_EVERY_SECONDS),
    comparison,
    critical,
    warning,
    resolve,
    triggerAfter: fields.integer('triggerAfter', 1, MAX_CONSECUTIVE_EVALUATIONS, 1),
    resolveAfter: fields.integer('resolveAfter', 1, MAX_CONSECUTIVE_EVALUATIONS, 1),
    guardSeconds: fields.integer('guardSeconds', 0, MAX_GUARD_SECONDS, 0),
  });
}

function datasetOf(fields: Fields, aggregate: MetricAggregate | undefined): MetricDataset | undefined {
  const given = fields.oneOf('dataset', DATASETS);
  if (aggregate === undefined) return given;
  const implied = DATASET_OF_AGGREGATE[aggregate];
  if (given !== undefined && given !== implied) fields.problem(`dataset must be ${implied} for aggregate ${aggregate} (or left out), not ${given}`);
  return implied;
}

function vitalOf(fields: Fields, aggregate: MetricAggregate | undefined): WebVitalName | undefined {
  const isVitalAggregate = aggregate !== undefined && DATASET_OF_AGGREGATE[aggregate] === 'web_vitals';
  if (!isVitalAggregate) {
    if (fields.has('vital')) fields.problem(`vital is only for the web_vital_* aggregates, not ${aggregate ?? 'this aggregate'}`);
    return undefined;
  }
  return fields.oneOf('vital', WEB_VITALS, { required: true });
}

function metricFiltersOf(parent: Fields, dataset: MetricDataset | undefined): MetricRuleFilters | undefined {
  if (!parent.has('filters')) return {};
  const fields = parent.object('filters');
  if (fields === undefined) return undefined;
  const filters: MetricRuleFilters = definedEntries({
    transaction: fields.string('transaction', { maxLength: MAX_FILTER_VALUE_LENGTH }),
    environment: fields.string('environment', { maxLength: MAX_FILTER_VALUE_LENGTH }),
    release: fields.string('release', { maxLength: MAX_FILTER_VALUE_LENGTH }),
  });
  // Sessions carry a release and an environment, no transaction.
  if (filters.transaction !== undefined && dataset === 'sessions') fields.problem('filters.transaction does not apply to the sessions dataset (sessions have no transaction)');
  fields.rejectUnknown('the filters of a metric rule');
  return filters;
}

type ValueRange = { min?: number; max?: number; describe?: string };

/** `{above: x}` or `{below: x}`, exactly one, x finite (and in `range`). */
function thresholdOf(parent: Fields, name: 'critical' | 'warning' | 'resolve', range: ValueRange, required: boolean): Threshold | undefined {
  const fields = parent.object(name, { required });
  if (fields === undefined) return undefined;
  const hasAbove = fields.has('above');
  const hasBelow = fields.has('below');
  let threshold: Threshold | undefined;
  if (hasAbove === hasBelow) {
    fields.problem(`${name} must give exactly one of above and below`);
  } else if (hasAbove) {
    const above = fields.number('above', range);
    threshold = above === undefined ? undefined : { above };
  } else {
    const below = fields.number('below', range);
    threshold = below === undefined ? undefined : { below };
  }
  fields.rejectUnknown('a threshold');
  return threshold;
}

/**
 * A warning fires in critical's direction before critical does (strictly less severe); resolve is
 * on the other side, at or past the first firing threshold, so resolving and firing never overlap.
 */
function checkThresholdOrder(fields: Fields, critical: Threshold, warning: Threshold | undefined, resolve: Threshold | undefined): void {
  const firesAbove = 'above' in critical;
  const direction = firesAbove ? 'above' : 'below';
  const criticalValue = valueOf(critical);
  let firstFiring = criticalValue;
  if (warning !== undefined) {
    if (('above' in warning) !== firesAbove) {
      fields.problem(`warning must be {"${direction}": …} like critical: a warning fires in the same direction`);
    } else {
      const warningValue = valueOf(warning);
      const lessSevere = firesAbove ? warningValue < criticalValue : warningValue > criticalValue;
      if (!lessSevere) fields.problem(`warning.${direction} must be ${firesAbove ? 'less' : 'greater'} than critical.${direction} (${criticalValue}): a warning is less severe than critical`);
      firstFiring = warningValue;
    }
  }
  if (resolve !== undefined) {
    const resolveDirection = firesAbove ? 'below' : 'above';
    if (('above' in resolve) === firesAbove) {
      fields.problem(`resolve must be {"${resolveDirection}": …} for a rule that fires ${direction}: the value resolves when it comes back`);
      return;
    }
    const resolveValue = valueOf(resolve);
    const onTheOtherSide = firesAbove ? resolveValue <= firstFiring : resolveValue >= firstFiring;
    if (!onTheOtherSide) {
      fields.problem(`resolve.${resolveDirection} must be at ${firesAbove ? 'most' : 'least'} ${firstFiring} (the ${firesAbove ? 'lowest' : 'highest'} firing threshold)`);
    }
  }
}

function valueOf(threshold: Threshold): number {
  return 'above' in threshold ? threshold.above : threshold.below;
}
