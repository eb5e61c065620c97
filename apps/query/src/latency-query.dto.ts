import { ApiPropertyOptional } from '@nestjs/swagger';
import { LatencyQueryInput, parsePercentiles, parseScope, ReadRequest, ScopeLimits } from '@pulse/analytics';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AnalyticsQueryDto } from './analytics-query.dto';

/** Query string of GET transactions/latency; values are parsed by @pulse/analytics. */
export class LatencyQueryDto extends AnalyticsQueryDto {
  @ApiPropertyOptional({
    description: 'Comma-separated percentiles in (0, 100], at most 10; 100 is the maximum. Each becomes a key of the answer: 95 → `p95`, 99.9 → `p99_9`.',
    default: '50,95,99',
    example: '50,95,99.9',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  percentiles?: string;
}

/** The parsed request of GET transactions/latency; throws QueryParameterError on the first wrong value. */
export function latencyRequest(projectId: number, dto: LatencyQueryDto, limits: ScopeLimits): ReadRequest<LatencyQueryInput> {
  const scope = parseScope(projectId, dto, limits);
  return { ...scope, percentiles: parsePercentiles(dto.percentiles) };
}
