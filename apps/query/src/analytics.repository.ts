import { ClickHouseClient, ClickHouseError } from '@clickhouse/client';
import type { CompiledQuery } from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import { ReadClassLimits, readClassSettings } from '@pulse/sql-query';
import type { ReadRefusals } from './read-refusals';

/** Runs compiled analytics queries with bound parameters and server-side limits. */
export abstract class AnalyticsRepository {
  abstract query<T>(query: CompiledQuery): Promise<T[]>;
}

/**
 * Most rows of one analytics answer. The endpoints page and bound their series far below this; a
 * trace with more spans, or a bug, stops here instead of filling the query app's memory.
 */
export const ANALYTICS_MAX_RESULT_ROWS = 100_000;

export class ClickHouseAnalyticsRepository extends AnalyticsRepository {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly limits: ReadClassLimits,
    private readonly refusals: ReadRefusals,
    private readonly maxResultRows = ANALYTICS_MAX_RESULT_ROWS,
  ) {
    super();
  }

  async query<T>(query: CompiledQuery): Promise<T[]> {
    let rows: T[];
    try {
      const result = await this.client.query({
        query: query.sql,
        query_params: query.params,
        format: 'JSONEachRow',
        clickhouse_settings: {
          ...readClassSettings(this.limits),
          // max_result_rows is checked between blocks and lets a one-block answer of any length
          // through; the `limit` setting (outermost query only) returns at most one row over.
          limit: String(this.maxResultRows + 1),
          max_result_rows: String(this.maxResultRows),
          result_overflow_mode: 'throw',
        },
      });
      rows = await result.json<T>();
    } catch (error) {
      throw this.describe(error);
    }
    if (rows.length > this.maxResultRows) throw this.tooManyRows();
    return rows;
  }

  /** What the caller can act on: a slow query or an unreachable ClickHouse is a 503 saying so; the rest stays a 500. */
  private describe(error: unknown): unknown {
    if (error instanceof ClickHouseError && error.type === 'TIMEOUT_EXCEEDED') {
      return new ApiError(503, `the query ran longer than ${this.limits.maxExecutionSeconds} s; narrow the time range or add filters`);
    }
    if (error instanceof ClickHouseError && error.type === 'TOO_MANY_ROWS_OR_BYTES') return this.tooManyRows();
    if (error instanceof ClickHouseError && error.type === 'TOO_MANY_SIMULTANEOUS_QUERIES') {
      return new ApiError(503, 'ClickHouse is running too many reads; retry later', [], { 'Retry-After': '5' });
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return new ApiError(503, 'ClickHouse is unavailable', [], { 'Retry-After': '5' });
    return error;
  }

  private tooManyRows(): ApiError {
    this.refusals.count('result_rows');
    return new ApiError(400, `the answer has more than ${this.maxResultRows} rows; narrow the time range or add filters`);
  }
}
