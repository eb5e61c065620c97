import { aggregateScope, bucketKey, chooseSource, compileAggregate, CompiledQuery, Dataset, PartialColumn, Source } from './aggregate-query';
import { ERRORS, errorPartials } from './errors.dataset';
import { filterConditions, Filters } from './filters';
import { QueryParameterError, TimeRange } from './time-range';

/**
 * The ClickHouse reads of an issue (an error group of one or more fingerprints, kept in
 * PostgreSQL): totals per fingerprint for issue lists, exact users and breakdowns, one event in
 * full, and the events series. Every value is a bound parameter; the hashes are one
 * `Array(FixedString(32))`. Counts and series read the errors_minute rollup where the range and
 * filters allow (compileAggregate: whole minutes from the rollup, edge minutes from raw rows);
 * exact distinct users, tag values and events read raw rows, within the issue's range.
 */

export interface IssueRef {
  projectId: number;
  /** The fingerprints of the issue. */
  hashes: readonly string[];
}

export interface IssueFilters {
  release?: string;
  environment?: string;
}

export type EventChoice = 'latest' | 'oldest' | { eventId: string };

/** The tag keys a breakdown lists: each an `errors` column. */
export const ISSUE_TAG_COLUMNS = {
  release: 'release',
  environment: 'environment',
  browser: 'browser_name',
  os: 'os_name',
  transaction: 'transaction',
} as const;
export type IssueTagKey = keyof typeof ISSUE_TAG_COLUMNS;

/** Most fingerprints one issue (or one totals request) may name. */
export const MAX_ISSUE_HASHES = 1000;
export const DEFAULT_FINGERPRINT_TOTALS_LIMIT = 10_000;
export const MAX_FINGERPRINT_TOTALS_LIMIT = 100_000;
/** Rows of a breakdown: release × environment pairs, values per tag key. */
export const TOP_RELEASE_ENVIRONMENTS = 100;
export const TOP_TAG_VALUES = 10;
/** Most buckets of one series. */
export const MAX_SERIES_BUCKETS = 10_000;

const MINUTE_MS = 60_000;
const HEX32 = /^[0-9a-f]{32}$/;

function checkHashes(hashes: readonly string[], what: string): string[] {
  if (hashes.length > MAX_ISSUE_HASHES) throw new QueryParameterError(`${what}: at most ${MAX_ISSUE_HASHES} fingerprints`);
  const bad = hashes.find((hash) => !HEX32.test(hash));
  if (bad !== undefined) throw new QueryParameterError(`${what}: fingerprint ${JSON.stringify(bad)} must be 32 lower-case hex characters`);
  return [...hashes];
}

function checkIssue(issue: IssueRef): string[] {
  if (!Number.isSafeInteger(issue.projectId) || issue.projectId <= 0) throw new QueryParameterError(`project id ${issue.projectId} must be a positive integer`);
  if (issue.hashes.length === 0) throw new QueryParameterError('an issue has at least one fingerprint');
  return checkHashes(issue.hashes, 'issue');
}

function checkRange(range: TimeRange): void {
  if (!Number.isSafeInteger(range.fromMs) || !Number.isSafeInteger(range.toMs) || range.toMs <= range.fromMs) {
    throw new QueryParameterError('the time range must be whole epoch milliseconds with to after from');
  }
}

const toFilters = (filters: IssueFilters): Filters => ({ release: filters.release, environment: filters.environment });

/** The errors dataset narrowed to some fingerprints (`{hashes:…}`, bound by the caller), raw table and rollup alike. */
function fingerprintsDataset(): Dataset {
  const only = (table: string) => `(SELECT * FROM ${table} WHERE fingerprint IN {hashes:Array(FixedString(32))})`;
  return {
    what: ERRORS.what,
    raw: { ...ERRORS.raw, table: only(ERRORS.raw.table) },
    rollup: ERRORS.rollup && { ...ERRORS.rollup, table: only(ERRORS.rollup.table) },
  };
}

