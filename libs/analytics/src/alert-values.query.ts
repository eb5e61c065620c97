import { compileAggregate, CompiledQuery, Dataset, PartialColumn, RollupStarts, ROLLUP_MIN_RANGE_MS, Source } from './aggregate-query';
import type { FilterColumns } from './filters';
import { SESSIONS } from './releases.query';
import { QueryParameterError, TimeRange } from './time-range';
import { ROLLUP_APDEX_T_MS, TRANSACTIONS, transactionPartials } from './transactions.dataset';
import { WEB_VITALS_DATASET, webVitalPartials } from './web-vitals.dataset';
import { ERRORS } from './errors.dataset';

/**
 * The values of many metric alert rules of one project, one dataset and one time range in ONE
 * ClickHouse scan. Each partial row is repeated once per rule whose filters it matches: the key
 * column `rule` is `arrayJoin` over the indexes of the matching rules (each rule's conditions on
 * that branch's columns, every value a bound parameter named per rule, `a3_transaction`), so the
 * outer `GROUP BY rule` merges each rule's own rows. The partials and formulas are the datasets'
 * own (transactions.dataset.ts, web-vitals.dataset.ts, releases.query.ts), and the source follows
 * chooseSource's rule (raw below an hour, the rollup tiers above), so every value equals what the
 * query API answers for the same scope. The per-aggregate arithmetic is in alert-values.result.ts.
 */

export type AlertValueAggregate =
  | 'p50'
  | 'p75'
  | 'p95'
  | 'p99'
  | 'throughput'
  | 'failure_rate'
  | 'apdex'
  | 'error_count'
  | 'crash_free_sessions'
  | 'crash_free_users'
  | 'web_vital_p75'
  | 'web_vital_poor_share';

export type AlertValueDataset = 'transactions' | 'errors' | 'sessions' | 'web_vitals';

/** The filters a metric rule may set (alert-rule.ts MetricRuleFilters). */
export interface AlertValueFilters {
  transaction?: string;
  environment?: string;
  release?: string;
}

/** One rule's question: an aggregate over the rows its filters (and, for vitals, its vital) select. */
export interface AlertValueRule {
  aggregate: AlertValueAggregate;
  filters: AlertValueFilters;
  /** Required for web_vital_*: lcp, fcp, cls, inp, ttfb. */
  vital?: string;
  /**
   * The start of this rule's own window inside the query's range (rules of different windows share
   * one read of the longest). Raw rows only: the rollup tiers cannot cut a window inside their range.
   */
  fromMs?: number;
}

/** Most rules in one query: the key expression grows with each (the service splits larger groups). */
export const MAX_RULES_PER_QUERY = 200;

/** The dataset each aggregate is computed from (a metric rule may leave its `dataset` out). */
export const DATASET_OF_AGGREGATE: { readonly [A in AlertValueAggregate]: AlertValueDataset } = {
  p50: 'transactions',
  p75: 'transactions',
  p95: 'transactions',
  p99: 'transactions',
  throughput: 'transactions',
  failure_rate: 'transactions',
  apdex: 'transactions',
  error_count: 'errors',
  crash_free_sessions: 'sessions',
  crash_free_users: 'sessions',
  web_vital_p75: 'web_vitals',
  web_vital_poor_share: 'web_vitals',
};

export function datasetOfAggregate(aggregate: AlertValueAggregate): AlertValueDataset {
  return DATASET_OF_AGGREGATE[aggregate];
}

const VITALS = new Set(['lcp', 'fcp', 'cls', 'inp', 'ttfb']);
const FILTER_NAMES = ['transaction', 'environment', 'release'] as const;

/** Per dataset: what it reads and the partials every rule of it gets (a few extra columns cost less than a second scan). */
interface AlertDataset {
  dataset: Dataset;
  partials: PartialColumn[];
  /** The outer select list over the partials, per rule. */
  select: string[];
  /** Filter columns per tier (the vital is not a filter of the shared scope). */
  rawColumns: FilterColumns;
  rollupColumns: FilterColumns | undefined;
}

const tx = transactionPartials;
const vitals = webVitalPartials;

