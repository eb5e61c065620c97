import type { Dataset, PartialColumn } from './aggregate-query';
import type { FilterColumns } from './filters';

const RAW_COLUMNS: FilterColumns = {
  transaction: 'transaction',
  release: 'release',
  environment: 'environment',
  browser: 'browser_name',
  os: 'os_name',
  tags: 'tags',
};

/** Error events: the raw `errors` table and the `errors_minute` rollup (keys release, environment). */
export const ERRORS: Dataset = {
  what: 'errors',
  raw: { table: 'errors', time: 'timestamp', columns: RAW_COLUMNS },
  rollup: { table: 'errors_minute', columns: { release: 'release', environment: 'environment' } },
};

/**
 * The error events that also satisfy `conditions` (SQL over the raw columns, values bound by the
 * caller). The rollup cannot answer a per-event condition on a column it has no key for (level is
 * only an anyLast value there), so the dataset has none and every query over it reads raw rows.
 * ClickHouse pushes the project and time conditions of the outer query into the subquery, so the
 * primary key still narrows the scan.
 */
export function errorsWhere(conditions: string[]): Dataset {
  if (conditions.length === 0) return ERRORS;
  return {
    what: ERRORS.what,
    raw: { ...ERRORS.raw, table: `(SELECT * FROM errors WHERE ${conditions.join(' AND ')})` },
  };
}

/** Partial rows of an error group per fingerprint and release: the outer query lists the releases. */
export const errorGroupKeys: PartialColumn[] = [
  { name: 'fingerprint', raw: 'fingerprint', rollup: 'fingerprint' },
  { name: 'release', raw: 'release', rollup: 'release' },
];

/**
 * Partial aggregates of error events; each raw expression builds the type of its rollup column
 * (errors_minute_mv), so the UNION ALL branches line up: UInt64 counts, a uniq(String) state,
 * DateTime64(3, 'UTC') times and String values. Named `p_…` so no outer alias can shadow them.
 */
export const errorPartials = {
  count: { name: 'p_count', raw: 'count()', rollup: 'count' },
  users: { name: 'p_users', raw: "uniqStateIf(user_id, user_id != '')", rollup: 'users' },
  firstSeen: { name: 'p_first_seen', raw: 'min(timestamp)', rollup: 'first_seen' },
  lastSeen: { name: 'p_last_seen', raw: 'max(timestamp)', rollup: 'last_seen' },
  title: { name: 'p_title', raw: 'anyLast(title)', rollup: 'title' },
  culprit: { name: 'p_culprit', raw: 'anyLast(culprit)', rollup: 'culprit' },
  level: { name: 'p_level', raw: 'anyLast(level)', rollup: 'level' },
  unhandled: { name: 'p_unhandled', raw: 'countIf(NOT handled)', rollup: 'unhandled' },
} satisfies Record<string, PartialColumn>;
