import { AppProcess, PulseStack } from '@pulse/local-infra';
import type { ClickHouseConnection } from '@pulse/storage';

/** Starts the built query app on a free port against `clickhouse`; resolves once /ready answers 200. Stopping the app stops the stack. */
export async function startQueryApp(root: string, clickhouse: ClickHouseConnection, configPath: string, onLine?: (line: string) => void): Promise<AppProcess> {
  // The database is filled and migrated already; `clickhouse` may be a recording proxy that should see the app's reads only.
  const stack = new PulseStack({ root, apps: ['query'], clickhouse, migrate: false, pulseConfig: { path: configPath }, logLevel: 'warn', onLine: (_app, line) => onLine?.(line) });
  await stack.start();
  return stack.app('query');
}
