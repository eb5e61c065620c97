import { ClickHouseError } from '@clickhouse/client';
import { Inject, Injectable } from '@nestjs/common';
import { parseTimeRange, QueryParameterError, TimeRange } from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import {
  checkQueryTree,
  checkSettings,
  checkSqlText,
  checkSyntaxTree,
  describeSqlFailure,
  parseExplainAst,
  QueryScope,
  resultTooLarge,
  runSettings,
  SqlFailure,
  SqlLimits,
  SqlQueryResponse,
  SqlRefusal,
  toSqlQueryResponse,
  tooManyRows,
  validateQueryParams,
} from '@pulse/sql-query';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { ReadRefusals } from '../read-refusals';
import { SqlQueryDto } from './sql-query.dto';
import { SQL_QUERY_OPTIONS, SqlQueryOptions } from './sql-query.tokens';
import { SqlRepository } from './sql.repository';

/**
 * One user SELECT, checked twice by ClickHouse's own parser and analyzer before it runs:
 *
 * 1. the text (comments, `;`, quoting) and `EXPLAIN AST`: one SELECT over the logical tables,
 *    allowed functions only (nothing executes);
 * 2. `EXPLAIN QUERY TREE`: every table the analyzer resolved is `<database>.<logical table>`. It
 *    evaluates constant and scalar subqueries, so it runs only after step 1 passed;
 * 3. the query, FORMAT JSON, with at most one row over the row cap and read up to the byte cap.
 *
 * All three carry the same scope (additional_table_filters: this project, [from, to)) and caps.
 */
@Injectable()
export class SqlQueryService {
  private readonly limits: SqlLimits;

  constructor(
    private readonly repository: SqlRepository,
    @Inject(QUERY_LIMITS) private readonly queryLimits: QueryLimits,
    @Inject(SQL_QUERY_OPTIONS) private readonly options: SqlQueryOptions,
    private readonly refusals: ReadRefusals,
  ) {
    this.limits = options.limits;
  }

  async query(projectId: number, dto: SqlQueryDto): Promise<SqlQueryResponse> {
    try {
      const scope: QueryScope = { projectId, range: this.timeRange(dto), database: this.options.database };
      const params = validateQueryParams(dto.params);
      checkSqlText(dto.sql);
      const checks = { sql: dto.sql, params, settings: checkSettings(scope, this.limits) };
      checkSyntaxTree(parseExplainAst(await this.repository.explainAst(checks)));
      checkQueryTree(await this.repository.explainQueryTree(checks), this.options.database);
      const run = await this.repository.run({ ...checks, settings: runSettings(scope, this.limits) }, this.limits.maxResultBytes);
      if (!run.ok) return this.refuse('result_bytes', resultTooLarge(this.limits));
      const response = toSqlQueryResponse(run.body);
      // The `limit` setting lets one row over the cap through, so an answer over it is seen here.
      if (response.data.length > this.limits.maxResultRows) return this.refuse('result_rows', tooManyRows(this.limits));
      return response;
    } catch (error) {
      throw this.toApiError(error);
    }
  }

  private refuse(reason: 'result_rows' | 'result_bytes', failure: SqlFailure): never {
    this.refusals.count(reason);
    throw new ApiError(failure.status, failure.detail);
  }

  private timeRange(dto: SqlQueryDto): TimeRange {
    return parseTimeRange(String(dto.from), String(dto.to), this.queryLimits.maxRangeDays);
  }

  /** Refusals and the user's ClickHouse errors are 400s that say what; an unreachable ClickHouse a 503. */
  private toApiError(error: unknown): unknown {
    if (error instanceof SqlRefusal || error instanceof QueryParameterError) return new ApiError(400, error.message);
    if (error instanceof ClickHouseError && error.type === 'TOO_MANY_ROWS_OR_BYTES') this.refusals.count(/max bytes/i.test(error.message) ? 'result_bytes' : 'result_rows');
    const failure = describeSqlFailure(error, this.limits);
    if (!failure) return error;
    return new ApiError(failure.status, failure.detail, [], failure.status === 503 ? { 'Retry-After': '5' } : {});
  }
}
