import type { RatedVitalName } from '@pulse/model';
import { AggregateQuery, aggregateScope, alignInterval, bucketKey, chooseSource, compileAggregate, CompiledQuery, PartialColumn, ReadScope, Source } from './aggregate-query';
import { QueryParameterError } from './time-range';
import { parseOrder } from './paging';
import { REPORTED_VITALS, REPORTED_VITALS_CONDITION, VITAL_AGGREGATES, VITAL_KEY, VITAL_PERCENTILES, WEB_VITAL_PARTIALS, WEB_VITALS_DATASET } from './web-vitals.dataset';

export type WebVitalsQueryInput = ReadScope;

export interface WebVitalsPlan {
  query: CompiledQuery;
  source: Source;
}

function scan(input: WebVitalsQueryInput, keys: PartialColumn[], outer: (from: string) => string, params: Record<string, unknown> = {}): WebVitalsPlan {
  const source = input.source ?? chooseSource(WEB_VITALS_DATASET, input.range, input.filters, WEB_VITAL_PARTIALS);
  const query: AggregateQuery = {
    dataset: WEB_VITALS_DATASET,
    ...aggregateScope(input),
    source,
    keys,
    partials: WEB_VITAL_PARTIALS,
    params,
    outer,
  };
  return { query: compileAggregate(query), source };
}

/**
 * Every reported vital over the whole range, one row per vital that has samples. The vital
 * condition sits in the outer query on a grouping key: ClickHouse pushes it into every branch,
 * down to the primary key (`vital` is in both tables' sort keys).
 */
export function compileWebVitalsQuery(input: WebVitalsQueryInput): WebVitalsPlan {
  return scan(
    input,
    [VITAL_KEY],
    (from) => `
SELECT vital, ${VITAL_AGGREGATES}
FROM ${from}
WHERE ${REPORTED_VITALS_CONDITION}
GROUP BY vital
ORDER BY vital`,
  );
}

export interface WebVitalsSeriesInput extends WebVitalsQueryInput {
  vital: RatedVitalName;
  /** The requested bucket width; the rollup path widens it to whole minutes. */
  intervalMs: number;
}

export interface WebVitalsSeriesPlan extends WebVitalsPlan {
  intervalMs: number;
}

/** One vital per time bucket; only buckets with samples come back (the result shaping fills the rest). */
export function compileWebVitalsSeriesQuery(input: WebVitalsSeriesInput): WebVitalsSeriesPlan {
  const source = input.source ?? chooseSource(WEB_VITALS_DATASET, input.range, input.filters, WEB_VITAL_PARTIALS);
  const intervalMs = alignInterval(source, input.intervalMs);
  const plan = scan(
    { ...input, source },
    [bucketKey(WEB_VITALS_DATASET, intervalMs), VITAL_KEY],
    (from) => `
SELECT t, ${VITAL_AGGREGATES}
FROM ${from}
WHERE vital = {vital:String}
GROUP BY t
ORDER BY t`,
    { interval_ms: intervalMs, vital: input.vital },
  );
  return { ...plan, intervalMs };
}

export type BreakdownDimension = 'page' | 'browser' | 'release';
export const BREAKDOWN_DIMENSIONS: readonly BreakdownDimension[] = ['page', 'browser', 'release'];
const DIMENSION_COLUMNS: Record<BreakdownDimension, string> = { page: 'page', browser: 'browser_name', release: 'release' };

/** `count`: samples of all reported vitals; the dimension's name: the key; a vital: its p75. */
export type BreakdownSort = 'count' | 'key' | RatedVitalName;
export type SortOrder = 'asc' | 'desc';

export interface WebVitalsBreakdownInput extends WebVitalsQueryInput {
  by: BreakdownDimension;
  sort: BreakdownSort;
  order: SortOrder;
  /** From parsePage: limit 1..1000 (default 50), offset 0..100,000. */
  page: { limit: number; offset: number };
}

