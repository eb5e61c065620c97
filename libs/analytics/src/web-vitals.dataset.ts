import { RatedVitalName, VITAL_THRESHOLDS } from '@pulse/model';
import { Dataset, levelList, PartialColumn } from './aggregate-query';

/** `transaction` filters the page a sample was measured on; vitals carry no tags. */
export const WEB_VITALS_DATASET: Dataset = {
  what: 'web vitals',
  raw: {
    table: 'web_vitals',
    time: 'timestamp',
    columns: { transaction: 'page', release: 'release', environment: 'environment', browser: 'browser_name', os: 'os_name' },
  },
  rollup: { table: 'web_vitals_minute', columns: { transaction: 'page', release: 'release', environment: 'environment', browser: 'browser_name' } },
  hourRollup: { table: 'web_vitals_hour' },
  dayRollup: { table: 'web_vitals_day' },
};

/** The vitals the API reports, in response order (fp is stored but has no thresholds and is not reported). */
export const REPORTED_VITALS: readonly RatedVitalName[] = ['lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid'];

/** `vital IN ('lcp', …)`: a fixed list, never user text. */
export const REPORTED_VITALS_CONDITION = `vital IN (${REPORTED_VITALS.map((vital) => `'${vital}'`).join(', ')})`;

/** The rollup's DDSketch state: the raw side must build exactly this type for the two to merge. */
const DD_STATE = 'quantilesDDState(0.01, 0.5, 0.75, 0.95, 0.99)(value)';

/** ClickHouse Float64 literals as the migration writes them: `2500.`, `0.1`. */
function floatLiteral(value: number): string {
  return Number.isInteger(value) ? `${value}.` : String(value);
}

/**
 * A vital's rating threshold as the materialized view of 0003_web_vitals.sql computes it, text for
 * text (generated from VITAL_THRESHOLDS; a unit test checks it against the migration): nan for fp,
 * so fp counts in no rating.
 */
export function thresholdExpression(side: 'good' | 'poor'): string {
  const rated = Object.entries(VITAL_THRESHOLDS);
  const names = rated.map(([vital]) => `'${vital}'`).join(', ');
  const values = rated.map(([, thresholds]) => floatLiteral(thresholds[side])).join(', ');
  return `transform(toString(vital), [${names}], [${values}], nan)`;
}

const GOOD = thresholdExpression('good');
const POOR = thresholdExpression('poor');

/**
 * Partial aggregates of vital samples, named `p_…` so that no output alias of an outer query
 * (ClickHouse prefers aliases to columns) can shadow them. The rollup holds every one of them.
 */
export const webVitalPartials = {
  count: { name: 'p_count', raw: 'count()', rollup: 'count' },
  quantiles: { name: 'p_quantiles', raw: DD_STATE, rollup: 'value_quantiles' },
  good: { name: 'p_good', raw: `countIf(value <= ${GOOD})`, rollup: 'good' },
  needsImprovement: { name: 'p_needs_improvement', raw: `countIf(value > ${GOOD} AND value <= ${POOR})`, rollup: 'needs_improvement' },
  poor: { name: 'p_poor', raw: `countIf(value > ${POOR})`, rollup: 'poor' },
} satisfies Record<string, PartialColumn>;

export const WEB_VITAL_PARTIALS: PartialColumn[] = Object.values(webVitalPartials);

/** The vital of a partial row, a grouping key of every vitals query (units differ between vitals). */
export const VITAL_KEY: PartialColumn = { name: 'vital', raw: 'vital', rollup: 'vital' };

/** The percentiles every vitals answer reports, in the order of the merged quantiles array. */
export const VITAL_PERCENTILES = [50, 75, 95] as const;

/**
 * Outer formulas over the partials: a vital's sample count, its p50/p75/p95 (DDSketch, relative
 * accuracy 1%; the first parameter is the states' accuracy) and its rating counts.
 */
export const webVitalFormulas = {
  count: 'sum(p_count)',
  quantiles: `quantilesDDMerge(0.01, ${levelList([...VITAL_PERCENTILES])})(p_quantiles)`,
  good: 'sum(p_good)',
  needsImprovement: 'sum(p_needs_improvement)',
  poor: 'sum(p_poor)',
};

/** The formulas as one select list: `sum(p_count) AS count, …`. */
export const VITAL_AGGREGATES = [
  `${webVitalFormulas.count} AS count`,
  `${webVitalFormulas.quantiles} AS quantiles`,
  `${webVitalFormulas.good} AS good`,
  `${webVitalFormulas.needsImprovement} AS needs_improvement`,
  `${webVitalFormulas.poor} AS poor`,
].join(', ');
