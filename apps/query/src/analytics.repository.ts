import { ClickHouseClient, ClickHouseError } from '@clickhouse/client';
import type { CompiledQuery } from '@pulse/analytics';
import { ApiError } from '@pulse/platform';

/** Runs compiled analytics queries with bound parameters and server-side limits. */
export abstract class AnalyticsRepository {
  abstract query<T>(query: CompiledQuery): Promise<T[]>;
}

export class ClickHouseAnalyticsRepository extends AnalyticsRepository {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly maxExecutionSeconds: number,
  ) {
    super();
  }

  async query<T>(query: CompiledQuery): Promise<T[]> {
    try {
      const result = await this.client.query({
        query: query.sql,
        query_params: query.params,
        format: 'JSONEachRow',
        clickhouse_settings: {
          max_execution_time: this.maxExecutionSeconds,
          max_result_rows: '100000',
          result_overflow_mode: 'throw',
          readonly: '2',
        },
      });
      return await result.json<T>();
    } catch (error) {
      throw this.describe(error);
    }
  }

  /** What the caller can act on: a slow query or an unreachable ClickHouse is a 503 saying so; the rest stays a 500. */
  private describe(error: unknown): unknown {
    if (error instanceof ClickHouseError && error.type === 'TIMEOUT_EXCEEDED') {
      return new ApiError(503, `the query ran longer than ${this.maxExecutionSeconds} s; narrow the time range or add filters`);
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return new ApiError(503, 'ClickHouse is unavailable', [], { 'Retry-After': '5' });
    return error;
  }
}
