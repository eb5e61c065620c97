import { FilterColumns, filterConditions, Filters, filtersFit } from './filters';
import { coverRange, DAY_MS, HOUR_MS, MINUTE_MS, Tier, TierGrid } from './tier-cover';
import { QueryParameterError, TimeRange } from './time-range';

/**
 * Raw table or rollups. Both paths compute the same partial aggregates (counts, sums, DDSketch
 * and uniq states) and the same outer formulas over them, so they give the same answers: the
 * rollup rows are exactly the states the raw rows would produce (docs/storage.md). The rollup
 * path reads whole hours from the per-hour rollup where it may, whole minutes from the
 * per-minute rollup, and the partial minutes from raw rows.
 */
export type Source = 'raw' | 'rollup';

/** Ranges of at least an hour read the rollups; shorter ones read raw rows. */
export const ROLLUP_MIN_RANGE_MS = 60 * 60_000;

/** A record kind as the analytics queries see it: its raw table and, if any, its rollups. */
export interface Dataset {
  /** For error messages: "transactions cannot be filtered by os". */
  what: string;
  raw: { table: string; time: string; columns: FilterColumns };
  /** A rollup with a `minute DateTime('UTC')` column. */
  rollup?: { table: string; columns: FilterColumns };
  /**
   * A per-hour rollup with an `hour DateTime('UTC')` column and every key and value column of
   * `rollup` (so the same filter columns). Complete only from an instant the query is given
   * (`hourRollupFromMs`, see rollup_tiers in docs/storage.md).
   */
  hourRollup?: { table: string };
  /**
   * A per-day rollup with a `day DateTime('UTC')` column and every column of `hourRollup`.
   * Complete only from `dayRollupFromMs` (rollup_tiers, tier 'day').
   */
  dayRollup?: { table: string };
}

/** A column of the partial rows: an aggregate over raw rows, and the rollup column(s) holding the same partial. */
export interface PartialColumn {
  name: string;
  raw: string;
  /** Undefined when the rollup cannot give this partial (e.g. apdex for another T). */
  rollup?: string;
  /** On the hour rollup, where it differs from `rollup` (an expression of the minute). */
  hourRollup?: string;
  /** On the day rollup, where it differs from `hourRollup` (the day table has the hour table's columns). */
  dayRollup?: string;
  /** Set on a time bucket key (bucketKey): the bucket width, which decides whether hour rows fit. */
  bucketMs?: number;
}

/** From when each coarse rollup tier holds every row (epoch ms, rollup_tiers); undefined: that tier is not read. */
export interface RollupStarts {
  hourRollupFromMs?: number;
  dayRollupFromMs?: number;
}

/**
 * What a compiled read is about, as every compile function's input carries it: one project, a
 * time range and filters, the coarse tiers known complete, and optionally a forced source.
 */
export interface ReadScope extends RollupStarts {
  projectId: number;
  range: TimeRange;
  filters: Filters;
  /** Forces a path (tests compare both); chosen from the range and filters otherwise. */
  source?: Source;
}

/** The scope part of an AggregateQuery, taken from a compile function's input (which carries more). */
export function aggregateScope(input: ReadScope): Pick<AggregateQuery, 'projectId' | 'range' | 'filters' | 'hourRollupFromMs' | 'dayRollupFromMs'> {
  return { projectId: input.projectId, range: input.range, filters: input.filters, hourRollupFromMs: input.hourRollupFromMs, dayRollupFromMs: input.dayRollupFromMs };
}

export interface AggregateQuery {
  dataset: Dataset;
  projectId: number;
  range: TimeRange;
  filters: Filters;
  /** Grouping keys of the partial rows (a time bucket, a transaction name…). */
  keys: PartialColumn[];
  /** Partial aggregates, merged by the outer query. */
  partials: PartialColumn[];
  /** The outer query over the partial rows, given the FROM source: `SELECT … FROM ${from} GROUP BY …`. */
  outer: (from: string) => string;
  /** Parameters the expressions use besides the scope and filters. */
  params?: Record<string, unknown>;
  source: Source;
  /**
   * From when the dataset's hour rollup holds every row (epoch ms, from rollup_tiers); undefined:
   * the hour rollup is not read.
   */
  hourRollupFromMs?: number;
  /** From when the dataset's day rollup holds every row (rollup_tiers); undefined: it is not read. */
  dayRollupFromMs?: number;
}