const P75_INDEX = VITAL_PERCENTILES.indexOf(75) + 1;

/** A fixed ORDER BY fragment per sort; nothing of the request is interpolated. */
function orderBy(sort: BreakdownSort, order: SortOrder): string {
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  if (sort === 'key') return `key ${direction}`;
  if (sort === 'count') return `total ${direction}, key ASC`;
  const vital = REPORTED_VITALS.find((name) => name === sort);
  if (vital === undefined) throw new QueryParameterError(`cannot sort by ${sort}`);
  // Keys without samples of the vital go last in either order.
  return `countIf(vital = '${vital}') = 0 ASC, anyIf(quantiles[${P75_INDEX}], vital = '${vital}') ${direction}, total DESC, key ASC`;
}

/**
 * Every reported vital per page, browser or release: partial rows grouped by (key, vital), merged
 * per (key, vital), then one row per key with the vitals as parallel arrays (groupArray keeps one
 * row order for all of them), sorted and paginated by key.
 */
export function compileWebVitalsBreakdownQuery(input: WebVitalsBreakdownInput): WebVitalsPlan {
  const column = DIMENSION_COLUMNS[input.by];
  const key: PartialColumn = { name: 'key', raw: column, rollup: column };
  return scan(
    input,
    [key, VITAL_KEY],
    (from) => `
SELECT
  key,
  sum(count) AS total,
  groupArray(vital) AS vital_names,
  groupArray(count) AS vital_counts,
  groupArray(quantiles) AS vital_quantiles,
  groupArray(good) AS vital_good,
  groupArray(needs_improvement) AS vital_needs_improvement,
  groupArray(poor) AS vital_poor
FROM (
  SELECT key, vital, ${VITAL_AGGREGATES}
  FROM ${from}
  WHERE ${REPORTED_VITALS_CONDITION}
  GROUP BY key, vital
)
GROUP BY key
ORDER BY ${orderBy(input.sort, input.order)}
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
    { limit: input.page.limit, offset: input.page.offset },
  );
}

/** `vital=lcp`: one of the reported vitals. */
export function parseVital(raw: string | undefined): RatedVitalName {
  if (raw === undefined || raw === '') throw new QueryParameterError(`vital is required: one of ${REPORTED_VITALS.join(', ')}`);
  const vital = REPORTED_VITALS.find((name) => name === raw);
  if (vital === undefined) throw new QueryParameterError(`vital=${JSON.stringify(raw)} must be one of ${REPORTED_VITALS.join(', ')}`);
  return vital;
}

export function parseBreakdownDimension(raw: string | undefined): BreakdownDimension {
  const by = BREAKDOWN_DIMENSIONS.find((name) => name === raw);
  if (by === undefined) {
    throw new QueryParameterError(raw === undefined || raw === '' ? `by is required: one of ${BREAKDOWN_DIMENSIONS.join(', ')}` : `by=${JSON.stringify(raw)} must be one of ${BREAKDOWN_DIMENSIONS.join(', ')}`);
  }
  return by;
}

/**
 * `sort=count` (default: samples of all vitals), the dimension's own name (`sort=page` with
 * `by=page`) or a vital (its p75); `order` defaults to desc, except asc for the name.
 */
export function parseBreakdownSort(rawSort: string | undefined, rawOrder: string | undefined, by: BreakdownDimension): { sort: BreakdownSort; order: SortOrder } {
  const allowed = ['count', by, ...REPORTED_VITALS];
  if (rawSort !== undefined && rawSort !== '' && !allowed.includes(rawSort)) throw new QueryParameterError(`sort=${JSON.stringify(rawSort)} must be one of ${allowed.join(', ')}`);
  const sort: BreakdownSort = rawSort === undefined || rawSort === '' || rawSort === 'count' ? 'count' : rawSort === by ? 'key' : (rawSort as RatedVitalName);
  return { sort, order: parseOrder(rawOrder, sort === 'key' ? 'asc' : 'desc') };
}
