import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BREAKDOWN_DIMENSIONS,
  parseBreakdownDimension,
  parseBreakdownSort,
  parsePage,
  parseScope,
  parseVital,
  ReadRequest,
  REPORTED_VITALS,
  ScopeLimits,
  WebVitalsBreakdownInput,
  WebVitalsSeriesInput,
} from '@pulse/analytics';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { AnalyticsQueryDto } from '../analytics-query.dto';

/** GET web-vitals/breakdown: the shared scope plus the dimension, sorting and paging (parsed by @pulse/analytics). */
export class WebVitalsBreakdownQueryDto extends AnalyticsQueryDto {
  @ApiProperty({ enum: [...BREAKDOWN_DIMENSIONS], description: 'One row per page (`web_vitals.page`), browser name or release.', example: 'page' })
  @IsIn([...BREAKDOWN_DIMENSIONS])
  by!: string;

  @ApiPropertyOptional({
    description:
      '`count`: samples of all six vitals together; the dimension\'s own name (`page`, `browser` or `release`, as in `by`): the key; ' +
      'a vital (`lcp`, `fcp`, `cls`, `inp`, `ttfb`, `fid`): its p75, rows without samples of it last.',
    default: 'count',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  sort?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default `desc`, `asc` when sorting by the key.' })
  @IsOptional()
  @IsString()
  @MaxLength(4)
  order?: string;

  @ApiPropertyOptional({ description: 'Rows per page, 1 to 1000.', default: 50 })
  @IsOptional()
  @IsString()
  @MaxLength(6)
  limit?: string;

  @ApiPropertyOptional({ description: 'Rows to skip, 0 to 100000.', default: 0 })
  @IsOptional()
  @IsString()
  @MaxLength(7)
  offset?: string;
}

/** GET web-vitals/series: the shared scope plus the vital. */
export class WebVitalsSeriesQueryDto extends AnalyticsQueryDto {
  @ApiProperty({ enum: [...REPORTED_VITALS], description: 'The vital to chart.', example: 'lcp' })
  @IsIn([...REPORTED_VITALS])
  vital!: string;
}

/** The parsed request of GET web-vitals/breakdown; throws QueryParameterError on the first wrong value. */
export function webVitalsBreakdownRequest(projectId: number, dto: WebVitalsBreakdownQueryDto, limits: ScopeLimits): ReadRequest<WebVitalsBreakdownInput> {
  const scope = parseScope(projectId, dto, limits);
  const by = parseBreakdownDimension(dto.by);
  return { ...scope, by, ...parseBreakdownSort(dto.sort, dto.order, by), page: parsePage(dto.limit, dto.offset) };
}

/** The parsed request of GET web-vitals/series; throws QueryParameterError on the first wrong value. */
export function webVitalsSeriesRequest(projectId: number, dto: WebVitalsSeriesQueryDto, limits: ScopeLimits): ReadRequest<WebVitalsSeriesInput> {
  const scope = parseScope(projectId, dto, limits);
  return { ...scope, vital: parseVital(dto.vital) };
}
