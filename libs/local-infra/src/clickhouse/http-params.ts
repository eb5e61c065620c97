import { ClickHouseException } from './clickhouse-error';

/**
 * URL parameters of the ClickHouse HTTP interface, split the way the real server's HTTPHandler
 * does: a few are the handler's own, `param_<name>` are query parameters, everything else is a
 * setting for this one query.
 */
export interface HttpQueryParams {
  /** The `query` parameter ('' when absent); the request body is appended to it. */
  query: string;
  queryId?: string;
  database?: string;
  defaultFormat?: string;
  /** Sessions are not implemented (see the server); kept only so it is not taken for a setting. */
  sessionId?: string;
  user?: string;
  password?: string;
  /** Settings in URL order, last occurrence wins; values as sent (text). */
  settings: Map<string, string>;
  /** Query parameters without the `param_` prefix, values in the escaped text format. */
  params: Map<string, string>;
}

/**
 * Parameters the real server reads itself and never treats as settings: HTTPHandler's
 * `reserved_param_names`, plus the ones it consumes by name (query, database, default_format,
 * role; `param_*` are query parameters).
 */
export const RESERVED_PARAMS: ReadonlySet<string> = new Set([
  'compress',
  'decompress',
  'user',
  'password',
  'quota_key',
  'query_id',
  'stacktrace',
  'buffer_size',
  'wait_end_of_query',
  'session_id',
  'session_timeout',
  'session_check',
  'client_protocol_version',
  'close_session',
  'query',
  'database',
  'default_format',
  'role',
]);

/** With multipart/form-data (external tables) the server also skips names with these suffixes. */
const EXTERNAL_DATA_SUFFIXES = ['_format', '_types', '_structure'];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function splitHttpParams(
  entries: Iterable<[string, string]>,
  { externalData = false }: { externalData?: boolean } = {},
): HttpQueryParams {
  const out: HttpQueryParams = { query: '', settings: new Map(), params: new Map() };
  for (const [key, value] of entries) {
    if (key === '') continue; // `?&a=b` — the server skips empty names too
    if (key.startsWith('param_')) {
      out.params.set(key.slice('param_'.length), value);
      continue;
    }
    switch (key) {
      case 'query':
        out.query = value;
        continue;
      case 'query_id':
        out.queryId = value;
        continue;
      case 'database':
        out.database = value;
        continue;
      case 'default_format':
        out.defaultFormat = value;
        continue;
      case 'session_id':
        out.sessionId = value;
        continue;
      case 'user':
        out.user = value;
        continue;
      case 'password':
        out.password = value;
        continue;
    }
    if (RESERVED_PARAMS.has(key)) continue;
    if (externalData && EXTERNAL_DATA_SUFFIXES.some((suffix) => key.endsWith(suffix))) continue;
    out.settings.delete(key); // keep the order of the last occurrence
    out.settings.set(key, value);
  }
  return out;
}

/**
 * A ClickHouse string literal holding exactly `value`. Used for settings and query parameters so
 * the engine's own literal parser gives back the text the client sent, byte for byte.
 */
export function sqlStringLiteral(value: string): string {
  return `'${value.replace(/[\\'\0]/g, (c) => (c === '\0' ? '\\0' : `\\${c}`))}'`;
}

/** The engine's default `max_query_size`: a longer statement does not parse. */
const MAX_QUERY_SIZE = 262_144;

/**
 * `SET` statements applying the URL query parameters and settings to a fresh engine session.
 *
 * Query parameters go in as `SET param_<name> = '<value>'`: the literal unescapes to the value in
 * ClickHouse's escaped text format exactly as received, and the engine then parses that text for
 * the placeholder's type itself ({x:String}, {t:DateTime64(3)}, {a:Array(String)}, \N for NULL...),
 * which is what a real server does with `param_` URL parameters. The value never becomes SQL.
 *
 * Settings go in as string literals too: the engine converts text to each setting's type the way
 * the server converts URL parameters (`max_result_rows=10`, `max_memory_usage=1G`,
 * `additional_table_filters={...}`).
 *
 * A server never parses parameter values as part of a query, so they are not bound by
 * `max_query_size`; a long value (hundreds of KiB through multipart) gets the limit raised around
 * its own SET and restored before the client's query.
 */
export function settingStatements(settings: ReadonlyMap<string, string>, params: ReadonlyMap<string, string>): string[] {
  const assignments: string[] = [];
  for (const [name, value] of params) {
    // `{name:Type}` only takes identifiers, so another name could never be referenced: skip it,
    // as the server would simply never use it.
    if (IDENTIFIER.test(name)) assignments.push(`param_${name} = ${sqlStringLiteral(value)}`);
  }
  const paramsSet = assignments.length > 0 ? `SET ${assignments.join(', ')}` : undefined;
  assignments.length = 0;
  for (const [name, value] of settings) {
    // A name is spliced into SQL, so anything but an identifier is refused (no such setting exists).
    if (!IDENTIFIER.test(name)) throw ClickHouseException.of('UNKNOWN_SETTING', `Unknown setting '${name}'`);
    assignments.push(`${name} = ${sqlStringLiteral(value)}`);
  }
  const settingsSet = assignments.length > 0 ? `SET ${assignments.join(', ')}` : undefined;

  const statements = [paramsSet, settingsSet].filter((statement): statement is string => statement !== undefined);
  const longest = Math.max(0, ...statements.map((statement) => Buffer.byteLength(statement)));
  if (longest < MAX_QUERY_SIZE - 1024) return statements;
  return [
    `SET max_query_size = ${longest + 1024}`,
    ...statements,
    ...(settings.has('max_query_size') ? [] : ['SET max_query_size = DEFAULT']),
  ];
}

/** ClickHouse's reading of a Bool setting given as text. */
export function isTruthySetting(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  const n = Number(v);
  return v !== '' && Number.isFinite(n) && n !== 0;
}

/** Backquoted identifier (database names in `USE`). */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}
