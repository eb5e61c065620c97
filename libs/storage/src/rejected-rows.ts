import { ClickHouseError } from '@clickhouse/client';

/**
 * Errors by which ClickHouse refuses the inserted data itself: a value that cannot be parsed or
 * converted to its column's type, or is too large for it. Inserting the same rows again fails the
 * same way. Each was provoked on this ClickHouse (rejected-rows.int-spec.ts) but CANNOT_PARSE_TEXT
 * and CANNOT_PARSE_DATE, the generic and the Date forms of the same parse failures.
 *
 * Left out on purpose: TYPE_MISMATCH and CANNOT_CONVERT_TYPE (raised by a schema that does not
 * match its materialized views, which every row would hit); NO_SUCH_COLUMN_IN_TABLE and
 * UNKNOWN_TABLE (migrations not run); and everything transient (network, timeouts, memory,
 * too many parts, readonly replicas, Keeper). A false positive dead-letters good rows.
 */
const REJECTED_DATA = new Set([
  'CANNOT_PARSE_TEXT',
  'CANNOT_PARSE_ESCAPE_SEQUENCE',
  'CANNOT_PARSE_QUOTED_STRING',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED',
  'CANNOT_READ_ALL_DATA',
  'CANNOT_PARSE_DATE',
  'CANNOT_PARSE_DATETIME',
  'CANNOT_PARSE_NUMBER',
  'CANNOT_PARSE_BOOL',
  'INCORRECT_DATA',
  'TOO_LARGE_STRING_SIZE',
]);

/**
 * True only when ClickHouse refused the rows themselves, so retrying them would fail again: the
 * consumer then bisects the batch and dead-letters the rows that fail alone. False for everything
 * else, which the consumer retries with backoff.
 */
export function isRejectedRows(error: unknown): boolean {
  return error instanceof ClickHouseError && REJECTED_DATA.has(error.type ?? '');
}
