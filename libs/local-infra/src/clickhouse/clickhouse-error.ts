/**
 * ClickHouse exceptions as the HTTP interface reports them: the text body, the exception-code
 * header and the HTTP status. @clickhouse/client turns a failed response into a typed
 * ClickHouseError only when the body matches its `parseError` pattern
 * (`Code: <n>. ... Exception: <message> (<TYPE>)`), so every error this server sends goes through
 * {@link formatErrorBody}.
 */

/** Error codes the server raises itself or maps to a status (values from the engine's system.errors). */
export const ErrorCode = {
  CANNOT_PARSE_TEXT: 6,
  THERE_IS_NO_COLUMN: 8,
  DUPLICATE_COLUMN: 15,
  CANNOT_PARSE_ESCAPE_SEQUENCE: 25,
  CANNOT_PARSE_QUOTED_STRING: 26,
  CANNOT_PARSE_INPUT_ASSERTION_FAILED: 27,
  BAD_ARGUMENTS: 36,
  UNKNOWN_ELEMENT_IN_AST: 37,
  CANNOT_PARSE_DATE: 38,
  CANNOT_PARSE_DATETIME: 41,
  ILLEGAL_COLUMN: 44,
  UNKNOWN_FUNCTION: 46,
  UNKNOWN_IDENTIFIER: 47,
  NOT_IMPLEMENTED: 48,
  UNKNOWN_TYPE: 50,
  TYPE_MISMATCH: 53,
  UNKNOWN_STORAGE: 56,
  UNKNOWN_TABLE: 60,
  SYNTAX_ERROR: 62,
  UNKNOWN_AGGREGATE_FUNCTION: 63,
  CANNOT_PARSE_NUMBER: 72,
  UNKNOWN_FORMAT: 73,
  CANNOT_OPEN_FILE: 76,
  UNKNOWN_TYPE_OF_QUERY: 78,
  UNKNOWN_DATABASE: 81,
  NO_DATA_TO_INSERT: 108,
  UNKNOWN_SETTING: 115,
  INCORRECT_DATA: 117,
  UNKNOWN_TYPE_OF_AST_NODE: 123,
  UNKNOWN_DIRECTION_OF_SORTING: 152,
  TIMEOUT_EXCEEDED: 159,
  READONLY: 164,
  TOO_DEEP_AST: 167,
  TOO_BIG_AST: 168,
  UNKNOWN_USER: 192,
  WRONG_PASSWORD: 193,
  REQUIRED_PASSWORD: 194,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  SOCKET_TIMEOUT: 209,
  UNEXPECTED_AST_STRUCTURE: 223,
  QUERY_IS_TOO_LARGE: 229,
  ABORTED: 236,
  CANNOT_DECOMPRESS: 271,
  VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE: 321,
  ZLIB_INFLATE_FAILED: 354,
  UNKNOWN_DATABASE_ENGINE: 336,
  CANNOT_PARSE_UUID: 376,
  HTTP_LENGTH_REQUIRED: 381,
  CANNOT_COMPILE_REGEXP: 427,
  CANNOT_SCHEDULE_TASK: 439,
  CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING: 441,
  BROTLI_READ_FAILED: 448,
  ACCESS_DENIED: 497,
  UNKNOWN_ROLE: 511,
  SET_NON_GRANTED_ROLE: 512,
  AUTHENTICATION_FAILED: 516,
  CANNOT_PARSE_IPV4: 675,
  CANNOT_PARSE_IPV6: 676,
  UNSUPPORTED_MEDIA_TYPE: 779,
  UNKNOWN_EXCEPTION: 1002,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

const NAME_BY_CODE = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

const C = ErrorCode;
/**
 * The status table of ClickHouse's src/Server/HTTP/exceptionCodeToHTTPStatus.cpp (current master),
 * copied as data. Note that the real server answers 404 (not 400) for UNKNOWN_IDENTIFIER and
 * UNKNOWN_SETTING, and 403 (not 401) for AUTHENTICATION_FAILED; 401 is only for REQUIRED_PASSWORD.
 */
const STATUS_BY_CODE = new Map<number, number>([
  [C.REQUIRED_PASSWORD, 401],
  ...[C.UNKNOWN_USER, C.WRONG_PASSWORD, C.AUTHENTICATION_FAILED, C.SET_NON_GRANTED_ROLE, C.ACCESS_DENIED].map(
    (code) => [code, 403] as [number, number],
  ),
  ...[
    C.BAD_ARGUMENTS,
    C.CANNOT_COMPILE_REGEXP,
    C.CANNOT_PARSE_TEXT,
    C.CANNOT_PARSE_ESCAPE_SEQUENCE,
    C.CANNOT_PARSE_QUOTED_STRING,
    C.CANNOT_PARSE_DATE,
    C.CANNOT_PARSE_DATETIME,
    C.CANNOT_PARSE_NUMBER,
    C.CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING,
    C.CANNOT_PARSE_IPV4,
    C.CANNOT_PARSE_IPV6,
    C.CANNOT_PARSE_INPUT_ASSERTION_FAILED,
    C.CANNOT_PARSE_UUID,
    C.DUPLICATE_COLUMN,
    C.ILLEGAL_COLUMN,
    C.UNKNOWN_ELEMENT_IN_AST,
    C.UNKNOWN_TYPE_OF_AST_NODE,
    C.THERE_IS_NO_COLUMN,
    C.TOO_DEEP_AST,
    C.TOO_BIG_AST,
    C.UNEXPECTED_AST_STRUCTURE,
    C.SYNTAX_ERROR,
    C.INCORRECT_DATA,
    C.TYPE_MISMATCH,
    C.VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE,
  ].map((code) => [code, 400] as [number, number]),
  ...[
    C.UNKNOWN_TABLE,
    C.UNKNOWN_FUNCTION,
    C.UNKNOWN_IDENTIFIER,
    C.UNKNOWN_TYPE,
    C.UNKNOWN_STORAGE,
    C.UNKNOWN_DATABASE,
    C.UNKNOWN_SETTING,
    C.UNKNOWN_DIRECTION_OF_SORTING,
    C.UNKNOWN_AGGREGATE_FUNCTION,
    C.UNKNOWN_FORMAT,
    C.UNKNOWN_DATABASE_ENGINE,
    C.UNKNOWN_TYPE_OF_QUERY,
    C.UNKNOWN_ROLE,
  ].map((code) => [code, 404] as [number, number]),
  [C.QUERY_IS_TOO_LARGE, 413],
  [C.NOT_IMPLEMENTED, 501],
  [C.SOCKET_TIMEOUT, 503],
  [C.CANNOT_OPEN_FILE, 503],
  [C.HTTP_LENGTH_REQUIRED, 411],
  [C.TIMEOUT_EXCEEDED, 408],
  [C.CANNOT_SCHEDULE_TASK, 503],
  [C.UNSUPPORTED_MEDIA_TYPE, 415],
]);

/** HTTP status a real ClickHouse server answers for an exception code (500 when unlisted). */
export function httpStatusForCode(code: number): number {
  return STATUS_BY_CODE.get(code) ?? 500;
}

/** A ClickHouse exception: numeric code, its name (the `type` the client exposes) and the text. */
export class ClickHouseException extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ClickHouseException';
  }

  static of(name: ErrorCodeName, message: string): ClickHouseException {
    return new ClickHouseException(ErrorCode[name], name, message);
  }

  get httpStatus(): number {
    return httpStatusForCode(this.code);
  }
}

