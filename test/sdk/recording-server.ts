// A tiny stand-in for Sentry's ingestion, for recording what the official SDKs send.
// It listens on 127.0.0.1 (a free port), answers every envelope/store POST like Sentry does
// (200 `{"id": "<event id>"}`), answers CORS preflights for the browser SDK, serves static
// files registered with `serve()`, and keeps each SDK request: method, path, query, headers and
// the body both as sent and decoded (gzip / deflate / br).
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  /** Path plus query, as received. */
  url: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The Content-Encoding the body was sent with, if any. */
  contentEncoding?: string;
  /** The body bytes as they came over the wire. */
  rawBody: Buffer;
  /** The body after undoing Content-Encoding (same as rawBody when there was none). */
  body: Buffer;
  /** Milliseconds since the epoch when the request ended. */
  receivedAt: number;
}

export interface StaticFile {
  contentType: string;
  body: string | Buffer;
}

export interface RecordingServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** SDK requests (POSTs and preflights; never the static files), in arrival order. */
  readonly requests: RecordedRequest[];
  /** Serves `file` at `path` (GET) from now on. */
  serve(path: string, file: StaticFile): void;
  /** A DSN for this server: `http://<key>@127.0.0.1:<port>/<projectId>`. */
  dsn(publicKey: string, projectId: string | number): string;
  /**
   * Answers the next `count` envelope POSTs with 429, `Retry-After` and `X-Sentry-Rate-Limits:
   * <rateLimits>` (e.g. `60:error:key`) instead of 200, so an SDK drops and reports what follows.
   */
  rateLimitNext(count: number, rateLimits: string): void;
  /** Drops and returns the requests recorded so far. */
  take(): RecordedRequest[];
  /** Resolves once `predicate` holds for the recorded requests, or rejects after `timeoutMs`. */
  waitFor(predicate: (requests: RecordedRequest[]) => boolean, timeoutMs: number): Promise<void>;
  /** Resolves once no request came for `quietMs` (bounded by `timeoutMs`). */
  waitForQuiet(quietMs: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers': 'content-type, content-encoding, x-sentry-auth, authorization, sentry-trace, baggage',
  'access-control-expose-headers': 'x-sentry-rate-limits, retry-after, x-sentry-error',
  'access-control-max-age': '600',
};

/** Undoes a Content-Encoding; returns the bytes unchanged for identity or unknown encodings. */
export function decodeBody(raw: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    default:
      return raw;
  }
}

/** The event id of an envelope (header line) or of a store-endpoint JSON event, if any. */
function eventIdOf(body: Buffer): string | undefined {
  const text = body.toString('utf8');
  const firstLine = text.split('\n', 1)[0];
  try {
    const parsed = JSON.parse(firstLine) as { event_id?: unknown };
    return typeof parsed.event_id === 'string' ? parsed.event_id : undefined;
  } catch {
    return undefined;
  }
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export async function startRecordingServer(options: { log?: (line: string) => void } = {}): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const files = new Map<string, StaticFile>();
  const listeners = new Set<() => void>();
  const rateLimit = { remaining: 0, header: '' };
  const notify = (): void => listeners.forEach((listener) => listener());

  const handle = (request: IncomingMessage, response: ServerResponse, raw: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    if (method === 'GET' && files.has(url.pathname)) {
      const file = files.get(url.pathname) as StaticFile;
      response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-store' });
      response.end(file.body);
      return;
    }
    if (method === 'GET' && url.pathname === '/favicon.ico') {
      response.writeHead(404).end();
      return;
    }
    const headers = flatHeaders(request);
    const contentEncoding = headers['content-encoding'];
    let body = raw;
    let decodeError: string | undefined;
    try {
      body = decodeBody(raw, contentEncoding);
    } catch (error) {
      decodeError = error instanceof Error ? error.message : String(error);
    }
    requests.push({
      method,
      url: request.url ?? '/',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers,
      ...(contentEncoding !== undefined && { contentEncoding }),
      rawBody: raw,
      body,
      receivedAt: Date.now(),
    });
    options.log?.(`${method} ${request.url} ${raw.length} B${contentEncoding ? ` (${contentEncoding})` : ''}`);
    notify();
    if (method === 'OPTIONS') {
      response.writeHead(204, CORS_HEADERS).end();
      return;
    }
    if (decodeError !== undefined) {
      response.writeHead(400, { ...CORS_HEADERS, 'content-type': 'application/json' });
      response.end(JSON.stringify({ detail: `failed to decode body: ${decodeError}` }));
      return;
    }
    if (rateLimit.remaining > 0) {
      rateLimit.remaining -= 1;
      const retryAfter = rateLimit.header.split(':', 1)[0];
      response.writeHead(429, { ...CORS_HEADERS, 'content-type': 'application/json', 'retry-after': retryAfter, 'x-sentry-rate-limits': rateLimit.header });
      response.end(JSON.stringify({ detail: 'rate limited by the recording server' }));
      return;
    }
    const id = eventIdOf(body);
    response.writeHead(200, { ...CORS_HEADERS, 'content-type': 'application/json' });
    response.end(JSON.stringify(id ? { id } : {}));
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks)));
    request.on('error', () => response.destroy());
  });
  // Short keep-alive so close() is quick and SDK sockets do not linger.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const waitUntil = (check: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        clearInterval(ticker);
        listeners.delete(listener);
        if (error) reject(error);
        else resolve();
      };
      const listener = (): void => {
        if (check()) finish();
      };
      const timer = setTimeout(() => finish(check() ? undefined : new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      const ticker = setInterval(listener, 50);
      listeners.add(listener);
      listener();
    });

  return {
    origin,
    port,
    requests,
    serve: (path, file) => void files.set(path, file),
    dsn: (publicKey, projectId) => `http://${publicKey}@127.0.0.1:${port}/${projectId}`,
    rateLimitNext: (count, header) => {
      rateLimit.remaining = count;
      rateLimit.header = header;
    },
    take: () => requests.splice(0, requests.length),
    waitFor: (predicate, timeoutMs) => waitUntil(() => predicate(requests), timeoutMs, 'the expected SDK requests'),
    waitForQuiet: async (quietMs, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      const lastAt = (): number => (requests.length ? requests[requests.length - 1].receivedAt : 0);
      const start = Date.now();
      while (Date.now() < deadline) {
        const since = Date.now() - Math.max(lastAt(), start);
        if (since >= quietMs) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs - since, deadline - Date.now())));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
