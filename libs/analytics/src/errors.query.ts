import type { ErrorRecord } from '@pulse/model';
import { aggregateScope, chooseSource, compileAggregate, CompiledQuery, ReadScope, Source } from './aggregate-query';
import { errorGroupKeys, errorPartials, errorsWhere } from './errors.dataset';
import { QueryParameterError } from './time-range';

export type ErrorLevel = ErrorRecord['level'];
export const ERROR_LEVELS: readonly ErrorLevel[] = ['fatal', 'error', 'warning', 'info', 'debug'];

/** Sortable columns of the error group list → the SQL alias they sort by (never user text). */
export const ERROR_GROUP_SORTS = {
  count: 'count',
  users: 'users',
  last_seen: 'last_seen',
  first_seen: 'first_seen',
} as const;
export type ErrorGroupSort = keyof typeof ERROR_GROUP_SORTS;

export const MAX_ERROR_SEARCH_LENGTH = 200;

/** Error groups read the minute rollup at most: there are no coarser error rollups, so the scope's rollup starts are not used. */
export interface ErrorGroupsInput extends ReadScope {
  /** Only events of this level (raw path: the rollup keeps one level per group, not per event). */
  level?: ErrorLevel;
  /** Only events whose title contains this text, case-insensitively (raw path). */
  search?: string;
  sort: ErrorGroupSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export function parseErrorLevel(raw: string | undefined): ErrorLevel | undefined {
  if (raw === undefined || raw === '') return undefined;
  const level = ERROR_LEVELS.find((candidate) => candidate === raw);
  if (level === undefined) throw new QueryParameterError(`level=${JSON.stringify(raw)} must be one of ${ERROR_LEVELS.join(', ')}`);
  return level;
}

/** `query=`: a substring of the title; blank means no search. */
export function parseErrorSearch(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw.length > MAX_ERROR_SEARCH_LENGTH) throw new QueryParameterError(`query may be at most ${MAX_ERROR_SEARCH_LENGTH} characters`);
  return raw;
}

/**
 * Error groups (one row per fingerprint) with count, distinct users, first and last seen, the
 * releases they occurred in and the unhandled count, sorted and paged. Partial rows are per
 * fingerprint and release, so the outer query can list the releases of each group.
 */
export function compileErrorGroups(input: ErrorGroupsInput): { query: CompiledQuery; source: Source } {
  const conditions: string[] = [];
  const params: Record<string, unknown> = { limit: input.limit, offset: input.offset };
  if (input.level !== undefined) {
    conditions.push('level = {level:String}');
    params.level = input.level;
  }
  if (input.search !== undefined) {
    // The UTF-8 variant: titles are often not ASCII ("Ошибка", "Über"), which the plain one does not fold.
    conditions.push('positionCaseInsensitiveUTF8(title, {search:String}) > 0');
    params.search = input.search;
  }
  const dataset = errorsWhere(conditions);
  const p = errorPartials;
  const partials = [p.count, p.users, p.firstSeen, p.lastSeen, p.title, p.culprit, p.level, p.unhandled];
  const source = input.source ?? chooseSource(dataset, input.range, input.filters, partials);
  const direction = input.order === 'asc' ? 'ASC' : 'DESC';
  const query = compileAggregate({
    dataset,
    ...aggregateScope(input),
    source,
    keys: errorGroupKeys,
    partials,
    params,
    // title, culprit and level: those of the most recently seen partial row (one value per group
    // in practice). Times as epoch ms; releases without the empty one, sorted.
    outer: (from) => `
SELECT
  fingerprint,
  argMax(p_title, p_last_seen) AS title,
  argMax(p_culprit, p_last_seen) AS culprit,
  argMax(p_level, p_last_seen) AS level,
  sum(p_count) AS count,
  uniqMerge(p_users) AS users,
  toUnixTimestamp64Milli(min(p_first_seen)) AS first_seen,
  toUnixTimestamp64Milli(max(p_last_seen)) AS last_seen,
  arraySort(groupUniqArrayIf(release, release != '')) AS releases,
  sum(p_unhandled) AS unhandled
FROM ${from}
GROUP BY fingerprint
ORDER BY ${ERROR_GROUP_SORTS[input.sort]} ${direction}, fingerprint ASC
LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
  });
  return { query, source };
}
