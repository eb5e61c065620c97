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
  /**
   * The query itself, its answer in ClickHouse's FORMAT JSON; `result_bytes` when the body is
   * longer than `maxBodyBytes` (the rest is not read).
   */
  abstract run(request: SqlRequest, maxBodyBytes: number): Promise<SqlRun>;
}

export type SqlRun = { ok: true; body: ClickHouseJsonBody } | { ok: false; reason: 'result_bytes' };

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

  /**
   * Read as a stream and counted, so the service never holds more than `maxBodyBytes` of an answer:
   * ClickHouse's own max_result_bytes is checked between blocks and lets a one-block result of any
   * size through. Stopping early closes the connection, which ends the query on a real server.
   * `exec` with `default_format`, like the EXPLAINs, because `query` would not hand the stream of a
   * FORMAT JSON answer over.
   */
  async run({ sql, params, settings }: SqlRequest, maxBodyBytes: number): Promise<SqlRun> {
    const { stream } = await this.client.exec({ query: sql, query_params: params, clickhouse_settings: { ...settings, default_format: 'JSON' } });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) {
        stream.destroy();
        return { ok: false, reason: 'result_bytes' };
      }
      chunks.push(chunk as Buffer);
    }
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ClickHouseJsonBody };
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
