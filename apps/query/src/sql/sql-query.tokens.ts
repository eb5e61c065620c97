import type { EnvConfig } from '@pulse/config';

/** Injection token of the SQL API's options. */
export const SQL_QUERY_OPTIONS = Symbol('SQL_QUERY_OPTIONS');

export interface SqlQueryOptions {
  /** The database holding the logical tables; the query-tree check expects `<database>.<table>`. */
  database: string;
  maxResultRows: number;
  maxBytesToRead: number;
}

export function sqlQueryOptionsFrom(env: EnvConfig): SqlQueryOptions {
  return { database: env.clickhouse.database, maxResultRows: env.sqlMaxResultRows, maxBytesToRead: env.sqlMaxBytesToRead };
}
