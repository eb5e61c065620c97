import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { checkReleaseFilters, parseScope, parseSeriesReleaseLimit, QueryParameterError, ReleaseComparisonRequest, ReleaseSeriesRequest, ScopeLimits } from '@pulse/analytics';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AnalyticsQueryDto } from '../analytics-query.dto';

/** GET releases/compare: the shared scope plus the two releases. */
export class ReleaseCompareQueryDto extends AnalyticsQueryDto {
  @ApiProperty({ description: 'The release to compare against.', example: 'shop@1.3.0' })
  @IsString()
  @MaxLength(200)
  base!: string;

  @ApiProperty({ description: 'The new release.', example: 'shop@1.4.0' })
  @IsString()
  @MaxLength(200)
  candidate!: string;
}

/** GET releases/series: the shared scope plus how many releases to draw (newest first, default 5). */
export class ReleaseSeriesQueryDto extends AnalyticsQueryDto {
  @ApiPropertyOptional({ description: 'How many releases, newest first, 1–20 (default 5); ignored with the release filter.', example: '5' })
  @IsOptional()
  @IsString()
  @MaxLength(3)
  limit?: string;
}

/** The parsed request of GET releases/compare; throws QueryParameterError on the first wrong value. */
export function releaseComparisonRequest(projectId: number, dto: ReleaseCompareQueryDto, limits: ScopeLimits): ReleaseComparisonRequest {
  if (dto.base === dto.candidate) throw new QueryParameterError('base and candidate must differ');
  return { ...parseScope(projectId, dto, limits), base: dto.base, candidate: dto.candidate };
}

/**
 * The parsed request of GET releases/series; throws QueryParameterError on the first wrong value.
 * The filters are checked before `limit` (ReleasesService checks them again), so a request wrong
 * in both is told about its filters first.
 */
export function releaseSeriesRequest(projectId: number, dto: ReleaseSeriesQueryDto, limits: ScopeLimits): ReleaseSeriesRequest {
  const scope = parseScope(projectId, dto, limits);
  checkReleaseFilters(scope.filters);
  return { ...scope, limit: parseSeriesReleaseLimit(dto.limit) };
}
