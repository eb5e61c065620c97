import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ErrorBodyFilter } from './error-body.filter';
import { DEFAULT_HTTP_TIMEOUTS, fastifyServerOptions, HttpTimeouts } from './fastify-options';
import { registerBoundedJsonParser } from './json-body';
import { PinoNestLogger } from './logger';
import { guardMetricsRoute } from './metrics-auth';
import { MetricsRegistry } from './metrics.registry';

export interface HttpAppOptions {
  logger: Logger;
  metrics: MetricsRegistry;
  bodyLimit?: number;
  /** Request, header, idle and keep-alive timeouts; DEFAULT_HTTP_TIMEOUTS when absent. */
  timeouts?: HttpTimeouts;
  /**
   * The bearer token GET /metrics requires (PULSE_CONFIG `metricsToken`). Without one, /metrics
   * answers 401 to everyone: the ingest port faces the SDKs, that is the public internet.
   */
  metricsToken?: string;
  /**
   * Runs on the Fastify instance before routes are registered. When given, the app's content
   * parsers are its own: the bounded JSON parser is not installed.
   */
  configureFastify?: (fastify: FastifyInstance) => void;
}

/**
 * A NestJS app on Fastify with the Pulse conventions: pino logs, one error body, shutdown hooks
 * (SIGTERM/SIGINT run each module's onModuleDestroy / beforeApplicationShutdown, which flush),
 * timeouts for slow clients, JSON bodies checked for depth before anything walks them, and
 * /metrics behind a token.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const adapter = new FastifyAdapter(fastifyServerOptions(bodyLimit, options.timeouts ?? DEFAULT_HTTP_TIMEOUTS));
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  if (options.configureFastify) options.configureFastify(fastify);
  else registerBoundedJsonParser(fastify, bodyLimit);
  guardMetricsRoute(fastify, options.metricsToken);
  countRequests(fastify, options.metrics);
  // Errors Fastify raises before a route runs (body too large, too deep, 415) reach
  // ErrorBodyFilter too: Nest maps them to HttpExceptions with the same status. Nest's own body
  // parsers stay off: they would replace the bounded JSON parser when the app starts.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: new PinoNestLogger(options.logger),
    abortOnError: false,
    bodyParser: false,
  });
  app.useGlobalFilters(new ErrorBodyFilter(options.logger, bodyLimit));
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
