import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Transform } from 'node:stream';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { EngineRequest, EngineResult } from './chdb-engine';
import { ClickHouseException, ErrorCode, formatErrorBody, toClickHouseException } from './clickhouse-error';
import { type HttpQueryParams, isTruthySetting, quoteIdentifier, settingStatements, splitHttpParams } from './http-params';
import { multipartBoundary, parseMultipart } from './multipart';
import { scanStatement, type StatementShape } from './sql-scan';

/** What the HTTP layer needs from the engine (ChdbEngine). */
export interface QueryEngine {
  readonly version: string;
  readonly timezone: string;
  execute(request: EngineRequest): Promise<EngineResult>;
}

export interface ClickHouseHttpServerOptions {
  engine: QueryEngine;
  /** Largest request body accepted, after decompression. Default 256 MiB. */
  maxBodyBytes?: number;
  /** The one user. Default `default`. */
  user?: string;
  /** Its password. Default empty: requests without credentials are accepted. */
  password?: string;
  /** X-ClickHouse-Server-Display-Name. Default the host name. */
  displayName?: string;
  /** Receives one line per failed (5xx) request. */
  logError?: (line: string) => void;
}

const MiB = 1024 * 1024;
/** The real server's `http_max_uri_size` (1 MiB): query parameters can make long URLs. */
const MAX_URI_BYTES = MiB;
/** How much of a body is decoded to find out what statement it holds. */
const STATEMENT_HEAD_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * The ClickHouse HTTP interface over the embedded engine: what @clickhouse/client 1.x and curl
 * use (`/`, `/ping`, URL settings and `param_*`, INSERT with data in the body, compression both
 * ways, X-ClickHouse-* headers, `Code: ... (NAME)` errors with the real status codes).
 *
 * Differences from a real server, by design of a dev/test stand-in:
 * - Results are produced whole before the response starts (like `wait_end_of_query=1`), so an
 *   error is always a proper error response and never a half-sent 200.
 * - `session_id` is ignored: each request runs in a fresh engine session (SET, temporary tables
 *   and `USE` do not carry over). `role`, `quota_key` and access control are not implemented; there
 *   is one user.
 * - External tables in multipart bodies are refused (NOT_IMPLEMENTED); multipart `query` and
 *   `param_*` fields are supported.
 */
export class ClickHouseHttpServer {
  private readonly server: Server;
  private readonly engine: QueryEngine;
  private readonly maxBodyBytes: number;
  private readonly user: string;
  private readonly password: string;
  private readonly displayName: string;
  private readonly logError: (line: string) => void;
  private inFlight = 0;
  private closing = false;
  private readonly drained: Array<() => void> = [];

