import { ClickHouseError, parseError } from '@clickhouse/client';
import { isRejectedRows } from './rejected-rows';

/** Server messages as this ClickHouse (26.7) sent them; rejected-rows.int-spec.ts provokes them live. */
const message = (code: number, text: string, type: string) =>
  `Code: ${code}. DB::Exception: ${text}: (at row 1)\n: While executing ParallelParsingBlockInputFormat: data for INSERT was parsed from query. (${type}) (version 26.7.2.1)`;

describe('isRejectedRows', () => {
  it.each([
    [131, 'Too large value for FixedString(32): (while reading the value of key event_id)', 'TOO_LARGE_STRING_SIZE'],
    [27, "Cannot parse input: expected '\"' before: 'abc\"}'", 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
    [72, 'Cannot read floating point value here', 'CANNOT_PARSE_NUMBER'],
    [41, 'Cannot read DateTime: unexpected date: 2025-13-45', 'CANNOT_PARSE_DATETIME'],
    [467, 'Invalid boolean value, should be true/false, 1/0', 'CANNOT_PARSE_BOOL'],
    [26, 'Cannot parse JSON string: expected opening quote', 'CANNOT_PARSE_QUOTED_STRING'],
    [25, 'Cannot parse escape sequence: missing second part of surrogate pair', 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
    [33, 'Unexpected end of stream while parsing JSONEachRow format', 'CANNOT_READ_ALL_DATA'],
    [117, 'Duplicate field found while parsing JSONEachRow format: s', 'INCORRECT_DATA'],
  ])('rows ClickHouse refuses: %s %s', (code, text, type) => {
    const error = parseError(message(code, text, type));
    expect(error).toBeInstanceOf(ClickHouseError);
    expect(isRejectedRows(error)).toBe(true);
  });

  it.each([
    [60, 'Table pulse.no_such_table does not exist', 'UNKNOWN_TABLE'],
    [252, 'Too many parts (300). Merges are processing significantly slower than inserts', 'TOO_MANY_PARTS'],
    [241, 'Query memory limit exceeded: would use 1.06 MiB', 'MEMORY_LIMIT_EXCEEDED'],
    [159, 'Timeout exceeded: elapsed 10.363 ms, maximum: 10 ms', 'TIMEOUT_EXCEEDED'],
    [164, 'default: Cannot execute query in readonly mode', 'READONLY'],
    [242, 'Table is in readonly mode (replica path: /clickhouse/tables/x)', 'TABLE_IS_READ_ONLY'],
    [999, 'Coordination::Exception: Connection loss', 'KEEPER_EXCEPTION'],
    [516, 'default: Authentication failed: password is incorrect', 'AUTHENTICATION_FAILED'],
    [16, 'No such column retention_days in table pulse.transactions', 'NO_SUCH_COLUMN_IN_TABLE'],
    // A schema whose materialized view does not fit its rollup fails every row alike: not the rows' fault.
    [53, 'Conversion from AggregateFunction(uniq, UInt64) to AggregateFunction(uniq, String) is not supported', 'TYPE_MISMATCH'],
  ])('everything else, to be retried: %s %s', (code, text, type) => {
    expect(isRejectedRows(parseError(message(code, text, type)))).toBe(false);
  });

  it('is false for errors that are not ClickHouse answers', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
    for (const error of [refused, new Error('Timeout error.'), new Error('socket hang up'), 'CANNOT_PARSE_NUMBER', undefined, null]) {
      expect(isRejectedRows(error)).toBe(false);
    }
  });
});