/** The query API's datasets; a `transaction` filter on errors reads raw rows (errors_minute has no such key). */
const ALERT_DATASETS: Record<AlertValueDataset, AlertDataset> = {
  transactions: {
    dataset: TRANSACTIONS,
    partials: [tx.count, tx.failures, tx.quantiles, ...tx.apdex(ROLLUP_APDEX_T_MS)],
    select: [
      'sum(p_count) AS count',
      'sum(p_failures) AS failures',
      'quantilesDDMerge(0.01, 0.5, 0.75, 0.95, 0.99)(p_quantiles) AS quantiles',
      'sum(p_satisfied) AS satisfied',
      'sum(p_tolerated) AS tolerated',
    ],
    rawColumns: TRANSACTIONS.raw.columns,
    rollupColumns: TRANSACTIONS.rollup?.columns,
  },
  errors: {
    dataset: ERRORS,
    partials: [{ name: 'p_count', raw: 'count()', rollup: 'count' }],
    select: ['sum(p_count) AS count'],
    rawColumns: ERRORS.raw.columns,
    rollupColumns: ERRORS.rollup?.columns,
  },
  sessions: {
    dataset: SESSIONS,
    partials: [
      { name: 'p_started_sessions', raw: 'sumIf(quantity, init)', rollup: 'started_sessions' },
      { name: 'p_crashed_sessions', raw: "sumIf(quantity, status = 'crashed')", rollup: 'crashed_sessions' },
      { name: 'p_users', raw: "uniqStateIf(distinct_id, distinct_id != '')", rollup: 'users' },
      { name: 'p_crashed_users', raw: "uniqStateIf(distinct_id, distinct_id != '' AND status = 'crashed')", rollup: 'crashed_users' },
    ],
    select: ['sum(p_started_sessions) AS sessions', 'sum(p_crashed_sessions) AS crashed', 'uniqMerge(p_users) AS session_users', 'uniqMerge(p_crashed_users) AS crashed_users'],
    rawColumns: SESSIONS.raw.columns,
    rollupColumns: SESSIONS.rollup?.columns,
  },
  web_vitals: {
    dataset: WEB_VITALS_DATASET,
    partials: [vitals.count, vitals.quantiles, vitals.poor],
    // The levels of the Web Vitals API (p50, p75, p95): DDSketch answers each level independently.
    select: ['sum(p_count) AS count', 'quantilesDDMerge(0.01, 0.5, 0.75, 0.95)(p_quantiles) AS quantiles', 'sum(p_poor) AS poor'],
    rawColumns: WEB_VITALS_DATASET.raw.columns,
    rollupColumns: WEB_VITALS_DATASET.rollup?.columns,
  },
};

export interface AlertValuesInput extends RollupStarts {
  projectId: number;
  dataset: AlertValueDataset;
  range: TimeRange;
  rules: readonly AlertValueRule[];
  /** Forces a path (tests compare both); chosen like chooseSource otherwise. */
  source?: Source;
}

/** Throws a QueryParameterError naming the first rule that does not belong to the dataset or lacks its vital. */
export function checkAlertValueRules(dataset: AlertValueDataset, rules: readonly AlertValueRule[]): void {
  const spec = ALERT_DATASETS[dataset];
  rules.forEach((rule, i) => {
    if (DATASET_OF_AGGREGATE[rule.aggregate] !== dataset) throw new QueryParameterError(`rule ${i}: ${rule.aggregate} is not an aggregate of ${dataset}`);
    const isVital = dataset === 'web_vitals';
    if (isVital && (rule.vital === undefined || !VITALS.has(rule.vital))) throw new QueryParameterError(`rule ${i}: ${rule.aggregate} needs a vital (lcp, fcp, cls, inp, ttfb)`);
    for (const name of FILTER_NAMES) {
      if (rule.filters[name] !== undefined && spec.rawColumns[name] === undefined) throw new QueryParameterError(`rule ${i}: ${spec.dataset.what} cannot be filtered by ${name}`);
    }
  });
}

/** True when the rollup tables can select this rule's rows (every filter it sets is a rollup key). */
export function ruleFitsRollup(dataset: AlertValueDataset, rule: AlertValueRule): boolean {
  const columns = ALERT_DATASETS[dataset].rollupColumns;
  return columns !== undefined && FILTER_NAMES.every((name) => rule.filters[name] === undefined || columns[name] !== undefined);
}

/** chooseSource's rule for a set of rules: the rollup for an hour or more when every rule's filters fit it. */
export function alertValuesSource(dataset: AlertValueDataset, range: TimeRange, rules: readonly AlertValueRule[]): Source {
  if (range.toMs - range.fromMs < ROLLUP_MIN_RANGE_MS) return 'raw';
  return rules.every((rule) => ruleFitsRollup(dataset, rule) && !hasOwnStart(rule, range)) ? 'rollup' : 'raw';
}