/** WHERE of the raw reads of one issue: project, hashes, range, filters; parameters into `params`. */
function issueWhere(issue: IssueRef, range: TimeRange, filters: IssueFilters, params: Record<string, unknown>): string {
  const hashes = checkIssue(issue);
  checkRange(range);
  Object.assign(params, { project_id: issue.projectId, hashes, from: range.fromMs, to: range.toMs });
  return [
    'project_id = {project_id:UInt64}',
    'fingerprint IN {hashes:Array(FixedString(32))}',
    "timestamp >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
    "timestamp < fromUnixTimestamp64Milli({to:Int64}, 'UTC')",
    ...filterConditions(toFilters(filters), ERRORS.raw.columns, params, ERRORS.what),
  ].join(' AND ');
}

export interface FingerprintTotalsInput {
  projectId: number;
  range: TimeRange;
  filters: IssueFilters;
  /** Only these fingerprints; undefined: every fingerprint of the project. */
  fingerprints?: readonly string[];
  limit?: number;
  /** Forces a path (tests compare both); chosen from the range and filters otherwise. */
  source?: Source;
}

/** Count, users (uniq), first and last seen per fingerprint, most recently seen first. */
export function compileFingerprintTotals(input: FingerprintTotalsInput): { query: CompiledQuery; source: Source } {
  if (!Number.isSafeInteger(input.projectId) || input.projectId <= 0) throw new QueryParameterError(`project id ${input.projectId} must be a positive integer`);
  checkRange(input.range);
  const limit = input.limit ?? DEFAULT_FINGERPRINT_TOTALS_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_FINGERPRINT_TOTALS_LIMIT) throw new QueryParameterError(`limit must be 1 to ${MAX_FINGERPRINT_TOTALS_LIMIT}`);
  const params: Record<string, unknown> = { limit };
  let dataset: Dataset = ERRORS;
  if (input.fingerprints !== undefined) {
    params.hashes = checkHashes(input.fingerprints, 'fingerprints');
    dataset = fingerprintsDataset();
  }
  const p = errorPartials;
  const partials = [p.count, p.users, p.firstSeen, p.lastSeen];
  const filters = toFilters(input.filters);
  const source = input.source ?? chooseSource(dataset, input.range, filters, partials);
  const query = compileAggregate({
    dataset,
    projectId: input.projectId,
    range: input.range,
    filters,
    source,
    keys: [{ name: 'fingerprint', raw: 'fingerprint', rollup: 'fingerprint' }],
    partials,
    params,
    outer: (from) => `
SELECT
  fingerprint,
  sum(p_count) AS count,
  uniqMerge(p_users) AS users,
  toUnixTimestamp64Milli(min(p_first_seen)) AS first_seen,
  toUnixTimestamp64Milli(max(p_last_seen)) AS last_seen
FROM ${from}
GROUP BY fingerprint
ORDER BY last_seen DESC, fingerprint ASC
LIMIT {limit:UInt32}`,
  });
  return { query, source };
}

/** Count and exact distinct users of an issue (all its hashes together). */
export function compileIssueTotals(issue: IssueRef, range: TimeRange, filters: IssueFilters): CompiledQuery {
  const params: Record<string, unknown> = {};
  const where = issueWhere(issue, range, filters, params);
  return { sql: `SELECT count() AS count, uniqExactIf(user_id, user_id != '') AS users FROM errors WHERE ${where}`, params };
}

/** Per release × environment: count, exact users, first and last seen; the most frequent first. */
export function compileIssueReleaseEnvironments(issue: IssueRef, range: TimeRange, filters: IssueFilters): CompiledQuery {
  const params: Record<string, unknown> = { top: TOP_RELEASE_ENVIRONMENTS };
  const where = issueWhere(issue, range, filters, params);
  return {
    sql: `
SELECT
  release,
  environment,
  count() AS count,
  uniqExactIf(user_id, user_id != '') AS users,
  toUnixTimestamp64Milli(min(timestamp)) AS first_seen,
  toUnixTimestamp64Milli(max(timestamp)) AS last_seen
FROM errors
WHERE ${where}
GROUP BY release, environment
ORDER BY count DESC, release ASC, environment ASC
LIMIT {top:UInt32}`,
    params,
  };
}

/**
 * The most frequent values of each tag key (ISSUE_TAG_COLUMNS), in one scan: each row unfolds into
 * one (key, value) pair per key; empty values are not listed.
 */
