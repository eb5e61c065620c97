import { Controller, Get, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import type { LatencyResponse } from '@pulse/analytics';
import { BearerTokenGuard } from './bearer-token.guard';
import { LatencyQueryDto } from './latency-query.dto';
import { LatencyService } from './latency.service';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class LatencyController {
  constructor(private readonly latencyService: LatencyService) {}

  /** p50/p95/p99 (or the requested set) of transaction durations, overall and as a series. */
  @Get('transactions/latency')
  latency(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: LatencyQueryDto): Promise<LatencyResponse> {
    return this.latencyService.latency(projectId, query);
  }
}
