import { Body, Controller, HttpCode, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import type { SqlQueryResponse } from '@pulse/sql-query';
import { ApiProjectEndpoint } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { SqlQueryResponseDto } from './sql-query-response.dto';
import { SqlQueryDto } from './sql-query.dto';
import { SqlQueryService } from './sql-query.service';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class SqlQueryController {
  constructor(private readonly sqlQueryService: SqlQueryService) {}

  /** One SELECT over the project's raw rows in [from, to); see docs/sql-api.md. */
  @Post('query')
  @HttpCode(200)
  @ApiProjectEndpoint({
    tag: 'sql',
    summary: 'Run one SELECT over the raw tables',
    description:
      'Reads transactions, spans, errors, sessions and web_vitals of this project in [from, to) only. ' +
      'Refused with 400 and a `detail` naming the reason: anything but one SELECT, comments, UNION, SETTINGS, FORMAT, ' +
      'other tables, table functions, functions outside the allow-list, results over SQL_MAX_RESULT_ROWS rows, ' +
      'queries longer than QUERY_MAX_EXECUTION_SECONDS or reading more than SQL_MAX_BYTES_TO_READ. Rules: docs/sql-api.md.',
    ok: SqlQueryResponseDto,
  })
  query(@Param('projectId', ParseIntPipe) projectId: number, @Body() body: SqlQueryDto): Promise<SqlQueryResponse> {
    return this.sqlQueryService.query(projectId, body);
  }
}
