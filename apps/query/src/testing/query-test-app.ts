import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadQueryConfig, parsePulseConfig, ProjectRegistry } from '@pulse/config';
import { createHttpApp, createLogger, listen, MetricsRegistry } from '@pulse/platform';
import { testInfra } from '@pulse/testing';
import { setUpApiDocs } from '../api-docs';
import { hardenHttp } from '../http-hardening';
import { QueryModule } from '../query.module';

/** The query API token of each test project; each token reads its own project only. */
export const TOKEN_OF_PROJECT = {
  1: 'query-test-token-of-project-1',
  2: 'query-test-token-of-project-2',
  3: 'query-test-token-of-project-3',
} as const;

/** A token of project 1 with the `read` scope only (no issue changes), named in issue activity. */
export const READ_ONLY_TOKEN = { token: 'query-test-read-only-token-of-project-1', name: 'read-only-test-token' } as const;

/** The PULSE_CONFIG of every test app. */
const PULSE_CONFIG = {
  projects: [
    { id: 1, name: 'shop', keys: ['a'.repeat(32)] },
    { id: 2, name: 'blog', keys: ['b'.repeat(32)] },
    { id: 3, name: 'wiki', keys: ['c'.repeat(32)] },
  ],
  tokens: [
    { token: TOKEN_OF_PROJECT[1], projects: [1] },
    { token: TOKEN_OF_PROJECT[2], projects: [2] },
    { token: TOKEN_OF_PROJECT[3], projects: [3] },
    { token: READ_ONLY_TOKEN.token, projects: [1], scopes: ['read'], name: READ_ONLY_TOKEN.name },
  ],
};

export interface QueryAppOptions {
  /** CLICKHOUSE_DATABASE: the test's own database. */
  database: string;
  /**
   * More environment, read by loadQueryConfig like the process environment and winning over the
   * test infrastructure's: QUERY_MAX_RANGE_DAYS, SQL_MAX_RESULT_ROWS, CLICKHOUSE_URL, LOG_LEVEL…
   */
  env?: Readonly<Record<string, string | number>>;
  /** Runs before the app listens, which is when Nest registers its routes on Fastify. */
  beforeListen?: (app: NestFastifyApplication) => void;
}

export interface QueryTestApp {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  tokens: typeof TOKEN_OF_PROJECT;
  close(): Promise<void>;
}

/**
 * The query app as apps/query/src/main.ts builds it (QueryModule.forRoot with its guard, pipe,
 * interceptor, filter, hardening hooks, docs and its own ClickHouse client), configured from an
 * environment of the test's instead of process.env, listening on a free port of 127.0.0.1. The
 * registry is built from an object rather than a PULSE_CONFIG file: loadPulseConfigFile only adds
 * reading the file.
 */
export async function startQueryApp({ database, env: overrides = {}, beforeListen }: QueryAppOptions): Promise<QueryTestApp> {
  const { clickhouse } = testInfra();
  const config = loadQueryConfig({
    CLICKHOUSE_URL: clickhouse.url,
    CLICKHOUSE_USER: clickhouse.user,
    CLICKHOUSE_PASSWORD: clickhouse.password,
    CLICKHOUSE_DATABASE: database,
    PULSE_HOST: '127.0.0.1',
    QUERY_PORT: '0',
    LOG_LEVEL: 'silent',
    ...Object.fromEntries(Object.entries(overrides).map(([name, value]) => [name, String(value)])),
  });
  const logger = createLogger('query', config.logLevel);
  const registry = new ProjectRegistry(parsePulseConfig(PULSE_CONFIG));
  const metrics = new MetricsRegistry('query');
  const app = await createHttpApp(QueryModule.forRoot({ config, registry, metrics }), { logger, metrics });
  try {
    beforeListen?.(app);
    hardenHttp(app);
    setUpApiDocs(app);
    await listen(app, config.queryPort, config.host, logger, 'query');
    return { app, url: await app.getUrl(), tokens: TOKEN_OF_PROJECT, close: () => app.close() };
  } catch (error) {
    // The module's ClickHouse client would keep the test process alive.
    await app.close();
    throw error;
  }
}
