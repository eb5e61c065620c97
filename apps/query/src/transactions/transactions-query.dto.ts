import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  parseApdexThreshold,
  parseGroupByRelease,
  parseOrder,
  parsePage,
  parsePercentiles,
  parseScope,
  parseSeriesReleaseLimit,
  parseSort,
  ReadRequest,
  ScopeLimits,
  TRANSACTION_SORTS,
  TransactionSeriesInput,
  TransactionTableInput,
} from '@pulse/analytics';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AnalyticsQueryDto } from '../analytics-query.dto';

/** GET transactions: the shared scope plus apdex T, sorting and paging (parsed by @pulse/analytics). */
export class TransactionTableQueryDto extends AnalyticsQueryDto {
  @ApiPropertyOptional({ description: 'Apdex and user-misery threshold T in ms (default 300; another T reads raw rows).', example: '300' })
  @IsOptional()
  @IsString()
  @MaxLength(12)
  apdex_threshold?: string;

  @ApiPropertyOptional({ description: 'transaction, count, tpm, p50, p95, failure_rate, apdex, user_misery or users (default count).', example: 'p95' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  sort?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'Default desc.' })
  @IsOptional()
  @IsString()
  @MaxLength(4)
  order?: string;

  @ApiPropertyOptional({ description: 'Rows per page, 1–1000 (default 50).', example: '50' })
  @IsOptional()
  @IsString()
  @MaxLength(6)
  limit?: string;

  @ApiPropertyOptional({ description: 'Rows to skip (default 0, at most 100000).', example: '0' })
  @IsOptional()
  @IsString()
  @MaxLength(7)
  offset?: string;
}

/** GET transactions/series: the shared scope plus percentiles, apdex T and an optional split by release. */
export class TransactionSeriesQueryDto extends AnalyticsQueryDto {
  @ApiPropertyOptional({ description: 'Comma list in (0, 100], default 50,95,99; 100 is the maximum.', example: '50,95' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  percentiles?: string;

  @ApiPropertyOptional({ description: 'Apdex threshold T in ms (default 300).', example: '300' })
  @IsOptional()
  @IsString()
  @MaxLength(12)
  apdex_threshold?: string;

  @ApiPropertyOptional({ enum: ['release'], description: 'Split the series by release.' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  group_by?: string;

  @ApiPropertyOptional({ description: 'With group_by=release: the releases with most transactions, 1–20 (default 5).', example: '5' })
  @IsOptional()
  @IsString()
  @MaxLength(3)
  limit?: string;
}

/** The parsed request of GET transactions; throws QueryParameterError on the first wrong value. */
export function transactionTableRequest(projectId: number, dto: TransactionTableQueryDto, limits: ScopeLimits): ReadRequest<TransactionTableInput> {
  const scope = parseScope(projectId, dto, limits);
  const page = parsePage(dto.limit, dto.offset);
  return { ...scope, apdexThresholdMs: parseApdexThreshold(dto.apdex_threshold), sort: parseSort(dto.sort, TRANSACTION_SORTS, 'count'), order: parseOrder(dto.order, 'desc'), ...page };
}

/** The parsed request of GET transactions/series; throws QueryParameterError on the first wrong value. */
export function transactionSeriesRequest(projectId: number, dto: TransactionSeriesQueryDto, limits: ScopeLimits): ReadRequest<TransactionSeriesInput> {
  const scope = parseScope(projectId, dto, limits);
  const percentiles = parsePercentiles(dto.percentiles);
  const byRelease = parseGroupByRelease(dto.group_by);
  const limit = parseSeriesReleaseLimit(dto.limit, ' with group_by=release');
  return { ...scope, percentiles, apdexThresholdMs: parseApdexThreshold(dto.apdex_threshold), byRelease, limit };
}
