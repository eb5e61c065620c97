import { ClickHouseError } from '@clickhouse/client';
import { SqlLimits } from './query-settings';

/** An HTTP status and the `detail` of the error body. */
export interface SqlFailure {
  status: number;
  detail: string;
}

/**
 * ClickHouse errors that are the server's trouble, not the query's: 503 (retry later). Every
 * other ClickHouse error answers a query the user wrote (unknown column, bad types, a syntax
 * error, a cap) and is a 400 with ClickHouse's message — except those in SERVER_FAULTS.
 */
const UNAVAILABLE = new Set([
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'ABORTED',
  'NETWORK_ERROR',
  'SOCKET_TIMEOUT',
  'ALL_CONNECTION_TRIES_FAILED',
  'ALL_REPLICAS_ARE_STALE',
  'NO_AVAILABLE_REPLICA',
  'CANNOT_SCHEDULE_TASK',
  'KEEPER_EXCEPTION',
]);

/** A misconfigured deployment or a bug: a 500, logged (the database, the user, the migrations). */
const SERVER_FAULTS = new Set([
  'LOGICAL_ERROR',
  'UNKNOWN_DATABASE',
  'UNKNOWN_TABLE',
  'AUTHENTICATION_FAILED',
  'REQUIRED_PASSWORD',
  'UNKNOWN_USER',
  'ACCESS_DENIED',
  'NOT_ENOUGH_SPACE',
  'CANNOT_OPEN_FILE',
]);

/** Node's codes for a server that cannot be reached or dropped the connection. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * What to answer for an error of a ClickHouse request of the SQL API; undefined for an error that
 * is a 500 (the caller rethrows it, and the error filter logs it).
 */
export function describeSqlFailure(error: unknown, limits: SqlLimits): SqlFailure | undefined {
  if (error instanceof ClickHouseError) return describeClickHouseError(error, limits);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return { status: 503, detail: 'ClickHouse is unavailable; retry later' };
  // The client's own request timeout (the server's max_execution_time plus a margin) ran out.
  if (error instanceof Error && error.message === 'Timeout error.') return { status: 503, detail: 'ClickHouse did not answer in time; retry later' };
  return undefined;
}

function describeClickHouseError(error: ClickHouseError, limits: SqlLimits): SqlFailure | undefined {
  const message = firstLine(error.message);
  switch (error.type) {
    case 'TOO_MANY_ROWS_OR_BYTES':
      return /max bytes/i.test(message) ? resultTooLarge(limits) : tooManyRows(limits);
    case 'TIMEOUT_EXCEEDED':
      return { status: 400, detail: `the query ran longer than ${limits.maxExecutionSeconds} s; narrow the time range, add filters or simplify it` };
    case 'TOO_MANY_BYTES':
      return { status: 400, detail: `the query would read more than ${formatBytes(limits.maxBytesToRead)}; narrow the time range or add filters` };
    case 'MEMORY_LIMIT_EXCEEDED':
      // "(total)": the whole server is short of memory, not this query over its own cap.
      if (/\(total\)/.test(message)) return { status: 503, detail: 'ClickHouse is short of memory; retry later' };
      return { status: 400, detail: `the query needs more than ${formatBytes(limits.maxMemoryUsageBytes)} of memory; group by fewer keys or narrow the time range` };
    // The service's own settings are valid and it may set them (readonly=2): only a SETTINGS clause
    // of the SQL, applied while ClickHouse parses it, fails like this.
    case 'READONLY':
    case 'UNKNOWN_SETTING':
      return { status: 400, detail: `SETTINGS is not allowed: the service sets the query settings (${message})` };
  }
  if (UNAVAILABLE.has(error.type ?? '')) return { status: 503, detail: `ClickHouse cannot run the query now (${error.type}); retry later` };
  if (SERVER_FAULTS.has(error.type ?? '')) return undefined;
  return { status: 400, detail: message };
}

/** An answer over the row cap, whether ClickHouse or the service's own count found it. */
export function tooManyRows(limits: SqlLimits): SqlFailure {
  return { status: 400, detail: `the result has more than ${limits.maxResultRows} rows; add a LIMIT` };
}

/** An answer over the byte cap, whether ClickHouse or the service's own count found it. */
export function resultTooLarge(limits: SqlLimits): SqlFailure {
  return { status: 400, detail: `the result is larger than ${formatBytes(limits.maxResultBytes)}; select fewer columns or add a LIMIT` };
}

/** ClickHouse's message without the stack trace or anything after the first line. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0].trim();
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return `${value} ${UNITS[unit]}`;
}
