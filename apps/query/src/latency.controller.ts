import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { LatencyResponse, LatencyService } from '@pulse/analytics';
import { ApiAnalyticsQuery, ApiProjectEndpoint } from './api-docs.decorators';
import { BearerTokenGuard } from './bearer-token.guard';
import { latencyRequest, LatencyQueryDto } from './latency-query.dto';
import { LatencyResponseDto } from './latency-response.dto';
import { QUERY_LIMITS, QueryLimits } from './query.tokens';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class LatencyController {
  constructor(
    private readonly latencyService: LatencyService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  /** p50/p95/p99 (or the requested set) of transaction durations, overall and as a series. */
  @Get('transactions/latency')
  @ApiProjectEndpoint({
    tag: 'transactions',
    summary: 'Transaction duration percentiles, overall and as a series',
    description: 'Percentiles (p50/p95/p99 unless `percentiles` says otherwise) of the durations of the transactions that end in the range and match the filters.',
    ok: LatencyResponseDto,
  })
  @ApiAnalyticsQuery()
  latency(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: LatencyQueryDto): Promise<LatencyResponse> {
    return this.latencyService.latency(latencyRequest(projectId, query, this.limits));
  }
}