/** Whether a rule's window starts after the query's range does (its own start is then a condition on raw rows). */
function hasOwnStart(rule: AlertValueRule, range: TimeRange): boolean {
  return rule.fromMs !== undefined && rule.fromMs > range.fromMs;
}

/**
 * `arrayJoin` over the indexes of the rules a row matches, on one tier's columns; undefined if a
 * filter has no column there, or (`time` undefined: a rollup tier) a rule has a window of its own.
 */
function ruleKeyExpression(dataset: AlertValueDataset, rules: readonly AlertValueRule[], columns: FilterColumns | undefined, range: TimeRange, time?: string): string | undefined {
  if (columns === undefined) return undefined;
  const indexes: string[] = [];
  for (const [i, rule] of rules.entries()) {
    const conditions: string[] = [];
    if (hasOwnStart(rule, range)) {
      if (time === undefined) return undefined;
      conditions.push(`${time} >= fromUnixTimestamp64Milli({a${i}_from:Int64}, 'UTC')`);
    }
    for (const name of FILTER_NAMES) {
      if (rule.filters[name] === undefined) continue;
      const column = columns[name];
      if (column === undefined) return undefined;
      conditions.push(`${column} = {a${i}_${name}:String}`);
    }
    if (dataset === 'web_vitals') conditions.push(`vital = {a${i}_vital:String}`);
    indexes.push(conditions.length === 0 ? `${i}` : `if(${conditions.join(' AND ')}, ${i}, -1)`);
  }
  // UInt32 on every branch: UNION ALL branches of different integer types would meet as a Variant.
  return `toUInt32(arrayJoin(arrayFilter(x -> x >= 0, [${indexes.map((index) => `toInt32(${index})`).join(', ')}])))`;
}

function ruleParams(dataset: AlertValueDataset, rules: readonly AlertValueRule[], range: TimeRange): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  rules.forEach((rule, i) => {
    if (hasOwnStart(rule, range)) params[`a${i}_from`] = rule.fromMs;
    for (const name of FILTER_NAMES) {
      const value = rule.filters[name];
      if (value !== undefined) params[`a${i}_${name}`] = value;
    }
    if (dataset === 'web_vitals') params[`a${i}_vital`] = rule.vital;
  });
  return params;
}

/**
 * One query answering every rule: a row per rule that matched any row (`rule` is the index in
 * `input.rules`), with the dataset's merged partials (alert-values.result.ts turns them into each
 * rule's aggregate). At most MAX_RULES_PER_QUERY rules.
 */
export function compileAlertValues(input: AlertValuesInput): CompiledQuery {
  const { dataset, rules } = input;
  if (rules.length === 0) throw new QueryParameterError('no rules to evaluate');
  if (rules.length > MAX_RULES_PER_QUERY) throw new QueryParameterError(`at most ${MAX_RULES_PER_QUERY} rules per query, got ${rules.length}`);
  checkAlertValueRules(dataset, rules);
  const spec = ALERT_DATASETS[dataset];
  const source = input.source ?? alertValuesSource(dataset, input.range, rules);
  for (const [i, rule] of rules.entries()) {
    if (rule.fromMs !== undefined && (!Number.isSafeInteger(rule.fromMs) || rule.fromMs >= input.range.toMs)) throw new QueryParameterError(`rule ${i}: its window must start before the range ends`);
  }
  const raw = ruleKeyExpression(dataset, rules, spec.rawColumns, input.range, spec.dataset.raw.time);
  if (raw === undefined) throw new QueryParameterError(`${spec.dataset.what} cannot be filtered as these rules ask`);
  const rollup = ruleKeyExpression(dataset, rules, spec.rollupColumns, input.range);
  if (source === 'rollup' && rollup === undefined) throw new QueryParameterError(`${spec.dataset.what} rollups cannot answer these rules' filters`);
  return compileAggregate({
    dataset: spec.dataset,
    projectId: input.projectId,
    range: input.range,
    filters: {},
    hourRollupFromMs: input.hourRollupFromMs,
    dayRollupFromMs: input.dayRollupFromMs,
    source,
    keys: [{ name: 'rule', raw, rollup }],
    partials: spec.partials,
    params: { ...ruleParams(dataset, rules, input.range), apdex_t: ROLLUP_APDEX_T_MS },
    outer: (from) => `
SELECT rule, ${spec.select.join(', ')}
FROM ${from}
GROUP BY rule
ORDER BY rule`,
  });
}
