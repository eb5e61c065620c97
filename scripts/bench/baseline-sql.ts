import { VITAL_THRESHOLDS } from '@pulse/model';

/**
 * The aggregates of each endpoint written straight against the raw tables: what a hand-written
 * query would cost without the API (no rollups, no Nest, no HTTP to the app). Quantiles use
 * quantilesDD(0.01, …) as the endpoints do, so both compute the same numbers.
 */

export interface BaselineQuery {
  sql: string;
  params: Record<string, unknown>;
}

/** Scope parameters: project_id, from, to (epoch ms). */
export type Scope = { project_id: number; from: number; to: number };

const IN_RANGE = (time: string) =>
  `project_id = {project_id:UInt64} AND ${time} >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ${time} < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
const FAILURE = "status NOT IN ('ok', 'cancelled', 'unknown')";
const APDEX_300 = '(countIf(duration_ms <= 300) + countIf(duration_ms > 300 AND duration_ms <= 1200) / 2) / count()';
const BUCKET = 'intDiv(toUnixTimestamp64Milli(timestamp), {interval_ms:UInt64}) * {interval_ms:UInt64}';

export function latencySql(scope: Scope, intervalMs: number): BaselineQuery {
  return {
    sql: `
SELECT grouping(t) AS overall, t, count() AS count, quantilesDD(0.01, 0.5, 0.95, 0.99)(duration_ms) AS quantiles, max(duration_ms) AS max
FROM (SELECT ${BUCKET} AS t, duration_ms FROM transactions WHERE ${IN_RANGE('timestamp')})
GROUP BY GROUPING SETS ((t), ())
ORDER BY overall, t`,
    params: { ...scope, interval_ms: intervalMs },
  };
}

export function transactionTableSql(scope: Scope): BaselineQuery {
  return {
    sql: `
SELECT
  name AS transaction,
  count() AS count,
  count / {minutes:Float64} AS tpm,
  quantilesDD(0.01, 0.5, 0.95)(duration_ms) AS quantiles,
  countIf(${FAILURE}) / count() AS failure_rate,
  ${APDEX_300} AS apdex,
  (uniqIf(user_id, user_id != '' AND duration_ms > 1200) + 5.8875) / (uniqIf(user_id, user_id != '') + 5.8875 + 111.8625) AS user_misery,
  uniqIf(user_id, user_id != '') AS users,
  count() OVER () AS total
FROM transactions
WHERE ${IN_RANGE('timestamp')}
GROUP BY name
ORDER BY count DESC, transaction ASC
LIMIT 50`,
    params: { ...scope, minutes: (scope.to - scope.from) / 60_000 },
  };
}

export function transactionSeriesByReleaseSql(scope: Scope, intervalMs: number): BaselineQuery {
  return {
    sql: `
SELECT
  ${BUCKET} AS t,
  release,
  count() AS count,
  countIf(${FAILURE}) / count() AS failure_rate,
  ${APDEX_300} AS apdex,
  quantilesDD(0.01, 0.5, 0.95, 0.99)(duration_ms) AS quantiles,
  max(duration_ms) AS max
FROM transactions
WHERE ${IN_RANGE('timestamp')}
  AND release IN (SELECT release FROM transactions WHERE ${IN_RANGE('timestamp')} GROUP BY release ORDER BY count() DESC, release LIMIT 5)
