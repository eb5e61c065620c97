import type { ScopeParameters } from '@pulse/analytics';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * The query string every analytics endpoint shares: the time range, the bucket width of series
 * and the filters. Values are parsed by @pulse/analytics (parseScope), whose QueryParameterError
 * is answered as a 400 saying what was wrong (analytics-errors.ts).
 */
export class AnalyticsQueryDto implements ScopeParameters {
  @IsString()
  @MaxLength(40)
  from!: string;

  @IsString()
  @MaxLength(40)
  to!: string;

  @IsOptional()
  @IsString()
  @MaxLength(20)
  interval?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  transaction?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  release?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  environment?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  browser?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  os?: string;

  /** `key:value`, repeatable. */
  @IsOptional()
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  tag?: string | string[];
}
