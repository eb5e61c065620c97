import type { CompiledQuery } from './aggregate-query';
import { filterConditions } from './filters';
import { compileIssueTotals, IssueFilters, IssueRef } from './issue-events.query';
import { QueryParameterError, TimeRange } from './time-range';

/**
 * The ClickHouse reads of the issue alerts (libs/alerts, issue rules with a frequency trigger):
 * events and distinct users of one issue in a short window ending at an event, and the sessions a
 * project started in that window. Windows are short (minutes to a day) and end at a moment that
 * is not minute-aligned, so both read raw rows, narrowed by the tables' keys (project, hour,
 * fingerprint for errors; project, hour of `started` for sessions). Every value is a bound parameter.
 */

/** The columns of `sessions` the rule filters read. */
const SESSION_FILTER_COLUMNS = { release: 'release', environment: 'environment' };

function checkWindow(projectId: number, range: TimeRange): void {
  if (!Number.isSafeInteger(projectId) || projectId <= 0) throw new QueryParameterError(`project id ${projectId} must be a positive integer`);
  if (!Number.isSafeInteger(range.fromMs) || !Number.isSafeInteger(range.toMs) || range.toMs <= range.fromMs) {
    throw new QueryParameterError('the window must be whole epoch milliseconds with to after from');
  }
}

/** Events and exact distinct (non-empty) users of the issue in [from, to): the issue reads' totals query. */
export function compileIssueWindowCounts(issue: IssueRef, range: TimeRange, filters: IssueFilters): CompiledQuery {
  return compileIssueTotals(issue, range, filters);
}

/**
 * Sessions the project started in [from, to): `quantity` of the init rows (a session's first
 * update counts it once; an aggregate bucket row is init and carries its count), as the
 * sessions_minute rollup's `started_sessions` sums them, by `started` (the table's time).
 */
export function compileSessionsStarted(projectId: number, range: TimeRange, filters: IssueFilters): CompiledQuery {
  checkWindow(projectId, range);
  const params: Record<string, unknown> = { project_id: projectId, from: range.fromMs, to: range.toMs };
  const conditions = [
    'project_id = {project_id:UInt64}',
    "started >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
    "started < fromUnixTimestamp64Milli({to:Int64}, 'UTC')",
    'init',
    ...filterConditions({ release: filters.release, environment: filters.environment }, SESSION_FILTER_COLUMNS, params, 'sessions'),
  ];
  return { sql: `SELECT sum(quantity) AS sessions FROM sessions WHERE ${conditions.join(' AND ')}`, params };
}
