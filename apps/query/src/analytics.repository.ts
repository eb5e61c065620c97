import type { ClickHouseClient } from '@clickhouse/client';
import type { CompiledQuery } from '@pulse/analytics';

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
    return result.json<T>();
  }
}
