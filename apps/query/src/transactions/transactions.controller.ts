import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { Page, TransactionSeries, TransactionsService, TransactionSummary } from '@pulse/analytics';
import { ApiAnalyticsQuery, ApiProjectEndpoint } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { TransactionPageDto, TransactionSeriesDto } from './transactions-response.dto';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { TransactionSeriesQueryDto, transactionSeriesRequest, TransactionTableQueryDto, transactionTableRequest } from './transactions-query.dto';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class TransactionsController {
  constructor(
    private readonly transactions: TransactionsService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  /** One row per transaction name: count, tpm, p50, p95, failure rate, apdex, user misery, users. */
  @Get('transactions')
  @ApiProjectEndpoint({ tag: 'transactions', summary: 'The transaction table: one row per transaction name, sortable and paginated', ok: TransactionPageDto })
  @ApiAnalyticsQuery()
  table(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: TransactionTableQueryDto): Promise<Page<TransactionSummary>> {
    return this.transactions.table(transactionTableRequest(projectId, query, this.limits));
  }

  /** Count, tpm, failure rate, apdex and percentiles per bucket, optionally per release. */
  @Get('transactions/series')
  @ApiProjectEndpoint({ tag: 'transactions', summary: 'Count, tpm, failure rate, apdex and percentiles per bucket, optionally per release', ok: TransactionSeriesDto })
  @ApiAnalyticsQuery()
  series(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: TransactionSeriesQueryDto): Promise<TransactionSeries> {
    return this.transactions.series(transactionSeriesRequest(projectId, query, this.limits));
  }
}
