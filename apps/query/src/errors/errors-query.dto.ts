import { ApiPropertyOptional } from '@nestjs/swagger';
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
