import 'reflect-metadata';
import { ConfigError, loadEnvConfig, loadPulseConfigFile } from '@pulse/config';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const env = loadEnvConfig(process.env);
  const logger = createLogger('ingest', env.logLevel);
  const registry = loadPulseConfigFile(env.pulseConfigPath);
  const metrics = new MetricsRegistry('ingest');
  const app = await createHttpApp(IngestModule.forRoot({ env, registry, logger, metrics }), {
    logger,
    metrics,
    bodyLimit: env.ingestMaxBodyBytes,
    timeouts: env.httpTimeouts,
    metricsToken: registry.metricsToken,
    configureFastify: (fastify) => {
      // Ingest reads raw bytes whatever the content type (SDKs send JSON as text/plain, envelopes
      // as application/x-sentry-envelope): the protocol library parses them, once.
      fastify.removeAllContentTypeParsers();
      fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    },
  });
  // Browser SDKs post from any origin; they must be able to read the rate-limit headers.
  app.enableCors({
    origin: '*',
    methods: ['POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'content-encoding', 'x-sentry-auth', 'authorization', 'sentry-trace', 'baggage'],
    exposedHeaders: ['x-sentry-rate-limits', 'retry-after', 'x-sentry-error'],
    maxAge: 3600,
  });
  await listen(app, env.ingestPort, env.host, logger, 'ingest');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `ingest: ${error.message}` : error);
  process.exit(1);
});
