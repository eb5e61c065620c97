import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { ReleaseComparison, ReleaseDetail, ReleaseHealth, ReleaseSeriesPoint } from '@pulse/analytics';

const RATE = { type: Number, nullable: true } as const;

/** The documented shape of ReleaseHealth; `implements` keeps the two in step. */
export class ReleaseHealthDto implements ReleaseHealth {
  @ApiProperty({ example: 'shop@1.4.0' })
  release!: string;

  @ApiProperty({ ...RATE, description: 'Epoch ms of the first minute a transaction, error or session of the release was seen in the range.', example: 1795499100000 })
  first_seen!: number | null;

  @ApiProperty({ example: 12000 })
  transactions!: number;

  @ApiProperty({ description: 'Error events.', example: 240 })
  errors!: number;

  @ApiProperty({ ...RATE, description: 'Errors per transaction; null without transactions.', example: 0.02 })
  error_rate!: number | null;

  @ApiProperty({ ...RATE, description: 'Share of failed transactions (status not ok, cancelled, unknown).', example: 0.013 })
  failure_rate!: number | null;

  @ApiProperty({ description: 'Distinct users of the error events.', example: 31 })
  users_affected!: number;

  @ApiProperty({ ...RATE, description: '1 − crashed / started sessions; null without session data.', example: 0.995 })
  crash_free_sessions!: number | null;

  @ApiProperty({ ...RATE, description: '1 − crashed users / users of sessions; null without session data.', example: 0.99 })
  crash_free_users!: number | null;
}

export class ReleaseDetailDto extends ReleaseHealthDto implements ReleaseDetail {
  @ApiProperty({ ...RATE, description: 'Median transaction duration, ms.', example: 180 })
  p50!: number | null;

  @ApiProperty({ ...RATE, description: '95th percentile transaction duration, ms.', example: 790 })
  p95!: number | null;

  @ApiProperty({ ...RATE, description: 'Apdex at 300 ms.', example: 0.9 })
  apdex!: number | null;
}

export class MetricChangeDto {
  @ApiProperty({ ...RATE, description: 'candidate − base.', example: 0.004 })
  absolute!: number | null;

  @ApiProperty({ ...RATE, description: '(candidate − base) / base; null when base is 0 or a value is null.', example: 0.2 })
  relative!: number | null;
}

export class ReleaseComparisonDto implements ReleaseComparison {
  @ApiProperty({ type: ReleaseDetailDto })
  base!: ReleaseDetailDto;

  @ApiProperty({ type: ReleaseDetailDto })
  candidate!: ReleaseDetailDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(MetricChangeDto) },
    description: 'Per metric (transactions, errors, error_rate, failure_rate, users_affected, crash_free_sessions, crash_free_users, p50, p95, apdex).',
  })
  change!: Record<string, MetricChangeDto>;
}

export class ReleaseSeriesPointDto implements ReleaseSeriesPoint {
  @ApiProperty({ description: 'Start of the bucket, epoch ms.', example: 1795499100000 })
  t!: number;

  @ApiProperty({ example: 'shop@1.4.0' })
  release!: string;

  @ApiProperty({ example: 120 })
  transactions!: number;

  @ApiProperty({ example: 3 })
  errors!: number;

  @ApiProperty({ ...RATE, description: 'Errors per transaction in the bucket.', example: 0.025 })
  error_rate!: number | null;

  @ApiProperty({ ...RATE, example: 0.01 })
  failure_rate!: number | null;
}

export class ReleaseSeriesDto {
  @ApiProperty({ example: 300000 })
  interval_ms!: number;

  @ApiProperty({ type: [ReleaseSeriesPointDto] })
  series!: ReleaseSeriesPointDto[];
}

