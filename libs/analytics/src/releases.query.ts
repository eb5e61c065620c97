import { aggregateScope, alignInterval, bucketKey, chooseSource, compileAggregate, CompiledQuery, Dataset, PartialColumn, ReadScope } from './aggregate-query';
import { FILTER_NAMES, Filters } from './filters';
import { QueryParameterError } from './time-range';
import { ROLLUP_APDEX_T_MS, TRANSACTIONS, transactionFormulas, transactionPartials } from './transactions.dataset';

/** Error events as release health reads them (release and environment are rollup keys). */
export const RELEASE_ERRORS: Dataset = {
  what: 'errors',
  raw: { table: 'errors', time: 'timestamp', columns: { release: 'release', environment: 'environment' } },
  rollup: { table: 'errors_minute', columns: { release: 'release', environment: 'environment' } },
};

/** Sessions by the time they started (crashes count against the start, as in Sentry's release health). */
export const SESSIONS: Dataset = {
  what: 'sessions',
  raw: { table: 'sessions', time: 'started', columns: { release: 'release', environment: 'environment' } },
  rollup: { table: 'sessions_minute', columns: { release: 'release', environment: 'environment' } },
};

const MAX_RELEASES = 1000;
const RELEASE_KEY: PartialColumn = { name: 'release', raw: 'release', rollup: 'release' };
/** Minute precision on every path: the minute rollup knows the minute, the hour rollup keeps the first one of its hour. */
const FIRST_MINUTE: PartialColumn = { name: 'p_first_minute', raw: "min(toStartOfMinute(toDateTime(timestamp, 'UTC')))", rollup: 'minute', hourRollup: 'first_minute' };

export interface ReleaseScope extends ReadScope {
  /** Only these releases (compare); all otherwise. */
  releases?: string[];
}

/** Release health reads release and environment only: sessions know nothing else. */
export function checkReleaseFilters(filters: Filters): void {
  for (const name of FILTER_NAMES) {
    if (name !== 'release' && name !== 'environment' && filters[name] !== undefined) throw new QueryParameterError(`releases can be filtered by release and environment, not ${name}`);
  }
  if ((filters.tags?.length ?? 0) > 0) throw new QueryParameterError('releases can be filtered by release and environment, not tag');
}

function releaseScopeSql(scope: ReleaseScope): { where: string; params: Record<string, unknown> } {
  if (!scope.releases) return { where: '', params: {} };
  return { where: 'WHERE release IN {releases:Array(String)}', params: { releases: scope.releases } };
}

function aggregateByRelease(dataset: Dataset, scope: ReleaseScope, partials: PartialColumn[], select: string[], extraParams: Record<string, unknown> = {}): CompiledQuery {
  const source = scope.source ?? chooseSource(dataset, scope.range, scope.filters, partials);
  const only = releaseScopeSql(scope);
  return compileAggregate({
    dataset,
    ...aggregateScope(scope),
    source,
    keys: [RELEASE_KEY],
    partials,
    params: { ...extraParams, ...only.params, max_releases: MAX_RELEASES },
    outer: (from) => `
SELECT release, ${select.join(', ')}
FROM ${from}
${only.where}
GROUP BY release
ORDER BY release
LIMIT {max_releases:UInt32}`,
  });
}

/** Per release: first minute seen, transactions, failure rate, p50/p95 (for compare). */
export function compileReleaseTransactions(scope: ReleaseScope): CompiledQuery {
  const p = transactionPartials;
  const f = transactionFormulas;
  return aggregateByRelease(TRANSACTIONS, scope, [FIRST_MINUTE, p.count, p.failures, p.quantiles, p.users, ...p.apdex(ROLLUP_APDEX_T_MS)], [
    'toUnixTimestamp(min(p_first_minute)) * 1000 AS first_seen',
    `${f.count} AS transactions`,
    `${f.failureRate} AS failure_rate`,
    `${f.quantiles('0.5, 0.95')} AS latency`,
    `${f.apdex} AS apdex`,
  ], { apdex_t: ROLLUP_APDEX_T_MS });
}

