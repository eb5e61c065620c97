import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { parseScope, WebVitalsBreakdownEntry, WebVitalsResponse, WebVitalsSeriesResponse, WebVitalsService } from '@pulse/analytics';
import { AnalyticsQueryDto } from '../analytics-query.dto';
import { ApiAnalyticsQuery, ApiProjectEndpoint } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { WebVitalsBreakdownQueryDto, webVitalsBreakdownRequest, WebVitalsSeriesQueryDto, webVitalsSeriesRequest } from './web-vitals-query.dto';
import { WebVitalsBreakdownEntryDto, WebVitalsResponseDto, WebVitalsSeriesResponseDto } from './web-vitals-response.dto';

const FILTERS = '`transaction` filters the page; `os` reads the raw table (the rollup has no OS); tag filters are refused (vitals have no tags).';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
export class WebVitalsController {
  constructor(
    private readonly webVitals: WebVitalsService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  @Get('web-vitals')
  @ApiProjectEndpoint({
    tag: 'web-vitals',
    summary: 'Web Vitals over the range and the performance score',
    description: `Count, p50/p75/p95 and good / needs-improvement / poor shares of LCP, FCP, CLS, INP, TTFB and FID. ${FILTERS}`,
    ok: WebVitalsResponseDto,
  })
  @ApiAnalyticsQuery()
  summary(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: AnalyticsQueryDto): Promise<WebVitalsResponse> {
    return this.webVitals.summary(parseScope(projectId, query, this.limits));
  }

  @Get('web-vitals/breakdown')
  @ApiProjectEndpoint({
    tag: 'web-vitals',
    summary: 'Web Vitals per page, browser or release',
    description: `One row per key with every vital and the score, most samples first unless \`sort\` says otherwise. ${FILTERS}`,
    ok: [WebVitalsBreakdownEntryDto],
  })
  @ApiAnalyticsQuery()
  breakdown(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: WebVitalsBreakdownQueryDto): Promise<WebVitalsBreakdownEntry[]> {
    return this.webVitals.breakdown(webVitalsBreakdownRequest(projectId, query, this.limits));
  }

  @Get('web-vitals/series')
  @ApiProjectEndpoint({
    tag: 'web-vitals',
    summary: 'One vital as a time series',
    description: `Count, percentiles and rating shares of one vital per bucket, every bucket of the range present. ${FILTERS}`,
    ok: WebVitalsSeriesResponseDto,
  })
  @ApiAnalyticsQuery()
  series(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: WebVitalsSeriesQueryDto): Promise<WebVitalsSeriesResponse> {
    return this.webVitals.series(webVitalsSeriesRequest(projectId, query, this.limits));
  }
}
