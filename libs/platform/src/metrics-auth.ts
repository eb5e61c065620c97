import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const METRICS_ROUTE = '/metrics';

/**
 * GET /metrics answers only `Authorization: Bearer <metricsToken>`. The metrics name routes,
 * projects' traffic and the process's memory, and the ingest port is public (DSN keys are in every
 * browser): without a configured token nobody may read them. /health and /ready stay open for
 * probes. The check runs before routing work and body parsing; tokens are compared as SHA-256
 * digests in constant time, so the comparison says nothing about the token's length or prefix.
 */
export function guardMetricsRoute(fastify: FastifyInstance, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(token);
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== METRICS_ROUTE) return;
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (expected !== undefined && presented !== undefined && timingSafeEqual(digest(presented), expected)) return;
    const detail = expected === undefined
      ? 'metrics are not served: PULSE_CONFIG sets no metricsToken'
      : presented === undefined ? 'missing "Authorization: Bearer <metrics token>"' : 'unknown metrics token';
    return reply.code(401).header('WWW-Authenticate', 'Bearer realm="metrics"').send({ detail });
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
