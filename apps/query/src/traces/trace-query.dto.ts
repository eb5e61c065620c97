import { ApiPropertyOptional } from '@nestjs/swagger';
import { parseTraceId, ScopeLimits, traceRange, TraceQueryInput } from '@pulse/analytics';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * GET traces/:traceId: only a time range, and an optional one (a trace is found by its id; the
 * filters of the other endpoints do not apply to it). Parsed by @pulse/analytics traceRange.
 */
export class TraceQueryDto {
  @ApiPropertyOptional({
    description: 'Start of the range to look in (inclusive): ISO-8601 or epoch milliseconds, e.g. `2026-11-24T00:00:00Z`. Default: QUERY_MAX_RANGE_DAYS days before `to`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({
    description: 'End of the range (exclusive): ISO-8601 or epoch milliseconds. Default: now. The range spans at most QUERY_MAX_RANGE_DAYS days.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}

/** The parsed request of GET traces/:traceId: the id first, then the range (`to` defaults to now). */
export function traceRequest(projectId: number, traceId: string, dto: TraceQueryDto, limits: Pick<ScopeLimits, 'maxRangeDays'>): TraceQueryInput {
  const parsedTraceId = parseTraceId(traceId);
  return { projectId, traceId: parsedTraceId, range: traceRange(dto.from, dto.to, Date.now(), limits.maxRangeDays) };
}
