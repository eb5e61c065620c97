import { QueryParameterError, TimeRange } from './time-range';

export interface TransactionFilters {
  transaction?: string;
  release?: string;
  environment?: string;
}

export interface LatencyQueryInput {
  projectId: number;
  range: TimeRange;
  intervalMs: number;
  /** Percentiles as numbers in (0, 100], e.g. [50, 95, 99]. */
  percentiles: number[];
  filters: TransactionFilters;
}

export interface CompiledQuery {
  sql: string;
  params: Record<string, unknown>;
}

export const DEFAULT_PERCENTILES = [50, 95, 99];
const MAX_PERCENTILES = 10;

export function parsePercentiles(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PERCENTILES;
  const values = raw.split(',').map((part) => part.trim());
  const parsed = values.map(Number);
  const bad = values.filter((_, i) => !/^\d+(\.\d+)?$/.test(values[i]) || parsed[i] <= 0 || parsed[i] > 100);
  if (bad.length > 0) throw new QueryParameterError(`percentiles must be numbers in (0, 100], got ${JSON.stringify(bad)}`);
  const unique = [...new Set(parsed)];
  if (unique.length > MAX_PERCENTILES) throw new QueryParameterError(`at most ${MAX_PERCENTILES} percentiles`);
  return unique;
}

/** `95` → `p95`, `99.9` → `p99_9`: the response key of a percentile. */
export function percentileKey(percentile: number): string {
  return `p${String(percentile).replace('.', '_')}`;
}

/**
 * Latency percentiles over the raw `transactions` table, per bucket and overall in one scan
 * (GROUPING SETS; the overall row has `overall = 1`, and is there even when nothing matched).
 * quantilesExactInclusive interpolates linearly between the two nearest durations (the
 * "linear" / R-7 definition numpy and Excel's PERCENTILE.INC use): exact, O(n) memory.
 * Every user value is a bound parameter.
 */
export function compileLatencyQuery(input: LatencyQueryInput): CompiledQuery {
  // toPrecision drops binary noise: 99.9 / 100 is 0.9990000000000001.
  const levels = input.percentiles.map((p) => Number((p / 100).toPrecision(12)));
  const params: Record<string, unknown> = {
    project_id: input.projectId,
    from_ms: input.range.fromMs,
    to_ms: input.range.toMs,
    interval_ms: input.intervalMs,
  };
  const where = [
    'project_id = {project_id:UInt64}',
    "timestamp >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')",
    "timestamp < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')",
  ];
  const columns: Array<[keyof TransactionFilters, string]> = [
    ['transaction', 'name'],
    ['release', 'release'],
    ['environment', 'environment'],
  ];
  for (const [filter, column] of columns) {
    const value = input.filters[filter];
    if (value === undefined) continue;
    params[filter] = value;
    where.push(`${column} = {${filter}:String}`);
  }
  // Aggregate function parameters must be literals in ClickHouse, so quantile levels cannot be
  // bound. They are rendered from numbers (checked again here), never from user text.
  if (levels.some((level) => !Number.isFinite(level) || level <= 0 || level > 1)) throw new QueryParameterError('invalid percentile');
  const levelList = levels.map((level) => level.toString()).join(', ');
  const sql = `
SELECT
  grouping(t) AS overall,
  intDiv(toUnixTimestamp64Milli(timestamp), {interval_ms:UInt64}) * {interval_ms:UInt64} AS t,
  count() AS count,
  quantilesExactInclusive(${levelList})(duration_ms) AS quantiles
FROM transactions
WHERE ${where.join('\n  AND ')}
GROUP BY GROUPING SETS ((t), ())
ORDER BY overall, t`;
  return { sql, params };
}
