import 'reflect-metadata';
import { ConfigError, loadEnvConfig, loadPulseConfigFile } from '@pulse/config';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import { setUpApiDocs } from './api-docs';
import { hardenHttp } from './http-hardening';
import { QueryModule } from './query.module';

async function main(): Promise<void> {
  const env = loadEnvConfig(process.env);
  const logger = createLogger('query', env.logLevel);
  const registry = loadPulseConfigFile(env.pulseConfigPath);
  const metrics = new MetricsRegistry('query');
  const app = await createHttpApp(QueryModule.forRoot({ env, registry, metrics }), { logger, metrics, timeouts: env.httpTimeouts, metricsToken: registry.metricsToken });
  hardenHttp(app);
  setUpApiDocs(app);
  await listen(app, env.queryPort, env.host, logger, 'query');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `query: ${error.message}` : error);
  process.exit(1);
});
