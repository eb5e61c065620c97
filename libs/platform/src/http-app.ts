import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ErrorBodyFilter } from './error-body.filter';
import { fastifyServerOptions } from './fastify-options';
import { PinoNestLogger } from './logger';
import { MetricsRegistry } from './metrics.registry';

export interface HttpAppOptions {
  logger: Logger;
  metrics: MetricsRegistry;
  bodyLimit?: number;
  /**
   * Runs on the Fastify instance before routes are registered. When given, Nest's own body
   * parsers stay off, so the content parsers registered here are the only ones.
   */
  configureFastify?: (fastify: FastifyInstance) => void;
}

/**
 * A NestJS app on Fastify with the Pulse conventions: pino logs, one error body, shutdown hooks
 * (SIGTERM/SIGINT run each module's onModuleDestroy / beforeApplicationShutdown, which flush).
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter(fastifyServerOptions(options.bodyLimit ?? 1024 * 1024));
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  options.configureFastify?.(fastify);
  countRequests(fastify, options.metrics);
  // Errors Fastify raises before a route runs (body too large, 415) reach ErrorBodyFilter too:
  // Nest maps them to HttpExceptions with the same status.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(options.logger),
    abortOnError: false,
    bodyParser: options.configureFastify === undefined,
  });
  app.useGlobalFilters(new ErrorBodyFilter(options.logger));
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: INestApplication, port: number, host: string, logger: Logger, what: string): Promise<void> {
  await app.listen(port, host);
  logger.info({ port, host }, `${what} listening on http://${host}:${port}`);
}

function countRequests(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  const requests = metrics.counter('pulse_http_requests_total', 'HTTP requests by route and status', ['route', 'status']);
  const seconds = metrics.histogram('pulse_http_request_seconds', 'HTTP request duration by route', [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], ['route']);
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: project ids and query strings would explode cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, status: String(reply.statusCode) });
    seconds.observe({ route }, reply.elapsedTime / 1000);
    done();
  });
}
