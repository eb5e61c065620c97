import { aggregateScope, alignInterval, bucketKey, chooseSource, compileAggregate, CompiledQuery, levelList, PartialColumn, ReadScope, Source } from './aggregate-query';
import { QueryParameterError } from './time-range';
import { TRANSACTIONS, transactionFormulas, transactionPartials } from './transactions.dataset';

export interface TransactionTableInput extends ReadScope {
  apdexThresholdMs: number;
  sort: TransactionSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Sortable columns of the transaction table → the SQL alias they sort by (never user text). */
export const TRANSACTION_SORTS = {
  transaction: 'transaction',
  count: 'count',
  tpm: 'count',
  p50: 'p50',
  p95: 'p95',
  failure_rate: 'failure_rate',
  apdex: 'apdex',
  user_misery: 'user_misery',
  users: 'users',
} as const;
export type TransactionSort = keyof typeof TRANSACTION_SORTS;

function tablePartials(apdexThresholdMs: number): PartialColumn[] {
  const p = transactionPartials;
  return [p.count, p.failures, p.quantiles, p.users, ...p.apdex(apdexThresholdMs)];
}

/**
 * One row per transaction name: count, tpm, p50, p95, failure rate, apdex(T), user misery(T)
 * and users, with the total number of names for pagination (`count() OVER ()` after grouping).
 */
export function compileTransactionTable(input: TransactionTableInput): { query: CompiledQuery; source: Source } {
  const partials = tablePartials(input.apdexThresholdMs);
  const source = input.source ?? chooseSource(TRANSACTIONS, input.range, input.filters, partials);
  const f = transactionFormulas;
  const minutes = (input.range.toMs - input.range.fromMs) / 60_000;
  const query = compileAggregate({
    dataset: TRANSACTIONS,
    ...aggregateScope(input),
    source,
    keys: [{ name: 'name', raw: 'name', rollup: 'name' }],
    partials,
    params: { apdex_t: input.apdexThresholdMs, minutes, limit: input.limit, offset: input.offset },
    outer: (from) => `
SELECT
  name AS transaction,
  ${f.count} AS count,
  count / {minutes:Float64} AS tpm,
  ${f.quantiles('0.5, 0.95')} AS quantiles,
  quantiles[1] AS p50,
  quantiles[2] AS p95,
  ${f.failureRate} AS failure_rate,
  ${f.apdex} AS apdex,
  ${f.userMisery} AS user_misery,
  ${f.users} AS users,
  count() OVER () AS total
FROM ${from}
GROUP BY name
ORDER BY ${TRANSACTION_SORTS[input.sort]} ${input.order === 'asc' ? 'ASC' : 'DESC'}, transaction ASC
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
  });
  return { query, source };
}

/** `group_by` of the transaction series: `release` splits it, nothing else is accepted. */
export function parseGroupByRelease(raw: string | undefined): boolean {
  if (raw !== undefined && raw !== 'release') throw new QueryParameterError(`group_by=${JSON.stringify(raw)} must be release`);
  return raw === 'release';
}

export interface TransactionSeriesInput extends ReadScope {
  intervalMs: number;
  percentiles: number[];
  apdexThresholdMs: number;
  /** Split the series by release (the top `limit` releases by count). */
  byRelease: boolean;
  limit: number;
}

/**
 * Per bucket (and release): count, tpm, failure rate, apdex and the requested percentiles. With
 * byRelease, only the `limit` releases with most transactions in the range are kept (a
 * subquery over the same partial rows).
 */
export function compileTransactionSeries(input: TransactionSeriesInput): { query: CompiledQuery; source: Source; intervalMs: number } {
  const p = transactionPartials;
  const partials = [p.count, p.failures, p.quantiles, p.max, ...p.apdex(input.apdexThresholdMs)];
  const source = input.source ?? chooseSource(TRANSACTIONS, input.range, input.filters, partials);
  const intervalMs = alignInterval(source, input.intervalMs);
  const f = transactionFormulas;
  const levels = levelList(input.percentiles.map((x) => (x === 100 ? 50 : x)));
  const keys = [bucketKey(TRANSACTIONS, intervalMs), ...(input.byRelease ? [{ name: 'release', raw: 'release', rollup: 'release' }] : [])];
  const query = compileAggregate({
    dataset: TRANSACTIONS,
    ...aggregateScope(input),
    source,
    keys,
    partials,
    params: { apdex_t: input.apdexThresholdMs, interval_ms: intervalMs, limit: input.limit },
    outer: (from) => `
WITH partial AS (SELECT * FROM ${from})
SELECT
  t,
  ${input.byRelease ? 'release' : "'' AS release"},
  ${f.count} AS count,
  ${f.failureRate} AS failure_rate,
  ${f.apdex} AS apdex,
  ${f.quantiles(levels)} AS quantiles,
  ${f.max} AS max
FROM partial
${input.byRelease ? 'WHERE release IN (SELECT release FROM partial GROUP BY release ORDER BY sum(p_count) DESC, release LIMIT {limit:UInt32})' : ''}
GROUP BY t${input.byRelease ? ', release' : ''}
ORDER BY release, t`,
  });
  return { query, source, intervalMs };
}
