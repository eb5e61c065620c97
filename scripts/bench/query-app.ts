import { AppProcess } from '@pulse/local-infra';
import type { ClickHouseConnection } from '@pulse/storage';
import { freePorts } from '@pulse/testing';

/** Starts the built query app on a free port against `clickhouse`; resolves once /ready answers 200. */
export async function startQueryApp(root: string, clickhouse: ClickHouseConnection, configPath: string, onLine?: (line: string) => void): Promise<AppProcess> {
  const [port] = await freePorts(1);
  const app = new AppProcess({
    app: 'query',
    root,
    port,
    env: {
      ...process.env,
      CLICKHOUSE_URL: clickhouse.url,
      CLICKHOUSE_USER: clickhouse.user,
      CLICKHOUSE_PASSWORD: clickhouse.password,
      CLICKHOUSE_DATABASE: clickhouse.database,
      PULSE_CONFIG: configPath,
      QUERY_PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    onLine: (_app, line) => onLine?.(line),
  });
  await app.start();
  return app;
}
