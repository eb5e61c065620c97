import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadPulseConfigFile, ProjectRegistry, SharedConfig } from '@pulse/config';
import type { Logger } from 'pino';
import { createHttpApp, HttpAppOptions, listen } from './http-app';
import { createLogger } from './logger';
import { MetricsRegistry } from './metrics.registry';

/**
 * The start of every Pulse app, in one place: its configuration from the environment, its logger,
 * the PULSE_CONFIG registry, its metrics registry, the HTTP app (createHttpApp: /metrics behind
 * the token, timeouts, shutdown hooks that flush on SIGTERM) and listening. A ConfigError (a bad
 * variable or PULSE_CONFIG file) ends the process with `<app>: <message>` and exit code 1; any
 * other error at start-up is printed as it is, with the same exit code.
 *
 * What differs between the apps stays in each app, given here as hooks: its root module (which
 * serves /health and /ready), what it does with the app before it listens (the consumer's Kafka
 * microservice, query's hardening and docs), ingest's cluster primary.
 */
export interface AppDefinition<C extends SharedConfig> {
  /** `app` of every log line, the metrics' prefix, and the prefix of a start-up error. */
  name: string;
  loadConfig: (env: NodeJS.ProcessEnv) => C;
  port: (config: C) => number;
  /** More fields of every log line of this process (an ingest worker's slot). */
  logFields?: Record<string, unknown>;
  /**
   * True when this process serves nothing itself and has started supervising the app's worker
   * processes instead (ingest with INGEST_WORKERS > 1). Asked once PULSE_CONFIG is read, so a bad
   * file stops the start once rather than as a crash loop of workers.
   */
  supervise?: (config: C, logger: Logger) => boolean;
  createModule: (context: AppContext<C>) => AppModule | Promise<AppModule>;
}

export interface AppContext<C extends SharedConfig> {
  config: C;
  logger: Logger;
  registry: ProjectRegistry;
  metrics: MetricsRegistry;
}

export interface AppModule {
  module: DynamicModule;
  /** The app's own HTTP server options (ingest: its body limit and raw body parser). */
  http?: Pick<HttpAppOptions, 'bodyLimit' | 'configureFastify'>;
  /** Runs on the app before it listens, which is when Nest registers its routes on Fastify. */
  beforeListen?: (app: NestFastifyApplication) => void | Promise<void>;
}

/** Starts the app; settles once it listens (or supervises), or once a failed start has been reported. */
export function runApp<C extends SharedConfig>(definition: AppDefinition<C>): Promise<void> {
  return startApp(definition).catch((error: unknown) => {
    console.error(error instanceof ConfigError ? `${definition.name}: ${error.message}` : error);
    process.exit(1);
  });
}

async function startApp<C extends SharedConfig>(definition: AppDefinition<C>): Promise<void> {
  const { name } = definition;
  const config = definition.loadConfig(process.env);
  const processLogger = createLogger(name, config.logLevel);
  const registry = loadPulseConfigFile(config.pulseConfigPath);
  if (definition.supervise?.(config, processLogger)) return;
  const logger = definition.logFields ? processLogger.child(definition.logFields) : processLogger;
  const metrics = new MetricsRegistry(name);
  const { module, http, beforeListen } = await definition.createModule({ config, logger, registry, metrics });
  const app = await createHttpApp(module, { logger, metrics, timeouts: config.httpTimeouts, metricsToken: registry.metricsToken, ...http });
  await beforeListen?.(app);
  await listen(app, definition.port(config), config.host, logger, name);
}
