import { Controller, Get, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import type { LatencyResponse } from '@pulse/analytics';
import { ApiAnalyticsQuery, ApiProjectEndpoint } from './api-docs.decorators';
import { BearerTokenGuard } from './bearer-token.guard';
import { LatencyQueryDto } from './latency-query.dto';
import { LatencyResponseDto } from './latency-response.dto';
import { LatencyService } from './latency.service';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class LatencyController {
  constructor(private readonly latencyService: LatencyService) {}

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
    return this.latencyService.latency(projectId, query);
  }
}
