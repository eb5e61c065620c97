import type { CompiledQuery } from './aggregate-query';
import type { TimeRange } from './time-range';
import { REPORTED_VITALS_CONDITION } from './web-vitals.dataset';

/**
 * The values of one dimension seen in a project (dropdowns, template variables, ad-hoc filter
 * values). Most dimensions are rollup keys and are read from the per-minute rollups, whose keys
 * start with (project_id, hour) so the scan is short; browser and OS are not rollup keys of the
 * transaction and error rollups and are read from raw rows of at most the last day of the range.
 */
export type Dimension = 'release' | 'environment' | 'transaction' | 'page' | 'vital' | 'browser' | 'os';
export const DIMENSIONS: readonly Dimension[] = ['release', 'environment', 'transaction', 'page', 'vital', 'browser', 'os'];

/** At most this many values per answer (a dropdown of more is unusable anyway). */
export const MAX_DIMENSION_VALUES = 500;
/** The look-back when the request names no range. */
export const DEFAULT_LOOKBACK_MS = 30 * 86_400_000;
/** Raw-table dimensions read only the last day of the range: a month of raw rows is too much for a dropdown. */
export const RAW_LOOKBACK_MS = 86_400_000;

interface Source {
  table: string;
  column: string;
  /** The rollups' `minute DateTime`; raw tables' DateTime64 time column. */
  time: { column: string; kind: 'minute' | 'raw' };
  where?: string;
}

const minute = { column: 'minute', kind: 'minute' } as const;
const raw = (column: string) => ({ column, kind: 'raw' }) as const;

const SOURCES: Record<Dimension, Source[]> = {
  release: ['transactions_minute', 'errors_minute', 'sessions_minute', 'web_vitals_minute'].map((table) => ({ table, column: 'release', time: minute })),
  environment: ['transactions_minute', 'errors_minute', 'sessions_minute', 'web_vitals_minute'].map((table) => ({ table, column: 'environment', time: minute })),
  transaction: [{ table: 'transactions_minute', column: 'name', time: minute }],
  page: [{ table: 'web_vitals_minute', column: 'page', time: minute }],
  vital: [{ table: 'web_vitals_minute', column: 'vital', time: minute, where: REPORTED_VITALS_CONDITION }],
  browser: [
    { table: 'transactions', column: 'browser_name', time: raw('timestamp') },
    { table: 'errors', column: 'browser_name', time: raw('timestamp') },
    { table: 'web_vitals', column: 'browser_name', time: raw('timestamp') },
  ],
  os: [
    { table: 'transactions', column: 'os_name', time: raw('timestamp') },
    { table: 'errors', column: 'os_name', time: raw('timestamp') },
    { table: 'web_vitals', column: 'os_name', time: raw('timestamp') },
  ],
};

/** Releases newest first (the one just deployed on top); everything else alphabetically. */
const ORDER: Record<Dimension, string> = {
  release: 'max(last_seen) DESC, value ASC',
  environment: 'value ASC',
  transaction: 'value ASC',
  page: 'value ASC',
  vital: 'value ASC',
  browser: 'value ASC',
  os: 'value ASC',
};

/**
 * Distinct non-empty values of `dimension` in the project and range. The rollup branches take
 * every minute the range touches (minute precision is plenty for a list of names); raw branches
 * the last RAW_LOOKBACK_MS of the range. Every value is a bound parameter.
 */
export function compileDimensionValues(projectId: number, dimension: Dimension, range: TimeRange, limit = MAX_DIMENSION_VALUES): CompiledQuery {
  const rawFromMs = Math.max(range.fromMs, range.toMs - RAW_LOOKBACK_MS);
  const params = {
    project_id: projectId,
    from_s: Math.floor(range.fromMs / 60_000) * 60,
    to_s: Math.ceil(range.toMs / 60_000) * 60,
    raw_from_ms: rawFromMs,
    to_ms: range.toMs,
    limit,
  };
  const branches = SOURCES[dimension].map((source) => {
    const time =
      source.time.kind === 'minute'
        ? `${source.time.column} >= toDateTime({from_s:UInt32}, 'UTC') AND ${source.time.column} < toDateTime({to_s:UInt32}, 'UTC')`
        : `${source.time.column} >= fromUnixTimestamp64Milli({raw_from_ms:Int64}, 'UTC') AND ${source.time.column} < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')`;
    const where = ['project_id = {project_id:UInt64}', time, `${source.column} != ''`, ...(source.where ? [source.where] : [])];
    return `SELECT toString(${source.column}) AS value, max(${source.time.column}) AS last_seen FROM ${source.table} WHERE ${where.join(' AND ')} GROUP BY value`;
  });
  // DateTime and DateTime64 branches: compare as epoch milliseconds.
  const sql = `
SELECT value
FROM (${branches.map((branch) => `\n  SELECT value, toUnixTimestamp64Milli(toDateTime64(last_seen, 3, 'UTC')) AS last_seen FROM (${branch})`).join('\n  UNION ALL')}
)
GROUP BY value
ORDER BY ${ORDER[dimension]}
LIMIT {limit:UInt32}`;
  return { sql, params };
}
