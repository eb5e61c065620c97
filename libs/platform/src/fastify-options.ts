import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';

/**
 * How long a client may take. Without these a client that sends headers and part of a body and
 * then stalls holds its socket and its buffered body for ever (Fastify's and Node's own defaults
 * are 0 for the request and connection timeouts).
 */
export interface HttpTimeouts {
  /** Longest time to receive a whole request, headers and body (Node's `requestTimeout`): then 408 and close. */
  requestMs: number;
  /** Longest time to receive the request headers (Node's `headersTimeout`); capped at `requestMs`. */
  headersMs: number;
  /**
   * A socket with no bytes in either direction for this long is closed (Fastify's
   * `connectionTimeout`). It also runs while a handler works, so it must outlast the slowest answer.
   */
  idleMs: number;
  /** How long a keep-alive connection waits for its next request (Node's `keepAliveTimeout`). */
  keepAliveMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({ requestMs: 30_000, headersMs: 10_000, idleMs: 120_000, keepAliveMs: 65_000 });

/**
 * The Fastify server options of every Pulse HTTP app (and of the ingest benchmark's bare baseline,
 * which imports this file alone so that it stays free of Nest): proxies' X-Forwarded-* are
 * trusted, a closing server answers 503, `/path/` routes as `/path` (the SDKs send
 * `/api/<project>/envelope/`), and slow clients are cut off by the timeouts above.
 */
export function fastifyServerOptions(bodyLimit: number, timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS): FastifyHttpOptions<Server> {
  const headersMs = Math.min(timeouts.headersMs, timeouts.requestMs);
  return {
    bodyLimit,
    trustProxy: true,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    connectionTimeout: timeouts.idleMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: headersMs,
      requestTimeout: timeouts.requestMs,
      // Node enforces the two timeouts above only when it sweeps its connections (every 30 s by
      // default), so a 10 s limit could take 40 s: sweep at a quarter of the shorter one, at most
      // once a second and at least every 100 ms.
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(headersMs / 4))),
    },
  };
}
