import { ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';

export interface ClickHouseConnection {
  url: string;
  database: string;
  user: string;
  password: string;
}

/** One place that builds @clickhouse/client instances for the apps and the migrate command. */
export function createClickHouse(connection: ClickHouseConnection, options: { database?: string; requestTimeoutMs?: number } = {}): ClickHouseClient {
  return createClient({
    url: connection.url,
    database: options.database ?? connection.database,
    username: connection.user,
    password: connection.password,
    request_timeout: options.requestTimeoutMs ?? 60_000,
    compression: { request: false, response: false },
    max_open_connections: 16,
    // Every failure reaches its caller, which logs it once in the app's JSON log (the consumer
    // with the batch and attempt); the client's own multi-line console log would repeat it.
    log: { level: ClickHouseLogLevel.OFF },
  });
}
