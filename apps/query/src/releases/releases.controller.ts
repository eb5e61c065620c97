import { Controller, Get, Inject, Param, ParseIntPipe, Query, UseGuards } from '@nestjs/common';
import { parseScope, ReleaseComparison, ReleaseHealth, ReleaseSeries, ReleasesService } from '@pulse/analytics';
import { AnalyticsQueryDto } from '../analytics-query.dto';
import { ApiExtraModels } from '@nestjs/swagger';
import { ApiAnalyticsQuery, ApiProjectEndpoint } from '../api-docs.decorators';
import { BearerTokenGuard } from '../bearer-token.guard';
import { MetricChangeDto, ReleaseComparisonDto, ReleaseHealthDto, ReleaseSeriesDto } from './releases-response.dto';
import { QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { ReleaseCompareQueryDto, releaseComparisonRequest, ReleaseSeriesQueryDto, releaseSeriesRequest } from './releases-query.dto';

@Controller('api/v1/projects/:projectId')
@UseGuards(BearerTokenGuard)
@ApiExtraModels(MetricChangeDto)
export class ReleasesController {
  constructor(
    private readonly releases: ReleasesService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  /** Release health: one row per release seen in the range, newest first. */
  @Get('releases')
  @ApiProjectEndpoint({ tag: 'releases', summary: 'Release health: one row per release seen in the range, newest first', ok: [ReleaseHealthDto] })
  @ApiAnalyticsQuery()
  list(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: AnalyticsQueryDto): Promise<ReleaseHealth[]> {
    return this.releases.list(parseScope(projectId, query, this.limits));
  }

  /** Each metric for base and candidate, and the change. */
  @Get('releases/compare')
  @ApiProjectEndpoint({ tag: 'releases', summary: 'Compare two releases metric by metric (canary checks)', ok: ReleaseComparisonDto })
  @ApiAnalyticsQuery()
  compare(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: ReleaseCompareQueryDto): Promise<ReleaseComparison> {
    return this.releases.compare(releaseComparisonRequest(projectId, query, this.limits));
  }

  /** Transactions, errors and their rates per bucket and release. */
  @Get('releases/series')
  @ApiProjectEndpoint({ tag: 'releases', summary: 'Transactions, errors, error rate and failure rate per bucket and release', ok: ReleaseSeriesDto })
  @ApiAnalyticsQuery()
  series(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: ReleaseSeriesQueryDto): Promise<ReleaseSeries> {
    return this.releases.series(releaseSeriesRequest(projectId, query, this.limits));
  }
}
