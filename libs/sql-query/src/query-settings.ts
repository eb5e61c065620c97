import { ClickHouseSettings, SettingsMap } from '@clickhouse/client';
import type { TimeRange } from '@pulse/analytics';
import { LOGICAL_TABLES, TIME_COLUMN } from './logical-tables';
import { ReadClassLimits, readClassSettings } from '@pulse/analytics';

/** What one request may see: one project, one time range, in the service's database. */
export interface QueryScope {
  projectId: number;
  range: TimeRange;
  database: string;
}

/**
 * The caps of one SQL API query: the read class's (readClassSettings) and the SQL API's own
 * (QueryConfig: SQL_MAX_RESULT_ROWS, SQL_MAX_BYTES_TO_READ, SQL_MAX_RESULT_BYTES).
 */
export interface SqlLimits extends ReadClassLimits {
  maxResultRows: number;
  maxBytesToRead: number;
  /**
   * Bytes of the answer: ClickHouse's `max_result_bytes` (its in-memory size), and the JSON bytes
   * the service reads. ClickHouse checks both result caps between blocks, so a result of one large
   * block passes its check; the byte count of the body as it arrives does not depend on blocks.
   */
  maxResultBytes: number;
}

const DATABASE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `additional_table_filters`: the scope as a filter ClickHouse applies to every read of each
 * logical table, wherever it appears (FROM, subqueries, JOINs, IN, scalar subqueries), keyed by the
 * plain and the qualified name. The filter is SQL the service writes from numbers alone; each is
 * checked to be a safe integer here, so it renders as an integer literal and nothing else: the
 * project id comes from the authorized URL, the times from parseTimeRange.
 */
export function scopeTableFilters(scope: QueryScope): Record<string, string> {
  const { projectId, range, database } = scope;
  for (const [name, value] of Object.entries({ projectId, fromMs: range.fromMs, toMs: range.toMs })) {
    if (!Number.isSafeInteger(value)) throw new Error(`${name} must be a safe integer to be rendered into a table filter, got ${value}`);
  }
  if (!DATABASE.test(database)) throw new Error(`database ${JSON.stringify(database)} is not a plain identifier`);
  const filters: Record<string, string> = {};
  for (const table of LOGICAL_TABLES) {
    const time = TIME_COLUMN[table];
    const filter =
      `project_id = ${projectId} AND ${time} >= fromUnixTimestamp64Milli(${range.fromMs}, 'UTC') ` +
      `AND ${time} < fromUnixTimestamp64Milli(${range.toMs}, 'UTC')`;
    filters[table] = filter;
    filters[`${database}.${table}`] = filter;
  }
  return filters;
}

/**
 * Settings of the two EXPLAIN requests. Both run with the scope and the caps: EXPLAIN QUERY TREE
 * evaluates constant expressions and scalar subqueries, so it reads data like the query does.
 *
 * - the read class's settings (readonly 2, threads, memory, time, concurrency); readonly 2 still
 *   lets the service set the filters per request, and a SETTINGS clause in the SQL is refused by
 *   the syntax check;
 * - allow_experimental_analyzer 1 (`enable_analyzer`): the analyzer that EXPLAIN QUERY TREE
 *   describes is the one that runs the query, whatever the server's default.
 */
export function checkSettings(scope: QueryScope, limits: SqlLimits): ClickHouseSettings {
  return {
    ...readClassSettings(limits),
    allow_experimental_analyzer: 1,
    additional_table_filters: settingsMap(scopeTableFilters(scope)),
    max_bytes_to_read: String(limits.maxBytesToRead),
    read_overflow_mode: 'throw',
  };
}

/**
 * Settings of the query itself: those of the checks plus the result caps (not on the EXPLAINs,
 * whose output is one row per line of a tree), and
 *
 * - limit = maxResultRows + 1: ClickHouse's `limit` setting caps the rows of the outermost query
 *   only (subqueries keep theirs; a LIMIT of the SQL still applies, the smaller one wins). Its
 *   max_result_rows is checked between blocks, so a result made of one block (`SELECT
 *   arrayJoin(range(100000))`) passes it; with `limit` at most one row over the cap comes back,
 *   whatever the blocks, and the service refuses an answer with that extra row (tooManyRows).
 *   The SQL text is not rewritten, so the checked text is still the text that runs, and a
 *   SETTINGS clause that could lift it is refused;
 *
 * - output_format_json_quote_64bit_integers 1: (U)Int64 values as JSON strings. Older ClickHouse
 *   versions quote them by default, recent ones (26.x) do not; the service parses the answer in
 *   JavaScript, where an unquoted 64-bit integer above 2^53 (a cityHash64, a large sum) would
 *   silently change. Pinning it makes the answer exact and the same on every server version;
 * - wait_end_of_query 1: the server buffers the answer (at most the result caps), so an error
 *   raised while producing it (a cap, a timeout) comes back as an error status rather than after
 *   a 200 and half a body.
 */
export function runSettings(scope: QueryScope, limits: SqlLimits): ClickHouseSettings {
  return {
    ...checkSettings(scope, limits),
    limit: String(limits.maxResultRows + 1),
    max_result_rows: String(limits.maxResultRows),
    max_result_bytes: String(limits.maxResultBytes),
    result_overflow_mode: 'throw',
    output_format_json_quote_64bit_integers: 1,
    wait_end_of_query: 1,
  };
}

/**
 * A Map setting. The client's SettingsMap writes `{'key':'value'}` without escaping, and every
 * filter holds 'UTC', so quotes and backslashes are escaped here.
 */
function settingsMap(entries: Record<string, string>): SettingsMap {
  const escaped = Object.fromEntries(Object.entries(entries).map(([key, value]) => [escapeQuoted(key), escapeQuoted(value)]));
  return SettingsMap.from(escaped);
}

function escapeQuoted(text: string): string {
  return text.replace(/[\\']/g, (c) => `\\${c}`);
}