// The engine formats its exceptions as `Code: <n>. DB::Exception: <text>. (<NAME>)`; some are
// wrapped again (`Code: 73. DB::Exception: Code: 73. DB::Exception: ... (version ...). (NAME)`).
const ENGINE_ERROR = /^Code: (\d+)\. DB::Exception: ([\s\S]*?)\.? \(([A-Z][A-Z0-9_]*)\)\s*$/;
const NESTED_PREFIX = /^Code: \d+\. DB::Exception: /;
const NESTED_SUFFIX = / \([A-Z][A-Z0-9_]*\) \(version [^)]*\)\.?$/;

/** Turns whatever the engine threw into a ClickHouseException, keeping its code and name. */
export function toClickHouseException(err: unknown): ClickHouseException {
  if (err instanceof ClickHouseException) return err;
  const text = err instanceof Error ? err.message : String(err);
  const match = ENGINE_ERROR.exec(text.trim());
  if (!match) return ClickHouseException.of('UNKNOWN_EXCEPTION', text.trim() || 'Unknown error');
  const code = Number(match[1]);
  let message = match[2];
  // Unwrap the engine's self-wrapping so the body carries the message once, like a server does.
  while (NESTED_PREFIX.test(message) && NESTED_SUFFIX.test(message)) {
    message = message.replace(NESTED_PREFIX, '').replace(NESTED_SUFFIX, '');
  }
  return new ClickHouseException(code, NAME_BY_CODE.get(code) ?? match[3], message.replace(/\.$/, ''));
}

/**
 * The response body of a real server: `Code: 60. DB::Exception: <message>. (UNKNOWN_TABLE)
 * (version 26.7.2.1)` and a newline.
 */
export function formatErrorBody(err: ClickHouseException, version: string): string {
  return `Code: ${err.code}. DB::Exception: ${err.message}. (${err.type}) (version ${version})\n`;
}