  constructor(options: ClickHouseHttpServerOptions) {
    this.engine = options.engine;
    this.maxBodyBytes = options.maxBodyBytes ?? 256 * MiB;
    this.user = options.user ?? 'default';
    this.password = options.password ?? '';
    this.displayName = options.displayName ?? hostname();
    this.logError = options.logError ?? ((line) => console.error(line));
    this.server = createServer({ maxHeaderSize: MAX_URI_BYTES + 64 * 1024 }, (req, res) => this.dispatch(req, res));
    // A real server keeps idle connections 10 s; the client's idle_socket_ttl (2.5 s) stays below.
    this.server.keepAliveTimeout = 10_000;
    this.server.headersTimeout = 15_000;
    // Large inserts over slow links: the body may take long; the engine bounds queries itself.
    this.server.requestTimeout = 0;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolveListen, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host, exclusive: true }, () => {
        this.server.off('error', reject);
        resolveListen(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, closes idle keep-alive connections and waits for requests in flight. */
  async close(): Promise<void> {
    this.closing = true;
    const stopped = new Promise<void>((done) => this.server.close(() => done()));
    this.server.closeIdleConnections();
    if (this.inFlight > 0) await new Promise<void>((done) => this.drained.push(done));
    this.server.closeAllConnections();
    await stopped;
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight++;
    this.handle(req, res)
      .catch((err: unknown) => this.sendError(res, err))
      .finally(() => {
        if (--this.inFlight === 0) for (const done of this.drained.splice(0)) done();
      });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const readOnly = method === 'GET' || method === 'HEAD';
    res.setHeader('X-ClickHouse-Server-Display-Name', this.displayName);
    if (this.closing) res.setHeader('Connection', 'close');

    if (url.pathname === '/ping' || url.pathname === '/replicas_status') {
      if (!readOnly) throw noHandle(url.pathname);
      return sendText(res, method, 200, 'Ok.\n');
    }
    if (url.pathname !== '/') throw noHandle(url.pathname);
    if (method === 'OPTIONS') return sendText(res, method, 204, '');
    if (!readOnly && method !== 'POST') throw new PlainReply(405, `HTTP method ${method} is not supported\n`);
    if (readOnly && !url.searchParams.has('query')) return sendText(res, method, 200, 'Ok.\n');

    // Before reading the body, so an unauthenticated client cannot make the server buffer it.
    this.authenticate(req, url.searchParams);
    let body = method === 'POST' ? await readBody(req, this.maxBodyBytes) : EMPTY;
    let entries: Array<[string, string]> = [...url.searchParams];
    const boundary = multipartBoundary(req.headers['content-type']);
    if (boundary !== undefined) {
      entries = entries.concat(formFields(body, boundary));
      body = EMPTY;
    }
    const params = splitHttpParams(entries, { externalData: boundary !== undefined });
    const queryId = params.queryId || header(req, 'x-clickhouse-query-id') || randomUUID();
    res.setHeader('X-ClickHouse-Query-Id', queryId);

    const plan = planStatement(params.query, body);
    const defaultFormat = header(req, 'x-clickhouse-format') || params.defaultFormat || 'TabSeparated';
    const result = await this.execute(
      { preamble: this.preamble(req, params, readOnly), sql: plan.sql, insert: plan.insert, format: defaultFormat },
      plan,
    );
    // For an INSERT the FORMAT clause names the input; the (empty) output keeps the default.
    const format = (!plan.insert && plan.shape.format) || defaultFormat;
    await this.sendResult(req, res, method, params, result, format);
  }

  private preamble(req: IncomingMessage, params: HttpQueryParams, readOnly: boolean): string[] {
    const statements: string[] = [];
    // What the server does for GET: readonly=2 first, so a URL setting cannot lift it.
    if (readOnly) statements.push('SET readonly = 2');
    statements.push(...settingStatements(params.settings, params.params));
    const database = header(req, 'x-clickhouse-database') || params.database;
    if (database && database !== 'default') statements.push(`USE ${quoteIdentifier(database)}`);
    return statements;
  }

  private async execute(request: EngineRequest, plan: StatementPlan): Promise<EngineResult> {
    try {
      return await this.engine.execute(request);
    } catch (err) {
      const error = toClickHouseException(err);
      // clickhouse-local refuses an INSERT without data (a client-side check of clickhouse-client);
      // a server takes an empty body as zero rows.
      if (error.code === ErrorCode.NO_DATA_TO_INSERT && plan.insert && plan.insert.data.toString('latin1').trim() === '') {
        return { body: EMPTY, resultRows: 0, resultBytes: 0, readRows: 0, readBytes: 0, writtenRows: 0, writtenBytes: 0, elapsedNs: 0 };
      }
      throw error;
    }
  }

  private async sendResult(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    params: HttpQueryParams,
    result: EngineResult,
    format: string,
  ): Promise<void> {
    let body = result.body;
    const encoding = isTruthySetting(params.settings.get('enable_http_compression'))
      ? chooseResponseEncoding(header(req, 'accept-encoding'))
      : undefined;
    if (encoding) body = await compress(body, encoding, Number(params.settings.get('http_zlib_compression_level') ?? 3));
    if (res.destroyed) return; // the client went away while the engine worked
    res.statusCode = 200;
    res.setHeader('Content-Type', contentTypeFor(format));
    res.setHeader('X-ClickHouse-Format', format);
    res.setHeader('X-ClickHouse-Timezone', params.settings.get('session_timezone') || this.engine.timezone);
    res.setHeader(
      'X-ClickHouse-Summary',
      JSON.stringify({
        read_rows: String(result.readRows),
        read_bytes: String(result.readBytes),
        written_rows: String(result.writtenRows),
        written_bytes: String(result.writtenBytes),
        total_rows_to_read: String(result.readRows),
        result_rows: String(result.resultRows),
        result_bytes: String(result.resultBytes),
        elapsed_ns: String(result.elapsedNs),
      }),
    );
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.end(method === 'HEAD' ? undefined : body);
  }

  private sendError(res: ServerResponse, err: unknown): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    if (err instanceof PlainReply) return sendText(res, 'GET', err.status, err.text);
    const error = toClickHouseException(err);
    const text = formatErrorBody(error, this.engine.version);
    if (error.httpStatus >= 500) {
      this.logError(`clickhouse-http: query ${String(res.getHeader('X-ClickHouse-Query-Id') ?? '-')} failed: ${text.trimEnd()}`);
    }
    res.statusCode = error.httpStatus;
    res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
    res.setHeader('X-ClickHouse-Exception-Code', String(error.code));
    if (error.code === ErrorCode.REQUIRED_PASSWORD) res.setHeader('WWW-Authenticate', 'Basic realm="ClickHouse server HTTP API"');
    // The rest of an oversized body is not read: the connection cannot be reused.
    if (error.code === ErrorCode.QUERY_IS_TOO_LARGE) res.setHeader('Connection', 'close');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
  }

  /**
   * One user: Basic auth, X-ClickHouse-User/Key headers or user/password URL parameters, as a
   * server accepts them (mixing them is refused like it does). A Bearer token is accepted when no
   * password is configured, or when it equals the password.
   */
  private authenticate(req: IncomingMessage, search: URLSearchParams): void {
    const authorization = header(req, 'authorization');
    const headerUser = header(req, 'x-clickhouse-user');
    const headerKey = header(req, 'x-clickhouse-key');
    const hasHeaders = headerUser !== undefined || headerKey !== undefined;
    const hasParams = search.has('user') || search.has('password');
    if (hasHeaders && (authorization !== undefined || hasParams)) {
      throw authFailed('Invalid authentication: it is not allowed to use X-ClickHouse HTTP headers and other authentication methods simultaneously');
    }
    if (authorization !== undefined && hasParams) {
      throw authFailed('Invalid authentication: it is not allowed to use Authorization HTTP header and authentication via parameters simultaneously');
    }
    let user = 'default';
    let password = '';
    if (authorization !== undefined) {
      const bearer = /^Bearer\s+(.*)$/i.exec(authorization);
      if (bearer) {
        if (this.password === '' || bearer[1] === this.password) return;
        throw authFailed(`${this.user}: Authentication failed: the token is not valid`);
      }
      const basic = /^Basic\s+(.*)$/i.exec(authorization);
      if (!basic) throw authFailed('Invalid authentication: unsupported Authorization scheme');
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      user = colon < 0 ? decoded : decoded.slice(0, colon);
      password = colon < 0 ? '' : decoded.slice(colon + 1);
    } else if (hasHeaders) {
      user = headerUser ?? 'default';
      password = headerKey ?? '';
    } else if (hasParams) {
      user = search.get('user') ?? 'default';
      password = search.get('password') ?? '';
    } else if (this.password !== '') {
      throw ClickHouseException.of('REQUIRED_PASSWORD', `${this.user}: Password is required`);
    }
    if (user !== this.user || password !== this.password) {
      throw authFailed(`${user}: Authentication failed: password is incorrect, or there is no user with such name`);
    }
  }
}

interface StatementPlan {
  sql: string;
  insert?: { data: Buffer };
  shape: StatementShape;
}

/**
 * SQL = URL `query` + '\n' + body, as the server reads it. An INSERT keeps the body as bytes
 * (its data: JSONEachRow, CSV, RowBinary, Parquet...) and goes to the engine's raw-insert path.
 */
export function planStatement(urlQuery: string, body: Buffer): StatementPlan {
  if (urlQuery === '' && body.length === 0) throw ClickHouseException.of('SYNTAX_ERROR', 'Empty query');
  let text = urlQuery !== '' ? urlQuery : body.subarray(0, STATEMENT_HEAD_BYTES).toString('utf8');
  let shape = scanStatement(text);
  if (shape.keyword === 'INSERT') {
    const whole = urlQuery !== '' ? body.length === 0 : body.length <= STATEMENT_HEAD_BYTES;
    // Without a FORMAT clause the data is SQL too (VALUES): it has to be looked at whole.
    if (!whole && shape.dataOffset === undefined && shape.secondStatementAt === undefined) {
      text = urlQuery !== '' ? `${urlQuery}\n${body.toString('utf8')}` : body.toString('utf8');
      shape = scanStatement(text);
    }
    assertSingleStatement(shape, text);
    return { sql: urlQuery, insert: { data: body }, shape };
  }
  const sql = body.length === 0 ? urlQuery : urlQuery === '' ? body.toString('utf8') : `${urlQuery}\n${body.toString('utf8')}`;
  if (sql.trim() === '') throw ClickHouseException.of('SYNTAX_ERROR', 'Empty query');
  if (sql !== text) shape = scanStatement(sql);
  assertSingleStatement(shape, sql);
  return { sql, shape };
}

function assertSingleStatement(shape: StatementShape, sql: string): void {
  if (shape.secondStatementAt === undefined) return;
  const at = shape.secondStatementAt;
  throw ClickHouseException.of(
    'SYNTAX_ERROR',
    `Syntax error (Multi-statements are not allowed): failed at position ${at + 1}: ${sql.slice(at, at + 64)}`,
  );
}

/** Non-ClickHouse replies (unknown path, method): plain text without an exception code. */
class PlainReply extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}

