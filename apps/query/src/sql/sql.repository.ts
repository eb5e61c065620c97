import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseJsonBody, QueryParams } from '@pulse/sql-query';

/** One statement as the service sends it: the user's SQL and params, the service's settings. */
export interface SqlRequest {
  sql: string;
  params: QueryParams;
  settings: ClickHouseSettings;
}

/** The three ClickHouse requests of one SQL API query. */
export abstract class SqlRepository {
  /** `EXPLAIN AST <sql>`, one string per line of the tree: ClickHouse parses, nothing runs. */
  abstract explainAst(request: SqlRequest): Promise<string[]>;
  /** `EXPLAIN QUERY TREE <sql>`, one string per line: the analyzer's resolved tree. */
  abstract explainQueryTree(request: SqlRequest): Promise<string[]>;
  /** The query itself, its answer in ClickHouse's FORMAT JSON. */
  abstract run(request: SqlRequest): Promise<ClickHouseJsonBody>;
}

export class ClickHouseSqlRepository extends SqlRepository {
  constructor(private readonly client: ClickHouseClient) {
    super();
  }

  explainAst(request: SqlRequest): Promise<string[]> {
    return this.explain('AST', request);
  }

  explainQueryTree(request: SqlRequest): Promise<string[]> {
    return this.explain('QUERY TREE', request);
  }

  async run({ sql, params, settings }: SqlRequest): Promise<ClickHouseJsonBody> {
    const result = await this.client.query({ query: sql, query_params: params, format: 'JSON', clickhouse_settings: settings });
    return result.json<Record<string, unknown>>();
  }

  /**
   * Sent with `exec` and `default_format`, not `query`: `query` appends `FORMAT <f>` to the SQL,
   * and after `EXPLAIN AST <select>` that clause belongs to the SELECT being explained (it would
   * show in its tree, and the output would come as TabSeparated). The rows come as JSONEachRow
   * rather than TabSeparated text, which escapes backslashes and quotes a second time: each row is
   * exactly one line of the tree as ClickHouse wrote it.
   */
  private async explain(kind: 'AST' | 'QUERY TREE', { sql, params, settings }: SqlRequest): Promise<string[]> {
    const { stream } = await this.client.exec({
      query: `EXPLAIN ${kind} ${sql}`,
      query_params: params,
      clickhouse_settings: { ...settings, default_format: 'JSONEachRow' },
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { explain: string }).explain);
  }
}
