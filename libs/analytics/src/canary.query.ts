import { aggregateScope, bucketKey, chooseSource, compileAggregate, CompiledQuery, PartialColumn, ReadScope, Source } from './aggregate-query';
import { perBucketAndRelease, RELEASE_ERRORS, SESSIONS } from './releases.query';
import { QueryParameterError } from './time-range';
import { TRANSACTIONS, transactionFormulas, transactionPartials } from './transactions.dataset';

/**
 * The reads a canary (release) rule judges: per minute and per release, for the canary and its
 * baseline only, over one wall-clock window, so that minute t of the canary and minute t of the
 * baseline saw the same world. Three queries on the same minute grid (transactions, error events,
 * sessions), each keyed by the epoch-aligned minute and the release as releases.query.ts keys
 * release health; a (minute, release) with no row is absent, never a zero (canary.result.ts).
 * And the first minute a release was seen, which starts a rule's window.
 */

export const CANARY_MINUTE_MS = 60_000;
/** Most minutes one samples read may span (7 days: 2 × 10 080 rows at most). */
export const CANARY_MAX_RANGE_MS = 7 * 24 * 3_600_000;

const RELEASE_KEY: PartialColumn = { name: 'release', raw: 'release', rollup: 'release' };
const COUNT: PartialColumn = { name: 'p_count', raw: 'count()', rollup: 'count' };
const STARTED: PartialColumn = { name: 'p_started_sessions', raw: 'sumIf(quantity, init)', rollup: 'started_sessions' };
const CRASHED: PartialColumn = { name: 'p_crashed_sessions', raw: "sumIf(quantity, status = 'crashed')", rollup: 'crashed_sessions' };

export interface CanaryScope extends Omit<ReadScope, 'filters'> {
  environment?: string;
  canary: string;
  baseline: string;
}

export interface CanarySampleQueries {
  transactions: CompiledQuery;
  errors: CompiledQuery;
  sessions: CompiledQuery;
}

export function checkCanaryScope(scope: CanaryScope): void {
  if (scope.canary === '' || scope.baseline === '') throw new QueryParameterError('canary and baseline must name releases');
  if (scope.canary === scope.baseline) throw new QueryParameterError('canary and baseline must be different releases');
  const { fromMs, toMs } = scope.range;
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || fromMs < 0 || toMs <= fromMs) throw new QueryParameterError('the canary window must be epoch milliseconds with from < to');
  if (toMs - fromMs > CANARY_MAX_RANGE_MS) throw new QueryParameterError(`a canary window may span at most ${CANARY_MAX_RANGE_MS / 86_400_000} days`);
}

/** Per minute and release (the two only): transactions, failures and p95; error events; started and crashed sessions. */
export function compileCanarySamples(scope: CanaryScope): CanarySampleQueries {
  checkCanaryScope(scope);
  const filters = scope.environment === undefined ? {} : { environment: scope.environment };
  const read = { ...aggregateScope({ ...scope, filters }), params: { interval_ms: CANARY_MINUTE_MS, releases: [scope.canary, scope.baseline] } };
  const outer = perBucketAndRelease;
  const source = (dataset: typeof TRANSACTIONS, partials: PartialColumn[]): Source => scope.source ?? chooseSource(dataset, scope.range, filters, partials);
  const p = transactionPartials;
  const txPartials = [p.count, p.failures, p.quantiles];
  return {
    transactions: compileAggregate({
      ...read,
      dataset: TRANSACTIONS,
      source: source(TRANSACTIONS, txPartials),
      keys: [bucketKey(TRANSACTIONS, CANARY_MINUTE_MS), RELEASE_KEY],
      partials: txPartials,
      outer: outer(`sum(p_count) AS transactions, sum(p_failures) AS failures, ${transactionFormulas.quantiles('0.95')}[1] AS p95`),
    }),
    errors: compileAggregate({
      ...read,
      dataset: RELEASE_ERRORS,
      source: source(RELEASE_ERRORS, [COUNT]),
      keys: [bucketKey(RELEASE_ERRORS, CANARY_MINUTE_MS), RELEASE_KEY],
      partials: [COUNT],
      outer: outer('sum(p_count) AS errors'),
    }),
    sessions: compileAggregate({
      ...read,
      dataset: SESSIONS,
      source: source(SESSIONS, [STARTED, CRASHED]),
      keys: [bucketKey(SESSIONS, CANARY_MINUTE_MS), RELEASE_KEY],
      partials: [STARTED, CRASHED],
      outer: outer('sum(p_started_sessions) AS sessions, sum(p_crashed_sessions) AS crashed'),
    }),
  };
}

export interface FirstMinuteScope extends Omit<ReadScope, 'filters'> {
  environment?: string;
  release: string;
}

/**
 * The first minute (epoch ms) a release had a transaction, and the first it started a session, in
 * the range: two queries, each answering `first_seen` 0 when the release has no row there (a raw
 * aggregate without keys answers one row even over nothing, so 0 stands for none).
 */
export function compileFirstMinutes(scope: FirstMinuteScope): { transactions: CompiledQuery; sessions: CompiledQuery } {
  if (scope.release === '') throw new QueryParameterError('release must name a release');
  const filters = { release: scope.release, ...(scope.environment === undefined ? {} : { environment: scope.environment }) };
  const firstTransaction: PartialColumn = { name: 'p_first_minute', raw: "min(toStartOfMinute(toDateTime(timestamp, 'UTC')))", rollup: 'minute', hourRollup: 'first_minute' };
  const firstSession: PartialColumn = { name: 'p_first_minute', raw: "min(toStartOfMinute(toDateTime(started, 'UTC')))", rollup: 'minute' };
  const outer = (from: string) => `
SELECT toUnixTimestamp(minIf(p_first_minute, toUnixTimestamp(p_first_minute) > 0)) * 1000 AS first_seen
FROM ${from}`;
  const read = aggregateScope({ ...scope, filters });
  return {
    transactions: compileAggregate({
      ...read,
      dataset: TRANSACTIONS,
      source: scope.source ?? chooseSource(TRANSACTIONS, scope.range, filters, [firstTransaction]),
      keys: [],
      partials: [firstTransaction],
      outer,
    }),
    sessions: compileAggregate({
      ...read,
      dataset: SESSIONS,
      source: scope.source ?? chooseSource(SESSIONS, scope.range, filters, [firstSession]),
      keys: [],
      partials: [firstSession],
      outer,
    }),
  };
}