function noHandle(path: string): PlainReply {
  return new PlainReply(404, `There is no handle ${path}\n\nUse / or /ping for health checks.\nSend queries with POST or GET /?query=...\n`);
}

function authFailed(message: string): ClickHouseException {
  return ClickHouseException.of('AUTHENTICATION_FAILED', message);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendText(res: ServerResponse, method: string, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=UTF-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(method === 'HEAD' ? undefined : text);
}

/** `query` and `param_*` fields of a multipart body; other parts would be external tables. */
function formFields(body: Buffer, boundary: string): Array<[string, string]> {
  let parts;
  try {
    parts = parseMultipart(body, boundary);
  } catch (err) {
    throw ClickHouseException.of('BAD_ARGUMENTS', `Cannot parse multipart/form-data body: ${(err as Error).message}`);
  }
  return parts.map((part): [string, string] => {
    if (part.filename !== undefined || (part.name !== 'query' && !part.name.startsWith('param_'))) {
      throw ClickHouseException.of('NOT_IMPLEMENTED', `External tables are not supported by this server (multipart part '${part.name}')`);
    }
    return [part.name, part.data.toString('utf8')];
  });
}

/**
 * The request body, decompressed per Content-Encoding and capped at `limit` bytes (after
 * decompression, so a gzip bomb is stopped too). Event-based rather than async iteration: leaving
 * an iterator early destroys the socket, and the error reply still has to reach the client. For
 * the same reason a refused body is read to its end and dropped (up to 2 x limit): a client that
 * is still sending when the connection closes sees EPIPE instead of the 413.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = (): ClickHouseException =>
    ClickHouseException.of('QUERY_IS_TOO_LARGE', `Request body is larger than the limit of ${limit} bytes (CH_MAX_BODY_BYTES)`);
  const encoding = (header(req, 'content-encoding') ?? '').trim().toLowerCase();
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let received = 0;
    let failure: unknown;
    let decoder: Transform | undefined;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      if (failure === undefined) resolveBody(Buffer.concat(chunks, size));
      else reject(failure);
    };
    const fail = (err: unknown): void => {
      if (failure !== undefined) return;
      failure = err;
      chunks.length = 0;
      if (decoder) {
        req.unpipe(decoder);
        decoder.destroy();
        decoder = undefined;
      }
      req.resume();
      if (req.complete) settle();
    };
    const keep = (chunk: Buffer): void => {
      if (failure !== undefined) return;
      size += chunk.length;
      if (size > limit) fail(tooLarge());
      else chunks.push(chunk);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (failure !== undefined && received > 2 * limit) settle(); // stop draining; the reply closes the connection
    });
    req.once('end', () => {
      if (failure !== undefined || !decoder) settle(); // else the decoder's 'end' follows
    });
    req.once('error', (err) => {
      failure ??= err;
      settle();
    });
    req.once('aborted', () => {
      failure ??= new Error('client closed the connection while sending the body');
      settle();
    });

    if ((encoding === '' || encoding === 'identity') && Number(header(req, 'content-length')) > limit) fail(tooLarge());
    try {
      decoder = failure === undefined ? createDecoder(encoding) : undefined;
    } catch (err) {
      fail(err);
    }
    if (decoder) {
      decoder.on('data', keep);
      decoder.once('end', settle);
      decoder.once('error', (err: Error) => fail(decompressionError(encoding, err)));
      req.pipe(decoder);
    } else {
      req.on('data', keep);
    }
  });
}

function createDecoder(encoding: string): Transform | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      throw ClickHouseException.of(
        'NOT_IMPLEMENTED',
        `Request body compression 'zstd' is not supported by this server: Node.js ${process.version} has no zstd in zlib (added in 22.15). Use gzip, deflate or br`,
      );
    default:
      throw ClickHouseException.of(
        'NOT_IMPLEMENTED',
        `Unknown compression method '${encoding}'. Only 'gzip', 'deflate' and 'br' are supported for request bodies by this server`,
      );
  }
}

function decompressionError(encoding: string, err: Error): ClickHouseException {
  const name = encoding === 'br' ? 'BROTLI_READ_FAILED' : 'ZLIB_INFLATE_FAILED';
  return ClickHouseException.of(name, `Cannot decompress the ${encoding} request body: ${err.message}`);
}

type ResponseEncoding = 'br' | 'gzip' | 'deflate';

/**
 * Like the server's choice from Accept-Encoding (a substring match, best codec first), limited to
 * what Node's zlib has; a client asking only for zstd/lz4/xz gets an uncompressed body.
 */
export function chooseResponseEncoding(acceptEncoding: string | undefined): ResponseEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = acceptEncoding.toLowerCase();
  return (['br', 'gzip', 'deflate'] as const).find((codec) => accepted.includes(codec));
}

