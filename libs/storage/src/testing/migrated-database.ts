import { ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { testInfra, uniqueName } from '@pulse/testing';
import { createClickHouse } from '../clickhouse.factory';
import { migrateUp } from '../migrate';

export interface MigratedDatabase {
  database: string;
  client: ClickHouseClient;
}

/**
 * A database of the test's own with every project migration applied, and a client bound to it.
 * `quiet`: the client does not log the errors a test provokes on purpose.
 */
export async function migratedDatabase(prefix: string, options: { quiet?: boolean } = {}): Promise<MigratedDatabase> {
  const { clickhouse } = testInfra();
  const database = uniqueName(prefix);
  await migrateUp({ ...clickhouse, database });
  const client = options.quiet
    ? createClient({ url: clickhouse.url, username: clickhouse.user, password: clickhouse.password, database, log: { level: ClickHouseLogLevel.OFF } })
    : createClickHouse({ ...clickhouse, database });
  return { database, client };
}

/** Rows of a query as objects (64-bit integers come back as strings, as ClickHouse's JSON gives them). */
export async function selectRows<T = Record<string, unknown>>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}
