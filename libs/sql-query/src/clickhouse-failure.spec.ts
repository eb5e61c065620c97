import { ClickHouseError } from '@clickhouse/client';
import { describeSqlFailure } from './clickhouse-failure';

const limits = {
  maxExecutionSeconds: 30,
  maxThreads: 2,
  maxMemoryUsageBytes: 2 * 1024 ** 3,
  maxConcurrentQueriesForUser: 16,
  osThreadPriority: 10,
  maxResultRows: 10_000,
  maxBytesToRead: 10 * 1024 ** 3,
  maxResultBytes: 256 * 1024 ** 2,
};
const error = (type: string, message: string, code = '0') => new ClickHouseError({ message, code, type });

describe('describeSqlFailure', () => {
  it.each([
    ['TOO_MANY_ROWS_OR_BYTES', 'Limit for result exceeded, max rows: 10.00 thousand, current rows: 65.41 thousand. ', 'the result has more than 10000 rows; add a LIMIT'],
    ['TOO_MANY_ROWS_OR_BYTES', 'Limit for result exceeded, max bytes: 256.00 MiB, current bytes: 300.00 MiB. ', 'the result is larger than 256 MiB; select fewer columns or add a LIMIT'],
    ['TIMEOUT_EXCEEDED', 'Timeout exceeded: elapsed 30000.8 ms, maximum: 30000 ms. ', 'the query ran longer than 30 s; narrow the time range, add filters or simplify it'],
    ['TOO_MANY_BYTES', 'Limit for rows or bytes to read exceeded, max bytes: 10.00 GiB, current bytes: 12.00 GiB: While executing MergeTreeSelect. ', 'the query would read more than 10 GiB; narrow the time range or add filters'],
    ['MEMORY_LIMIT_EXCEEDED', 'Query memory limit exceeded: would use 2.00 GiB. ', 'the query needs more than 2 GiB of memory; group by fewer keys or narrow the time range'],
    ['READONLY', "Cannot modify 'readonly' setting in readonly mode. ", "SETTINGS is not allowed: the service sets the query settings (Cannot modify 'readonly' setting in readonly mode.)"],
    ['UNKNOWN_IDENTIFIER', "Unknown expression identifier `nope` in scope SELECT nope FROM transactions.\nStack trace:\n0. DB::Exception…", 'Unknown expression identifier `nope` in scope SELECT nope FROM transactions.'],
    ['SYNTAX_ERROR', 'Syntax error: failed at position 8 (FORM): FORM transactions. Expected one of: … ', 'Syntax error: failed at position 8 (FORM): FORM transactions. Expected one of: …'],
    ['UNKNOWN_QUERY_PARAMETER', 'Substitution `env` is not set. ', 'Substitution `env` is not set.'],
    ['TYPE_MISMATCH', 'Cannot convert string to type UInt64. ', 'Cannot convert string to type UInt64.'],
  ])('answers %s with a 400 saying what happened', (type, message, detail) => {
    expect(describeSqlFailure(error(type, message), limits)).toEqual({ status: 400, detail });
  });

  it('answers 503 when ClickHouse is unreachable, out of memory as a whole, or too busy', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
    expect(describeSqlFailure(refused, limits)).toEqual({ status: 503, detail: 'ClickHouse is unavailable; retry later' });
    expect(describeSqlFailure(new Error('Timeout error.'), limits)).toMatchObject({ status: 503 });
    expect(describeSqlFailure(error('MEMORY_LIMIT_EXCEEDED', 'Memory limit (total) exceeded: would use 30.1 GiB. '), limits)).toMatchObject({ status: 503 });
    expect(describeSqlFailure(error('TOO_MANY_SIMULTANEOUS_QUERIES', 'Too many simultaneous queries. '), limits)).toMatchObject({ status: 503 });
  });

  it('leaves server faults and unknown errors to the caller (a logged 500)', () => {
    expect(describeSqlFailure(error('UNKNOWN_DATABASE', 'Database pulse does not exist. '), limits)).toBeUndefined();
    expect(describeSqlFailure(error('AUTHENTICATION_FAILED', 'default: Authentication failed. '), limits)).toBeUndefined();
    expect(describeSqlFailure(new TypeError('x is undefined'), limits)).toBeUndefined();
  });
});