export function compileIssueTopTags(issue: IssueRef, range: TimeRange, filters: IssueFilters): CompiledQuery {
  const params: Record<string, unknown> = { top: TOP_TAG_VALUES };
  const where = issueWhere(issue, range, filters, params);
  const pairs = Object.entries(ISSUE_TAG_COLUMNS).map(([key, column]) => `('${key}', toString(${column}))`);
  return {
    sql: `
SELECT tag.1 AS key, tag.2 AS value, count() AS count
FROM errors
ARRAY JOIN [${pairs.join(', ')}] AS tag
WHERE ${where} AND tag.2 != ''
GROUP BY key, value
ORDER BY key ASC, count DESC, value ASC
LIMIT {top:UInt32} BY key`,
    params,
  };
}

/** The `errors` columns of ErrorEventDetailRow (issue-event-detail.ts). */
const EVENT_DETAIL_COLUMNS = [
  'event_id', 'toUnixTimestamp64Milli(timestamp) AS timestamp_ms', 'toUnixTimestamp64Milli(received_at) AS received_at_ms',
  'level', 'platform', 'title', 'message', 'culprit', 'fingerprint', 'exceptions', 'transaction', 'trace_id', 'span_id',
  'release', 'environment', 'dist', 'user_id', 'sdk_name', 'sdk_version', 'tags', 'event_json',
];

/**
 * One event of the issue in the range: the latest or oldest by time (ties by event id), or the
 * chosen one. The table's key (project, hour, fingerprint, event id) narrows the scan to the
 * range's hours and the issue's fingerprints; only the matching row's compressed JSON is read.
 */
export function compileIssueEvent(issue: IssueRef, choice: EventChoice, range: TimeRange): CompiledQuery {
  const params: Record<string, unknown> = {};
  const conditions = [issueWhere(issue, range, {}, params)];
  let order = 'DESC';
  if (choice === 'oldest') order = 'ASC';
  else if (choice !== 'latest') {
    const eventId = choice.eventId.toLowerCase();
    if (!HEX32.test(eventId)) throw new QueryParameterError(`event id ${JSON.stringify(choice.eventId)} must be 32 hex characters`);
    params.event_id = eventId;
    conditions.push('event_id = {event_id:FixedString(32)}');
  }
  return {
    sql: `
SELECT ${EVENT_DETAIL_COLUMNS.join(', ')}
FROM errors
WHERE ${conditions.join(' AND ')}
ORDER BY timestamp ${order}, event_id ${order}
LIMIT 1`,
    params,
  };
}

export interface IssueSeriesInput {
  issue: IssueRef;
  range: TimeRange;
  intervalMs: number;
  filters: IssueFilters;
  source?: Source;
}

/**
 * Events per bucket of `intervalMs` (buckets start at multiples of it since the epoch). The
 * rollup is read when the range and filters allow it and the interval is whole minutes, so the
 * buckets are exactly the ones asked for.
 */
export function compileIssueSeries(input: IssueSeriesInput): { query: CompiledQuery; source: Source } {
  const hashes = checkIssue(input.issue);
  checkRange(input.range);
  const { intervalMs, range } = input;
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new QueryParameterError('the interval must be a positive number of milliseconds');
  const buckets = Math.ceil(range.toMs / intervalMs) - Math.floor(range.fromMs / intervalMs);
  if (buckets > MAX_SERIES_BUCKETS) throw new QueryParameterError(`the series would have ${buckets} buckets, more than ${MAX_SERIES_BUCKETS}: widen the interval`);
  const dataset = fingerprintsDataset();
  const filters = toFilters(input.filters);
  const partials: PartialColumn[] = [errorPartials.count];
  const chosen = input.source ?? chooseSource(dataset, range, filters, partials);
  const source: Source = chosen === 'rollup' && intervalMs % MINUTE_MS !== 0 ? 'raw' : chosen;
  const query = compileAggregate({
    dataset,
    ...aggregateScope({ projectId: input.issue.projectId, range, filters }),
    source,
    keys: [bucketKey(dataset, intervalMs)],
    partials,
    params: { hashes, interval_ms: intervalMs },
    outer: (from) => `SELECT t, sum(p_count) AS count FROM ${from} GROUP BY t ORDER BY t`,
  });
  return { query, source };
}
