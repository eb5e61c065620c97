import { AppProcess, PulseStack } from '@pulse/local-infra';
import type { ClickHouseConnection } from '@pulse/storage';

/**
 * Starts the built query app on a free port against `clickhouse` and the PostgreSQL database of
 * `databaseUrl`; resolves once /ready answers 200. Stopping the app stops the stack.
 */
export async function startQueryApp(root: string, clickhouse: ClickHouseConnection, databaseUrl: string, configPath: string, onLine?: (line: string) => void): Promise<AppProcess> {
  // Both databases are migrated already (the PostgreSQL one by BenchPostgres); `clickhouse` may be a
  // recording proxy that should see the app's reads only.
  const stack = new PulseStack({ root, apps: ['query'], clickhouse, databaseUrl, migrate: false, pulseConfig: { path: configPath }, logLevel: 'warn', onLine: (_app, line) => onLine?.(line) });
  await stack.start();
  return stack.app('query');
}
