import type { CompiledQuery } from './aggregate-query';
import { parseTimestamp, QueryParameterError, TimeRange } from './time-range';

const DAY_MS = 86_400_000;

/** Most rows of each kind a trace view reads; one more is asked for to tell that a kind was cut. */
export const TRACE_ROW_LIMITS = { transactions: 1000, spans: 10_000, errors: 1000 } as const;

export interface TraceQueryInput {
  projectId: number;
  /** 32 lower-case hex characters (parseTraceId). */
  traceId: string;
  range: TimeRange;
}

export interface TraceQueries {
  transactions: CompiledQuery;
  spans: CompiledQuery;
  errors: CompiledQuery;
}

export function parseTraceId(raw: string): string {
  if (!/^[0-9a-f]{32}$/i.test(raw)) throw new QueryParameterError(`trace id ${JSON.stringify(raw)} must be 32 hex characters`);
  return raw.toLowerCase();
}

/**
 * The range a trace is looked up in: from/to as given, `to` defaulting to now and `from` to
 * `maxRangeDays` before `to`; never longer than `maxRangeDays` (a trace lookup reads every day of
 * the range, the bloom filter only skipping granules within them).
 */
export function traceRange(from: string | undefined, to: string | undefined, nowMs: number, maxRangeDays: number): TimeRange {
  const given = (raw: string | undefined): boolean => raw !== undefined && raw.trim() !== '';
  const toMs = given(to) ? parseTimestamp('to', to) : nowMs;
  const fromMs = given(from) ? parseTimestamp('from', from) : toMs - maxRangeDays * DAY_MS;
  if (toMs <= fromMs) throw new QueryParameterError('to must be after from');
  if (toMs - fromMs > maxRangeDays * DAY_MS) throw new QueryParameterError(`the time range may span at most ${maxRangeDays} days`);
  return { fromMs, toMs };
}

/**
 * The trace's transactions, spans and errors in the project and range: three lookups by trace id
 * (the bloom filter index of each table; their sort keys do not start with it), each ordered by
 * start time and capped at its row limit + 1.
 */
export function compileTraceQueries(input: TraceQueryInput): TraceQueries {
  const params = { project_id: input.projectId, trace_id: input.traceId, from: input.range.fromMs, to: input.range.toMs };
  const where = [
    'project_id = {project_id:UInt64}',
    'trace_id = {trace_id:String}',
    "timestamp >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')",
    "timestamp < fromUnixTimestamp64Milli({to:Int64}, 'UTC')",
  ].join(' AND ');
  const query = (select: string, table: string, orderBy: string, limit: number): CompiledQuery => ({
    sql: `SELECT ${select}\nFROM ${table}\nWHERE ${where}\nORDER BY ${orderBy}\nLIMIT ${limit + 1}`,
    params,
  });
  const times = 'toUnixTimestamp64Milli(start_timestamp) AS start_ms, toUnixTimestamp64Milli(timestamp) AS end_ms, duration_ms';
  return {
    transactions: query(
      `event_id, span_id, parent_span_id, name, op, status, ${times}, release, environment`,
      'transactions',
      'start_timestamp, span_id',
      TRACE_ROW_LIMITS.transactions,
    ),
    spans: query(`span_id, parent_span_id, segment_id, op, description, status, ${times}`, 'spans', 'start_timestamp, span_id', TRACE_ROW_LIMITS.spans),
    errors: query(
      'event_id, toUnixTimestamp64Milli(timestamp) AS timestamp_ms, title, level, span_id, fingerprint',
      'errors',
      'timestamp, event_id',
      TRACE_ROW_LIMITS.errors,
    ),
  };
}
