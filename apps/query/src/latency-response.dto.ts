import { ApiProperty } from '@nestjs/swagger';
import type { LatencyResponse, LatencySeriesPoint } from '@pulse/analytics';
import { ApiOpenKeys } from './api-docs.decorators';

// The keys follow `percentiles`, so they are the schema's additionalProperties, not properties.
const PERCENTILE_VALUE = {
  type: 'number',
  nullable: true,
  description:
    'One key per requested percentile: `p50`, `p95`, `p99` by default, `p99_9` for 99.9, `p100` the maximum. ' +
    'Transaction duration in milliseconds; null when no transaction matched.',
} as const;

/** The documented shape of LatencySeriesPoint; `implements` keeps the two in step. */
@ApiOpenKeys({ description: 'One bucket of the series, with its percentiles.', additionalProperties: PERCENTILE_VALUE })
export class LatencySeriesPointDto implements LatencySeriesPoint {
  [percentile: string]: number | null;

  @ApiProperty({ description: 'Start of the bucket, epoch milliseconds; the bucket is [t, t + interval_ms) of transaction end time.', example: 1795499100000 })
  t!: number;

  @ApiProperty({ description: 'Transactions in the bucket; 0 for an empty bucket, whose percentiles are null.', example: 450 })
  count!: number;
}

/** The documented shape of LatencyResponse; `implements` keeps the two in step. */
@ApiOpenKeys({
  description: 'Percentiles over the whole range, and per bucket. Example: `{"count": 3000, "interval_ms": 300000, "p50": 181, "p95": 792.4, "p99": 1530.2, "series": [...]}`.',
  additionalProperties: PERCENTILE_VALUE,
})
export class LatencyResponseDto implements LatencyResponse {
  [percentile: string]: number | null | LatencySeriesPointDto[];

  @ApiProperty({ description: 'Transactions in the range that match the filters.', example: 3000 })
  count!: number;

  @ApiProperty({ description: 'The bucket width of the series in milliseconds: the requested interval, widened when needed.', example: 300000 })
  interval_ms!: number;

  @ApiProperty({ type: [LatencySeriesPointDto], description: 'Every bucket of the range, oldest first, empty ones included.' })
  series!: LatencySeriesPointDto[];
}