/** Per release: first minute seen, error events, users affected (distinct users of error events). */
export function compileReleaseErrors(scope: ReleaseScope): CompiledQuery {
  return aggregateByRelease(
    RELEASE_ERRORS,
    scope,
    [FIRST_MINUTE, { name: 'p_count', raw: 'count()', rollup: 'count' }, { name: 'p_users', raw: "uniqStateIf(user_id, user_id != '')", rollup: 'users' }],
    ['toUnixTimestamp(min(p_first_minute)) * 1000 AS first_seen', 'sum(p_count) AS errors', 'uniqMerge(p_users) AS users_affected'],
  );
}

/** Per release: started and crashed sessions, users and crashed users (crash-free = 1 − crashed / all). */
export function compileReleaseSessions(scope: ReleaseScope): CompiledQuery {
  const firstMinute: PartialColumn = { ...FIRST_MINUTE, raw: "min(toStartOfMinute(toDateTime(started, 'UTC')))" };
  return aggregateByRelease(
    SESSIONS,
    scope,
    [
      firstMinute,
      { name: 'p_started_sessions', raw: 'sumIf(quantity, init)', rollup: 'started_sessions' },
      { name: 'p_crashed_sessions', raw: "sumIf(quantity, status = 'crashed')", rollup: 'crashed_sessions' },
      { name: 'p_users', raw: "uniqStateIf(distinct_id, distinct_id != '')", rollup: 'users' },
      { name: 'p_crashed_users', raw: "uniqStateIf(distinct_id, distinct_id != '' AND status = 'crashed')", rollup: 'crashed_users' },
    ],
    [
      'toUnixTimestamp(min(p_first_minute)) * 1000 AS first_seen',
      'sum(p_started_sessions) AS sessions',
      'sum(p_crashed_sessions) AS crashed',
      'uniqMerge(p_users) AS session_users',
      'uniqMerge(p_crashed_users) AS crashed_users',
    ],
  );
}

export interface ReleaseSeriesInput extends ReadScope {
  intervalMs: number;
  /** The releases to draw (the caller picks the top ones). */
  releases: string[];
}

/** Per bucket and release: transactions and failures, and error events, as two queries on one bucket grid. */
export function compileReleaseSeries(input: ReleaseSeriesInput): { transactions: CompiledQuery; errors: CompiledQuery; intervalMs: number } {
  const p = transactionPartials;
  const count: PartialColumn = { name: 'p_count', raw: 'count()', rollup: 'count' };
  const txSource = input.source ?? chooseSource(TRANSACTIONS, input.range, input.filters, [p.count, p.failures]);
  const errSource = input.source ?? chooseSource(RELEASE_ERRORS, input.range, input.filters, [count]);
  // One bucket width for both, so the points line up: whole minutes if either reads a rollup.
  const intervalMs = alignInterval(txSource === 'rollup' || errSource === 'rollup' ? 'rollup' : 'raw', input.intervalMs);
  const common = { ...aggregateScope(input), params: { interval_ms: intervalMs, releases: input.releases } };
  const outer = perBucketAndRelease;
  return {
    intervalMs,
    transactions: compileAggregate({
      ...common,
      dataset: TRANSACTIONS,
      source: txSource,
      keys: [bucketKey(TRANSACTIONS, intervalMs), RELEASE_KEY],
      partials: [p.count, p.failures],
      outer: outer('sum(p_count) AS transactions, sum(p_failures) AS failures'),
    }),
    errors: compileAggregate({
      ...common,
      dataset: RELEASE_ERRORS,
      source: errSource,
      keys: [bucketKey(RELEASE_ERRORS, intervalMs), RELEASE_KEY],
      partials: [count],
      outer: outer('sum(p_count) AS errors'),
    }),
  };
}

/** The outer query of a series per time bucket `t` and release, of the releases bound as `releases`. */
export function perBucketAndRelease(select: string): (from: string) => string {
  return (from) => `
SELECT t, release, ${select}
FROM ${from}
WHERE release IN {releases:Array(String)}
GROUP BY t, release
ORDER BY release, t`;
}
