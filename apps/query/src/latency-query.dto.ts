import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Query string of GET transactions/latency; values are parsed by @pulse/analytics. */
export class LatencyQueryDto {
  @IsString()
  from!: string;

  @IsString()
  to!: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  percentiles?: string;

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
}
