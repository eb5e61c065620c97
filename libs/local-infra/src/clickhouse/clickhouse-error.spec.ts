import { ClickHouseError, parseError } from '@clickhouse/client';
import { ClickHouseException, formatErrorBody, httpStatusForCode, toClickHouseException } from './clickhouse-error';

describe('httpStatusForCode (the real server table)', () => {
  it.each([
    [60, 404, 'UNKNOWN_TABLE'],
    [81, 404, 'UNKNOWN_DATABASE'],
    [47, 404, 'UNKNOWN_IDENTIFIER'],
    [46, 404, 'UNKNOWN_FUNCTION'],
    [115, 404, 'UNKNOWN_SETTING'],
    [73, 404, 'UNKNOWN_FORMAT'],
    [62, 400, 'SYNTAX_ERROR'],
    [53, 400, 'TYPE_MISMATCH'],
    [36, 400, 'BAD_ARGUMENTS'],
    [27, 400, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
    [6, 400, 'CANNOT_PARSE_TEXT'],
    [117, 400, 'INCORRECT_DATA'],
    [194, 401, 'REQUIRED_PASSWORD'],
    [516, 403, 'AUTHENTICATION_FAILED'],
    [497, 403, 'ACCESS_DENIED'],
    [159, 408, 'TIMEOUT_EXCEEDED'],
    [229, 413, 'QUERY_IS_TOO_LARGE'],
    [48, 501, 'NOT_IMPLEMENTED'],
    [76, 503, 'CANNOT_OPEN_FILE'],
    [396, 500, 'TOO_MANY_ROWS_OR_BYTES'],
    [164, 500, 'READONLY'],
    [1002, 500, 'UNKNOWN_EXCEPTION'],
  ])('code %i -> %i (%s)', (code, status) => {
    expect(httpStatusForCode(code)).toBe(status);
  });
});

describe('toClickHouseException', () => {
  it('keeps code, name and message of an engine error', () => {
    const err = toClickHouseException(
      new Error("Code: 60. DB::Exception: Unknown table expression identifier 'nope' in scope SELECT * FROM nope. Maybe you meant system.one?. (UNKNOWN_TABLE)"),
    );
    expect(err).toMatchObject({ code: 60, type: 'UNKNOWN_TABLE', httpStatus: 404 });
    expect(err.message).toBe("Unknown table expression identifier 'nope' in scope SELECT * FROM nope. Maybe you meant system.one?");
  });

  it('unwraps the engine wrapping its own exception', () => {
    const err = toClickHouseException(
      new Error(
        "Code: 73. DB::Exception: Code: 73. DB::Exception: Code: 73. DB::Exception: Unknown format Nope. Maybe you meant: ['One','Npy']. (UNKNOWN_FORMAT) (version 26.7.2.1). (UNKNOWN_FORMAT) (version 26.7.2.1). (UNKNOWN_FORMAT)",
      ),
    );
    expect(err).toMatchObject({ code: 73, type: 'UNKNOWN_FORMAT' });
    expect(err.message).toBe("Unknown format Nope. Maybe you meant: ['One','Npy']");
  });

  it('keeps multi-line messages', () => {
    const err = toClickHouseException(
      "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'zz\"}\\n': (at row 1)\n: While executing ParallelParsingBlockInputFormat. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)",
    );
    expect(err).toMatchObject({ code: 27, type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', httpStatus: 400 });
    expect(err.message).toContain('(at row 1)\n: While executing');
  });

  it('turns anything else into UNKNOWN_EXCEPTION (500)', () => {
    const err = toClickHouseException(new Error('Failed to create connection'));
    expect(err).toMatchObject({ code: 1002, type: 'UNKNOWN_EXCEPTION', httpStatus: 500, message: 'Failed to create connection' });
  });

  it('passes a ClickHouseException through', () => {
    const original = ClickHouseException.of('SYNTAX_ERROR', 'Empty query');
    expect(toClickHouseException(original)).toBe(original);
  });
});

describe('formatErrorBody', () => {
  it('is what a server sends, and @clickhouse/client parses it into a typed ClickHouseError', () => {
    const body = formatErrorBody(ClickHouseException.of('UNKNOWN_TABLE', 'Table default.nope does not exist'), '26.7.2.1');
    expect(body).toBe('Code: 60. DB::Exception: Table default.nope does not exist. (UNKNOWN_TABLE) (version 26.7.2.1)\n');
    const parsed = parseError(body);
    expect(parsed).toBeInstanceOf(ClickHouseError);
    expect(parsed).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE', message: 'Table default.nope does not exist. ' });
  });

  it('round-trips an engine message through the client parser', () => {
    const engine = "Code: 62. DB::Exception: Syntax error: failed at position 1 ('SELEC'): SELEC 1. Expected one of: ... (SYNTAX_ERROR)";
    const parsed = parseError(formatErrorBody(toClickHouseException(engine), '26.7.2.1')) as ClickHouseError;
    expect(parsed).toBeInstanceOf(ClickHouseError);
    expect(parsed.code).toBe('62');
    expect(parsed.type).toBe('SYNTAX_ERROR');
    expect(parsed.message).toContain("Syntax error: failed at position 1 ('SELEC')");
  });
});
