import type { QueryConfig } from '@pulse/config';
import type { SqlLimits } from '@pulse/sql-query';
import { readClassLimitsFrom } from '../query.tokens';

/** Injection token of the SQL API's options. */
export const SQL_QUERY_OPTIONS = Symbol('SQL_QUERY_OPTIONS');

export interface SqlQueryOptions {
  /** The database holding the logical tables; the query-tree check expects `<database>.<table>`. */
  database: string;
  /** The read class's limits and the SQL API's caps. */
  limits: SqlLimits;
}

export function sqlQueryOptionsFrom(config: QueryConfig): SqlQueryOptions {
  return {
    database: config.clickhouse.database,
    limits: { ...readClassLimitsFrom(config), maxResultRows: config.sqlMaxResultRows, maxBytesToRead: config.sqlMaxBytesToRead, maxResultBytes: config.sqlMaxResultBytes },
  };
}
