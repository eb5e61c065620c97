import { Controller, Get, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import type { Page, TransactionSeries, TransactionSummary } from '@pulse/analytics';
import { ApiAnalyticsQuery, ApiProjectEndpoint } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { TransactionPageDto, TransactionSeriesDto } from './transactions-response.dto';
import { TransactionSeriesQueryDto, TransactionTableQueryDto } from './transactions-query.dto';
import { TransactionsService } from './transactions.service';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  /** One row per transaction name: count, tpm, p50, p95, failure rate, apdex, user misery, users. */
  @Get('transactions')
  @ApiProjectEndpoint({ tag: 'transactions', summary: 'The transaction table: one row per transaction name, sortable and paginated', ok: TransactionPageDto })
  @ApiAnalyticsQuery()
  table(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: TransactionTableQueryDto): Promise<Page<TransactionSummary>> {
    return this.transactions.table(projectId, query);
  }

  /** Count, tpm, failure rate, apdex and percentiles per bucket, optionally per release. */
  @Get('transactions/series')
  @ApiProjectEndpoint({ tag: 'transactions', summary: 'Count, tpm, failure rate, apdex and percentiles per bucket, optionally per release', ok: TransactionSeriesDto })
  @ApiAnalyticsQuery()
  series(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: TransactionSeriesQueryDto): Promise<TransactionSeries> {
    return this.transactions.series(projectId, query);
  }
}