const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);
const brotli = promisify(zlib.brotliCompress);

function compress(body: Buffer, encoding: ResponseEncoding, level: number): Promise<Buffer> {
  const lvl = Number.isInteger(level) ? Math.min(9, Math.max(1, level)) : 3;
  if (encoding === 'gzip') return gzip(body, { level: lvl });
  if (encoding === 'deflate') return deflate(body, { level: lvl });
  return brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: lvl } });
}

const BINARY_FORMATS = new Set([
  'native',
  'rowbinary',
  'rowbinarywithnames',
  'rowbinarywithnamesandtypes',
  'rowbinarywithdefaults',
  'parquet',
  'arrow',
  'arrowstream',
  'orc',
  'avro',
  'protobuf',
  'protobufsingle',
  'protobuflist',
  'capnproto',
  'msgpack',
  'bsoneachrow',
  'npy',
]);

/** Content-Type of a response in `format` (names are case-insensitive, as in ClickHouse). */
export function contentTypeFor(format: string): string {
  const f = format.toLowerCase();
  if (f.startsWith('json') || f === 'ndjson' || f === 'prettyjsoneachrow') return 'application/json; charset=UTF-8';
  if (f.startsWith('tabseparated') || f.startsWith('tsv')) return 'text/tab-separated-values; charset=UTF-8';
  if (f === 'csv') return 'text/csv; charset=UTF-8; header=absent';
  if (f.startsWith('csvwithnames')) return 'text/csv; charset=UTF-8; header=present';
  if (f === 'xml') return 'application/xml; charset=UTF-8';
  if (BINARY_FORMATS.has(f)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}