export interface CompiledQuery {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * The source for a query: the rollup when the range is long enough, the dataset has one, and
 * every filter and partial can be answered from it; else the raw table.
 */
export function chooseSource(dataset: Dataset, range: TimeRange, filters: Filters, partials: PartialColumn[] = []): Source {
  const rollup = dataset.rollup;
  if (!rollup || range.toMs - range.fromMs < ROLLUP_MIN_RANGE_MS) return 'raw';
  if (!filtersFit(filters, rollup.columns)) return 'raw';
  return partials.every((p) => p.rollup !== undefined) ? 'rollup' : 'raw';
}

/** Rollup buckets are whole minutes (or hours, days): a series read from them needs an interval of whole minutes. */
export function alignInterval(source: Source, intervalMs: number): number {
  return source === 'rollup' ? Math.ceil(intervalMs / MINUTE_MS) * MINUTE_MS : intervalMs;
}

/**
 * The start of the time bucket of each partial row, in epoch ms. `intervalMs` must be the value
 * bound as `interval_ms`; hour (day) rows are read only when it is a whole number of hours (days).
 */
export function bucketKey(dataset: Dataset, intervalMs: number, name = 't'): PartialColumn {
  const bucket = (epochMs: string) => `toInt64(intDiv(${epochMs}, {interval_ms:UInt64}) * {interval_ms:UInt64})`;
  return {
    name,
    bucketMs: intervalMs,
    // Int64 on every branch: branches of a UNION ALL with different integer types would meet as a Variant.
    raw: bucket(`toUnixTimestamp64Milli(${dataset.raw.time})`),
    rollup: bucket('toUnixTimestamp(minute) * 1000'),
    hourRollup: bucket('toUnixTimestamp(hour) * 1000'),
    dayRollup: bucket('toUnixTimestamp(day) * 1000'),
  };
}

/**
 * The grids the rollup path may read, coarsest first. Day (hour) rows only where the dataset has
 * them, the query knows from when they are complete, and no such row can straddle two of its time
 * buckets: buckets start at multiples of their width since the epoch (a UTC midnight), so a width
 * of whole days (hours) keeps every day (hour) inside one bucket.
 */
function rollupGrids(query: AggregateQuery): TierGrid[] {
  const buckets = query.keys.flatMap((key) => (key.bucketMs === undefined ? [] : [key.bucketMs]));
  for (const bucketMs of buckets) {
    if (query.params?.interval_ms !== bucketMs) throw new Error(`bucket key ${bucketMs} ms does not match the bound interval_ms`);
  }
  const fits = (stepMs: number) => buckets.every((bucketMs) => bucketMs % stepMs === 0);
  const grids: TierGrid[] = [];
  if (query.dataset.dayRollup !== undefined && query.dayRollupFromMs !== undefined && fits(DAY_MS)) {
    grids.push({ tier: 'day', stepMs: DAY_MS, validFromMs: query.dayRollupFromMs });
  }
  if (query.dataset.hourRollup !== undefined && query.hourRollupFromMs !== undefined && fits(HOUR_MS)) {
    grids.push({ tier: 'hour', stepMs: HOUR_MS, validFromMs: query.hourRollupFromMs });
  }
  grids.push({ tier: 'minute', stepMs: MINUTE_MS, validFromMs: 0 });
  return grids;
}

interface RollupTable {
  table: string;
  time: 'minute' | 'hour' | 'day';
  columns: FilterColumns;
  /** The expression of a partial on this table; undefined when the rollups cannot give it. */
  expression: (p: PartialColumn) => string | undefined;
}

function rollupTable(dataset: Dataset, tier: Exclude<Tier, 'raw'>): RollupTable {
  const rollup = dataset.rollup;
  if (!rollup) throw new QueryParameterError(`${dataset.what} have no rollup`);
  if (tier === 'minute') return { table: rollup.table, time: 'minute', columns: rollup.columns, expression: (p) => p.rollup };
  const onHour = (p: PartialColumn) => (p.rollup === undefined ? undefined : (p.hourRollup ?? p.rollup));
  if (tier === 'hour') {
    if (!dataset.hourRollup) throw new QueryParameterError(`${dataset.what} have no hour rollup`);
    return { table: dataset.hourRollup.table, time: 'hour', columns: rollup.columns, expression: onHour };
  }
  if (!dataset.dayRollup) throw new QueryParameterError(`${dataset.what} have no day rollup`);
  return { table: dataset.dayRollup.table, time: 'day', columns: rollup.columns, expression: (p) => (p.rollup === undefined ? undefined : (p.dayRollup ?? onHour(p))) };
}

/**
 * One SQL query: the partial rows of each source branch (UNION ALL), then the outer query. On the
 * rollup path the range is covered by tiers (coverRange): whole days from the day rollup and whole
 * hours from the hour rollup where allowed, the remaining whole minutes from the minute rollup, and
 * the partial minutes at either end from raw rows, so the answer is exactly the raw answer for any
 * from/to.
 */
export function compileAggregate(query: AggregateQuery): CompiledQuery {
  const { dataset, range, source } = query;
  const params: Record<string, unknown> = { ...query.params, project_id: query.projectId };
  const columns = [...query.keys, ...query.partials];
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
    const select = columns.map((p) => `${p.raw} AS ${p.name}`);
    const groupBy = query.keys.length > 0 ? `\nGROUP BY ${query.keys.map((k) => k.name).join(', ')}` : '';
    branches.push(`SELECT ${select.join(', ')}\nFROM ${dataset.raw.table}\nWHERE ${where.join(' AND ')}${groupBy}`);
  };

  // Rollup rows are read as they are (no GROUP BY): the outer query merges them with the rest.
  const rollupBranch = (tier: Exclude<Tier, 'raw'>, from: number, to: number): void => {
    const { table, time, columns: filterColumns, expression } = rollupTable(dataset, tier);
    const prefix = `${tier[0]}${branches.length}`;
    params[`${prefix}_from`] = from / 1000;
    params[`${prefix}_to`] = to / 1000;
    const where = [
      'project_id = {project_id:UInt64}',
      `${time} >= toDateTime({${prefix}_from:UInt32}, 'UTC')`,
      `${time} < toDateTime({${prefix}_to:UInt32}, 'UTC')`,
      ...filterConditions(query.filters, filterColumns, params, dataset.what),
    ];
    const select = columns.map((p) => {
      const column = expression(p);
      if (column === undefined) throw new QueryParameterError(`${p.name} cannot be read from the ${table} rollup`);
      return `${column} AS ${p.name}`;
    });
    branches.push(`SELECT ${select.join(', ')}\nFROM ${table}\nWHERE ${where.join(' AND ')}`);
  };

  if (source === 'raw') {
    rawBranch(range.fromMs, range.toMs);
  } else {
    if (!dataset.rollup) throw new QueryParameterError(`${dataset.what} have no rollup`);
    for (const span of coverRange(range, rollupGrids(query))) {
      if (span.tier === 'raw') rawBranch(span.fromMs, span.toMs);
      else rollupBranch(span.tier, span.fromMs, span.toMs);
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
