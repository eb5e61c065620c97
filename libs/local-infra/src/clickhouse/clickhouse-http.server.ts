import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { EngineRequest, EngineResult } from './chdb-engine';
import { ClickHouseException, ErrorCode, formatErrorBody, toClickHouseException } from './clickhouse-error';
import { type HttpQueryParams, isTruthySetting, quoteIdentifier, settingStatements, splitHttpParams } from './http-params';
import { formFields, header, readBody } from './http-request';
import { chooseResponseEncoding, compress, contentTypeFor, sendText } from './http-response';
import { multipartBoundary } from './multipart';
import { laneOf } from './query-lane';
import { planStatement, type StatementPlan } from './statement-plan';

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
    const lane = laneOf({ insert: plan.insert !== undefined, readOnlyMethod: readOnly, readonlySetting: params.settings.get('readonly') });
    const result = await this.execute(
      { lane, preamble: this.preamble(req, params, readOnly), sql: plan.sql, insert: plan.insert, format: defaultFormat },
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

