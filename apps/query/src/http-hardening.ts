import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { API_DOCS_PATH } from './api-docs';

/**
 * Content-Security-Policy of everything but the Swagger UI page: JSON and plain text, which no
 * browser should run, style or frame.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Content-Security-Policy of the Swagger UI page and its assets, all served by the app itself
 * (api-docs.ts): scripts from the app only (the page has no inline script), the page's own
 * `<style>` block and the style attributes Swagger UI sets (hence 'unsafe-inline' for styles
 * alone), its icons as data: URIs, and "Try it out" requests to the app.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * HTTP hardening of the query app, as Fastify hooks on every answer (errors and 404s included):
 *
 * - security headers: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, a
 *   Content-Security-Policy (API_CSP, or DOCS_CSP under /docs), and `Cache-Control: no-store` on
 *   anything that did not set its own caching: tenant data must not stay in shared caches or the
 *   browser's disk cache (the Swagger UI assets keep the caching @fastify/static gives them);
 * - a 404 for paths that try to climb out of a directory or hide something from the router
 *   (isSuspiciousPath), before any route runs: @fastify/static, which serves /docs/*, answered
 *   those with errors Nest turned into 500s.
 *
 * Call before setUpApiDocs and before the app listens: hooks apply to routes registered after them.
 */
export function hardenHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isSuspiciousPath(request.raw.url ?? '/')) return done();
    void reply.code(404).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ detail: 'not found' }));
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    setSecurityHeaders(reply, isDocsPath(request.raw.url ?? '/'));
    done(null, payload);
  });
}

function setSecurityHeaders(reply: FastifyReply, docs: boolean): void {
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('X-Frame-Options', 'DENY');
  reply.header('Content-Security-Policy', docs ? DOCS_CSP : API_CSP);
  if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
}

function isDocsPath(url: string): boolean {
  const path = url.split('?', 1)[0];
  return path === API_DOCS_PATH || path.startsWith(`${API_DOCS_PATH}/`);
}

/**
 * A path with a `.` or `..` segment, a backslash, an empty segment (`//`), a control character
 * (NUL…) or percent-encoding that does not decode — in its raw form or once decoded, so `%2e%2e`,
 * `..%2f..` and `..%5c..` are caught as well as `../..`. No route of the query app has such a path:
 * project ids are numbers, trace ids and fingerprints hex. A trailing slash is fine (routes ignore it).
 */
export function isSuspiciousPath(url: string): boolean {
  const raw = url.split('?', 1)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return true;
  }
  return [raw, decoded].some((path) => {
    // eslint-disable-next-line no-control-regex
    if (/[\\\u0000-\u001f\u007f]/.test(path)) return true;
    const segments = path.replace(/\/$/, '').split('/').slice(1);
    return segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  });
}
