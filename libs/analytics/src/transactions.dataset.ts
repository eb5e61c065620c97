import type { Dataset, PartialColumn } from './aggregate-query';
import { QueryParameterError } from './time-range';

export const TRANSACTIONS: Dataset = {
  what: 'transactions',
  raw: {
    table: 'transactions',
    time: 'timestamp',
    columns: { transaction: 'name', release: 'release', environment: 'environment', browser: 'browser_name', os: 'os_name', tags: 'tags' },
  },
  rollup: { table: 'transactions_minute', columns: { transaction: 'name', release: 'release', environment: 'environment' } },
  hourRollup: { table: 'transactions_hour' },
  dayRollup: { table: 'transactions_day' },
};

/** The apdex threshold T the rollup's satisfied/tolerated/miserable columns were computed with. */
export const ROLLUP_APDEX_T_MS = 300;
export const DEFAULT_APDEX_T_MS = ROLLUP_APDEX_T_MS;

/** Statuses that are not failures (metrics.md): everything else counts in failure_rate. */
const FAILURE = "status NOT IN ('ok', 'cancelled', 'unknown')";
/** The rollup's DDSketch state: the raw side must build exactly this type for the two to merge. */
const DD_STATE = 'quantilesDDState(0.01, 0.5, 0.75, 0.95, 0.99)(duration_ms)';

export function parseApdexThreshold(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_APDEX_T_MS;
  const t = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || t <= 0 || t > 600_000) throw new QueryParameterError(`apdex_threshold=${JSON.stringify(raw)} must be milliseconds in (0, 600000]`);
  return t;
}

/**
 * Partial aggregates of transactions, named `p_…` so that no output alias of an outer query
 * (ClickHouse prefers aliases to columns) can shadow them. Apdex and misery zones use `{apdex_t:Float64}` on raw rows;
 * the rollup has them only for T = 300 ms, so another T forces the raw path.
 */
export const transactionPartials = {
  count: { name: 'p_count', raw: 'count()', rollup: 'count' },
  failures: { name: 'p_failures', raw: `countIf(${FAILURE})`, rollup: 'failures' },
  quantiles: { name: 'p_quantiles', raw: DD_STATE, rollup: 'duration_quantiles' },
  sum: { name: 'p_sum', raw: 'sum(duration_ms)', rollup: 'duration_sum' },
  max: { name: 'p_max', raw: 'max(duration_ms)', rollup: 'duration_max' },
  users: { name: 'p_users', raw: "uniqStateIf(user_id, user_id != '')", rollup: 'users' },
  apdex: (t: number): PartialColumn[] => {
    const inRollup = t === ROLLUP_APDEX_T_MS;
    return [
      { name: 'p_satisfied', raw: 'countIf(duration_ms <= {apdex_t:Float64})', rollup: inRollup ? 'satisfied' : undefined },
      { name: 'p_tolerated', raw: 'countIf(duration_ms > {apdex_t:Float64} AND duration_ms <= 4 * {apdex_t:Float64})', rollup: inRollup ? 'tolerated' : undefined },
      { name: 'p_miserable_users', raw: "uniqStateIf(user_id, user_id != '' AND duration_ms > 4 * {apdex_t:Float64})", rollup: inRollup ? 'miserable_users' : undefined },
    ];
  },
} satisfies Record<string, PartialColumn | ((t: number) => PartialColumn[])>;

/** Outer formulas over the partials (metrics.md). Rates are NULL where there is nothing to divide. */
export const transactionFormulas = {
  count: 'sum(p_count)',
  failureRate: 'if(sum(p_count) = 0, NULL, sum(p_failures) / sum(p_count))',
  apdex: 'if(sum(p_count) = 0, NULL, (sum(p_satisfied) + sum(p_tolerated) / 2) / sum(p_count))',
  userMisery: 'if(sum(p_count) = 0, NULL, (uniqMerge(p_miserable_users) + 5.8875) / (uniqMerge(p_users) + 5.8875 + 111.8625))',
  users: 'uniqMerge(p_users)',
  max: 'if(sum(p_count) = 0, NULL, max(p_max))',
  mean: 'if(sum(p_count) = 0, NULL, sum(p_sum) / sum(p_count))',
  /** `levels` from levelList(): numbers rendered by the server. */
  quantiles: (levels: string) => `quantilesDDMerge(0.01, ${levels})(p_quantiles)`,
};
