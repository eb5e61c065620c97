import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ERROR_GROUP_SORTS,
  ErrorEventsInput,
  ErrorGroupsInput,
  parseErrorLevel,
  parseErrorSearch,
  parseFingerprint,
  parseOrder,
  parsePage,
  parseScope,
  parseSort,
  ReadRequest,
  ScopeLimits,
} from '@pulse/analytics';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AnalyticsQueryDto } from '../analytics-query.dto';

/** limit/offset of a paged list; parsed (and range-checked) by @pulse/analytics parsePage. */
class PagedQueryDto extends AnalyticsQueryDto {
  @ApiPropertyOptional({ description: 'Rows per page, 1–1000.', default: '50', example: '20' })
  @IsOptional()
  @IsString()
  @MaxLength(6)
  limit?: string;

  @ApiPropertyOptional({ description: 'Rows to skip, 0–100000.', default: '0' })
  @IsOptional()
  @IsString()
  @MaxLength(7)
  offset?: string;
}

/** GET errors: the shared scope plus a level, a title search, sorting and paging. */
export class ErrorGroupsQueryDto extends PagedQueryDto {
  @ApiPropertyOptional({ description: 'Sort by `count`, `users`, `last_seen` or `first_seen`; ties by fingerprint.', default: 'count', example: 'last_seen' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  sort?: string;

  @ApiPropertyOptional({ description: '`desc` or `asc`.', default: 'desc', example: 'desc' })
  @IsOptional()
  @IsString()
  @MaxLength(4)
  order?: string;

  @ApiPropertyOptional({
    description: 'Only events of this level: `fatal`, `error`, `warning`, `info` or `debug`, e.g. `fatal`. Reads raw events (slower over long ranges).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  level?: string;

  @ApiPropertyOptional({
    description: 'Only events whose title contains this text, case-insensitively (at most 200 characters), e.g. `TypeError`. Reads raw events.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  query?: string;
}

/** GET errors/:fingerprint/events: the shared scope plus paging. */
export class ErrorEventsQueryDto extends PagedQueryDto {}

/** The parsed request of GET errors; throws QueryParameterError on the first wrong value. */
export function errorGroupsRequest(projectId: number, dto: ErrorGroupsQueryDto, limits: ScopeLimits): ReadRequest<ErrorGroupsInput> {
  const scope = parseScope(projectId, dto, limits);
  return {
    ...scope,
    level: parseErrorLevel(dto.level),
    search: parseErrorSearch(dto.query),
    sort: parseSort(dto.sort, ERROR_GROUP_SORTS, 'count'),
    order: parseOrder(dto.order, 'desc'),
    ...parsePage(dto.limit, dto.offset),
  };
}

/** The parsed request of GET errors/:fingerprint/events: the fingerprint first, then the query string. */
export function errorEventsRequest(projectId: number, fingerprint: string, dto: ErrorEventsQueryDto, limits: ScopeLimits): ErrorEventsInput {
  const parsedFingerprint = parseFingerprint(fingerprint);
  const scope = parseScope(projectId, dto, limits);
  return { ...scope, fingerprint: parsedFingerprint, ...parsePage(dto.limit, dto.offset) };
}
