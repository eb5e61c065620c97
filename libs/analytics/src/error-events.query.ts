import type { CompiledQuery } from './aggregate-query';
import { ERRORS } from './errors.dataset';
import { filterConditions, Filters } from './filters';
import { QueryParameterError, TimeRange } from './time-range';

export interface ErrorEventsInput {
  projectId: number;
  range: TimeRange;
  /** 32 lower-case hex characters (parseFingerprint). */
  fingerprint: string;
  filters: Filters;
  limit: number;
  offset: number;
}

/** A group's fingerprint as the URL gives it: 32 hex characters, answered in lower case. */
export function parseFingerprint(raw: string): string {
  if (!/^[0-9a-f]{32}$/i.test(raw)) throw new QueryParameterError(`fingerprint ${JSON.stringify(raw)} must be 32 hex characters`);
  return raw.toLowerCase();
}

/**
 * Columns of one event as the events endpoint shows it. The time is `timestamp_ms`, not an alias
 * `timestamp`: ClickHouse would resolve the WHERE's `timestamp` to that alias.
 */
const EVENT_COLUMNS = [
  'event_id',
  'toUnixTimestamp64Milli(timestamp) AS timestamp_ms',
  'level',
  'title',
  'message',
  'culprit',
  'handled',
  'release',
  'environment',
  'transaction',
  'trace_id',
  'span_id',
  'user_id',
  'browser_name AS browser',
  'os_name AS os',
  'tags',
  'exceptions',
];

/**
 * The events of one error group in the range and filters, newest first (ties by event id so pages
 * do not overlap), and their total. Two queries: the page reads the compressed message and
 * exception chain of at most `limit` rows, the count reads none of them.
 */
export function compileErrorEvents(input: ErrorEventsInput): { events: CompiledQuery; total: CompiledQuery } {
  const params: Record<string, unknown> = {
    project_id: input.projectId,
    fingerprint: input.fingerprint,
    from: input.range.fromMs,
    to: input.range.toMs,
  };
  const where = [
    'project_id = {project_id:UInt64}',
    'fingerprint = {fingerprint:FixedString(32)}',
    "timestamp >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
    "timestamp < fromUnixTimestamp64Milli({to:Int64}, 'UTC')",
    ...filterConditions(input.filters, ERRORS.raw.columns, params, ERRORS.what),
  ].join(' AND ');
  return {
    events: {
      sql: `
SELECT ${EVENT_COLUMNS.join(', ')}
FROM errors
WHERE ${where}
ORDER BY timestamp DESC, event_id DESC
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      params: { ...params, limit: input.limit, offset: input.offset },
    },
    total: { sql: `SELECT count() AS total FROM errors WHERE ${where}`, params },
  };
}
