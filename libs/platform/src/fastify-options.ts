import type { FastifyServerOptions } from 'fastify';

/**
 * The Fastify server options of every Pulse HTTP app (and of the ingest benchmark's bare baseline,
 * which imports this file alone so that it stays free of Nest): proxies' X-Forwarded-* are
 * trusted, a closing server answers 503, and `/path/` routes as `/path` (the SDKs send
 * `/api/<project>/envelope/`).
 */
export function fastifyServerOptions(bodyLimit: number): FastifyServerOptions {
  return { bodyLimit, trustProxy: true, return503OnClosing: true, routerOptions: { ignoreTrailingSlash: true } };
}
