import { ClickHouseClient, ClickHouseError } from '@clickhouse/client';
import { ReadClassLimits, readClassSettings } from './read-class-settings';
import type { CompiledQuery } from './aggregate-query';
import { ReadFailure } from './read-failure';

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
  /** `onTooManyRows`: called for each answer refused for its row count (the query app counts them). */
  constructor(
    private readonly client: ClickHouseClient,
    private readonly limits: ReadClassLimits,
    private readonly onTooManyRows: () => void,
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

  /** What the caller can act on: a slow query, a busy or unreachable ClickHouse is a ReadFailure saying so; the rest stays as it is. */
  private describe(error: unknown): unknown {
    if (error instanceof ClickHouseError && error.type === 'TIMEOUT_EXCEEDED') {
      return new ReadFailure('too_slow', `the query ran longer than ${this.limits.maxExecutionSeconds} s; narrow the time range or add filters`);
    }
    if (error instanceof ClickHouseError && error.type === 'TOO_MANY_ROWS_OR_BYTES') return this.tooManyRows();
    if (error instanceof ClickHouseError && error.type === 'TOO_MANY_SIMULTANEOUS_QUERIES') return new ReadFailure('busy', 'ClickHouse is running too many reads; retry later');
    const code = (error as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return new ReadFailure('unavailable', 'ClickHouse is unavailable');
    return error;
  }

  private tooManyRows(): ReadFailure {
    this.onTooManyRows();
    return new ReadFailure('too_many_rows', `the answer has more than ${this.maxResultRows} rows; narrow the time range or add filters`);
  }
}