GROUP BY t, release
ORDER BY release, t`,
    params: { ...scope, interval_ms: intervalMs },
  };
}

/** Release health: transactions, errors and sessions per release (three queries, concurrently, as the endpoint runs them). */
export function releaseHealthSql(scope: Scope, releases?: string[]): BaselineQuery[] {
  const only = releases ? ' AND release IN {releases:Array(String)}' : '';
  const params = releases ? { ...scope, releases } : { ...scope };
  const byRelease = (select: string, table: string, time: string): BaselineQuery => ({
    sql: `SELECT release, ${select}\nFROM ${table}\nWHERE ${IN_RANGE(time)}${only}\nGROUP BY release\nORDER BY release\nLIMIT 1000`,
    params,
  });
  return [
    byRelease(
      `toUnixTimestamp(min(toStartOfMinute(toDateTime(timestamp, 'UTC')))) * 1000 AS first_seen, count() AS transactions, countIf(${FAILURE}) / count() AS failure_rate,
       quantilesDD(0.01, 0.5, 0.95)(duration_ms) AS latency, ${APDEX_300} AS apdex`,
      'transactions',
      'timestamp',
    ),
    byRelease(
      "toUnixTimestamp(min(toStartOfMinute(toDateTime(timestamp, 'UTC')))) * 1000 AS first_seen, count() AS errors, uniqIf(user_id, user_id != '') AS users_affected",
      'errors',
      'timestamp',
    ),
    byRelease(
      `toUnixTimestamp(min(toStartOfMinute(toDateTime(started, 'UTC')))) * 1000 AS first_seen, sumIf(quantity, init) AS sessions,
       sumIf(quantity, status = 'crashed') AS crashed, uniqIf(distinct_id, distinct_id != '') AS session_users,
       uniqIf(distinct_id, distinct_id != '' AND status = 'crashed') AS crashed_users`,
      'sessions',
      'started',
    ),
  ];
}

const RATED = Object.entries(VITAL_THRESHOLDS);
const threshold = (side: 'good' | 'poor') =>
  `transform(toString(vital), [${RATED.map(([vital]) => `'${vital}'`).join(', ')}], [${RATED.map(([, t]) => `${t[side]}`).join(', ')}], nan)`;

export function webVitalsSql(scope: Scope): BaselineQuery {
  return {
    sql: `
SELECT vital, count() AS count, quantilesDD(0.01, 0.5, 0.75, 0.95)(value) AS quantiles,
  countIf(value <= ${threshold('good')}) AS good,
  countIf(value > ${threshold('good')} AND value <= ${threshold('poor')}) AS needs_improvement,
  countIf(value > ${threshold('poor')}) AS poor
FROM web_vitals
WHERE ${IN_RANGE('timestamp')} AND vital IN (${RATED.map(([vital]) => `'${vital}'`).join(', ')})
GROUP BY vital
ORDER BY vital`,
    params: { ...scope },
  };
}

export function errorGroupsSql(scope: Scope): BaselineQuery {
  return {
    sql: `
SELECT
  fingerprint,
  argMax(title, timestamp) AS title,
  argMax(culprit, timestamp) AS culprit,
  argMax(level, timestamp) AS level,
  count() AS count,
  uniqIf(user_id, user_id != '') AS users,
  toUnixTimestamp64Milli(min(timestamp)) AS first_seen,
  toUnixTimestamp64Milli(max(timestamp)) AS last_seen,
  arraySort(groupUniqArrayIf(release, release != '')) AS releases,
  countIf(NOT handled) AS unhandled
FROM errors
WHERE ${IN_RANGE('timestamp')}
GROUP BY fingerprint
ORDER BY count DESC, fingerprint ASC
LIMIT 50`,
    params: { ...scope },
  };
}

/** A trace's transactions, spans and errors: three lookups by trace id, as the endpoint makes them. */
export function traceSql(scope: Scope, traceId: string): BaselineQuery[] {
  const params = { ...scope, trace_id: traceId };
  const where = `${IN_RANGE('timestamp')} AND trace_id = {trace_id:String}`;
  const times = 'toUnixTimestamp64Milli(start_timestamp) AS start_ms, toUnixTimestamp64Milli(timestamp) AS end_ms, duration_ms';
  return [
    { sql: `SELECT event_id, span_id, parent_span_id, name, op, status, ${times}, release, environment FROM transactions WHERE ${where} ORDER BY start_timestamp, span_id LIMIT 1001`, params },
    { sql: `SELECT span_id, parent_span_id, segment_id, op, description, status, ${times} FROM spans WHERE ${where} ORDER BY start_timestamp, span_id LIMIT 10001`, params },
    { sql: `SELECT event_id, toUnixTimestamp64Milli(timestamp) AS timestamp_ms, title, level, span_id, fingerprint FROM errors WHERE ${where} ORDER BY timestamp, event_id LIMIT 1001`, params },
  ];
}

/**
 * A statement sent to the SQL API, with the project (from the URL) and the range (`from`/`to` of
 * the body) written out as conditions on the raw table.
 */
export function scopedSql(scope: Scope, select: string, table: 'transactions' | 'errors', tail: string): BaselineQuery {
  return { sql: `SELECT ${select} FROM ${table} WHERE ${IN_RANGE('timestamp')} ${tail}`, params: { ...scope } };
}
