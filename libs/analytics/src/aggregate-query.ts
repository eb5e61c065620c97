import { FilterColumns, filterConditions, Filters, filtersFit } from './filters';
import { QueryParameterError, TimeRange } from './time-range';

/**
 * Raw table or per-minute rollup. Both paths compute the same partial aggregates (counts, sums,
 * DDSketch and uniq states) and the same outer formulas over them, so they give the same answers:
 * the rollup rows are exactly the states the raw rows would produce (docs/storage.md).
 */
export type Source = 'raw' | 'rollup';

/** Ranges of at least an hour read the rollups; shorter ones read raw rows. */
export const ROLLUP_MIN_RANGE_MS = 60 * 60_000;
const MINUTE_MS = 60_000;

/** A record kind as the analytics queries see it: its raw table and, if any, its rollup. */
export interface Dataset {
  /** For error messages: "transactions cannot be filtered by os". */
  what: string;
  raw: { table: string; time: string; columns: FilterColumns };
  /** A rollup with a `minute DateTime('UTC')` column. */
  rollup?: { table: string; columns: FilterColumns };
}

/** A column of the partial rows: an aggregate over raw rows, and the rollup column(s) holding the same partial. */
export interface Partial {
  name: string;
  raw: string;
  /** Undefined when the rollup cannot give this partial (e.g. apdex for another T). */
  rollup?: string;
}

export interface AggregateQuery {
  dataset: Dataset;
  projectId: number;
  range: TimeRange;
  filters: Filters;
  /** Grouping keys of the partial rows (a time bucket, a transaction name…). */
  keys: Partial[];
  /** Partial aggregates, merged by the outer query. */
  partials: Partial[];
  /** The outer query over the partial rows, given the FROM source: `SELECT … FROM ${from} GROUP BY …`. */
  outer: (from: string) => string;
  /** Parameters the expressions use besides the scope and filters. */
  params?: Record<string, unknown>;
  source: Source;
}

export interface CompiledQuery {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * The source for a query: the rollup when the range is long enough, the dataset has one, and
 * every filter and partial can be answered from it; else the raw table.
 */
export function chooseSource(dataset: Dataset, range: TimeRange, filters: Filters, partials: Partial[] = []): Source {
  const rollup = dataset.rollup;
  if (!rollup || range.toMs - range.fromMs < ROLLUP_MIN_RANGE_MS) return 'raw';
  if (!filtersFit(filters, rollup.columns)) return 'raw';
  return partials.every((p) => p.rollup !== undefined) ? 'rollup' : 'raw';
}

/** Rollup buckets are whole minutes: a series read from them needs an interval of whole minutes. */
export function alignInterval(source: Source, intervalMs: number): number {
  return source === 'rollup' ? Math.ceil(intervalMs / MINUTE_MS) * MINUTE_MS : intervalMs;
}

/** The start of the time bucket of each partial row, in epoch ms (`interval_ms` must be bound). */
export function bucketKey(dataset: Dataset, name = 't'): Partial {
  return {
    name,
    // Both Int64: branches of a UNION ALL with different integer types would meet as a Variant.
    raw: `toInt64(intDiv(toUnixTimestamp64Milli(${dataset.raw.time}), {interval_ms:UInt64}) * {interval_ms:UInt64})`,
    rollup: 'toInt64(intDiv(toUnixTimestamp(minute) * 1000, {interval_ms:UInt64}) * {interval_ms:UInt64})',
  };
}

/**
 * One SQL query: the partial rows of each source branch (UNION ALL), then the outer query. On the
 * rollup path the whole minutes inside the range come from the rollup and the partial minutes at
 * either end from raw rows, so the answer is exactly the raw answer for any from/to.
 */
export function compileAggregate(query: AggregateQuery): CompiledQuery {
  const { dataset, range, source } = query;
  const params: Record<string, unknown> = { ...query.params, project_id: query.projectId };
  const branches: string[] = [];
  const rawBranch = (from: number, to: number): void => {
    const i = branches.length;
    params[`r${i}_from`] = from;
    params[`r${i}_to`] = to;
    const where = [
      'project_id = {project_id:UInt64}',
      `${dataset.raw.time} >= fromUnixTimestamp64Milli({r${i}_from:Int64}, 'UTC')`,
      `${dataset.raw.time} < fromUnixTimestamp64Milli({r${i}_to:Int64}, 'UTC')`,
      ...filterConditions(query.filters, dataset.raw.columns, params, dataset.what),
    ];
    const select = [...query.keys, ...query.partials].map((p) => `${p.raw} AS ${p.name}`);
    const groupBy = query.keys.length > 0 ? `\nGROUP BY ${query.keys.map((k) => k.name).join(', ')}` : '';
    branches.push(`SELECT ${select.join(', ')}\nFROM ${dataset.raw.table}\nWHERE ${where.join(' AND ')}${groupBy}`);
  };

  if (source === 'raw') {
    rawBranch(range.fromMs, range.toMs);
  } else {
    const rollup = dataset.rollup;
    if (!rollup) throw new QueryParameterError(`${dataset.what} have no rollup`);
    const innerFrom = Math.ceil(range.fromMs / MINUTE_MS) * MINUTE_MS;
    const innerTo = Math.floor(range.toMs / MINUTE_MS) * MINUTE_MS;
    if (innerTo > innerFrom) {
      params.m_from = innerFrom / 1000;
      params.m_to = innerTo / 1000;
      const where = [
        'project_id = {project_id:UInt64}',
        "minute >= toDateTime({m_from:UInt32}, 'UTC')",
        "minute < toDateTime({m_to:UInt32}, 'UTC')",
        ...filterConditions(query.filters, rollup.columns, params, dataset.what),
      ];
      const select = [...query.keys, ...query.partials].map((p) => {
        if (p.rollup === undefined) throw new QueryParameterError(`${p.name} cannot be read from the ${rollup.table} rollup`);
        return `${p.rollup} AS ${p.name}`;
      });
      branches.push(`SELECT ${select.join(', ')}\nFROM ${rollup.table}\nWHERE ${where.join(' AND ')}`);
      if (range.fromMs < innerFrom) rawBranch(range.fromMs, innerFrom);
      if (innerTo < range.toMs) rawBranch(innerTo, range.toMs);
    } else {
      rawBranch(range.fromMs, range.toMs);
    }
  }
  const from = `(\n${branches.join('\nUNION ALL\n')}\n)`;
  return { sql: query.outer(from), params };
}

/** Quantile levels as SQL literals. Aggregate parameters cannot be bound; these come from numbers, never from text. */
export function levelList(percentiles: number[]): string {
  const levels = percentiles.map((p) => Number((p / 100).toPrecision(12)));
  if (levels.some((level) => !Number.isFinite(level) || level <= 0 || level > 1)) throw new QueryParameterError('invalid percentile');
  return levels.map((level) => level.toString()).join(', ');
}
