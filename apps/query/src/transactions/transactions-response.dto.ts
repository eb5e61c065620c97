import { ApiProperty } from '@nestjs/swagger';
import type { Page, TransactionSummary } from '@pulse/analytics';
import { ApiOpenKeys } from '../api-docs.decorators';

const RATE = { type: Number, nullable: true } as const;

/** The documented shape of TransactionSummary; `implements` keeps the two in step. */
export class TransactionSummaryDto implements TransactionSummary {
  @ApiProperty({ description: 'Transaction name.', example: 'GET /api/orders/:id' })
  transaction!: string;

  @ApiProperty({ description: 'Transactions in the range.', example: 1200 })
  count!: number;

  @ApiProperty({ description: 'Transactions per minute over the range.', example: 5 })
  tpm!: number;

  @ApiProperty({ ...RATE, description: 'Median duration, ms (DDSketch, 1% relative error).', example: 181.4 })
  p50!: number | null;

  @ApiProperty({ ...RATE, description: '95th percentile duration, ms (DDSketch, 1% relative error).', example: 790.2 })
  p95!: number | null;

  @ApiProperty({ ...RATE, description: 'Share of transactions whose status is not ok, cancelled or unknown.', example: 0.021 })
  failure_rate!: number | null;

  @ApiProperty({ ...RATE, description: 'Apdex with threshold T = apdex_threshold (default 300 ms).', example: 0.87 })
  apdex!: number | null;

  @ApiProperty({ ...RATE, description: "User misery with threshold T: (users with d > 4T + 5.8875) / (users + 5.8875 + 111.8625).", example: 0.05 })
  user_misery!: number | null;

  @ApiProperty({ description: 'Distinct users.', example: 312 })
  users!: number;
}

export class TransactionPageDto implements Page<TransactionSummary> {
  @ApiProperty({ description: 'Transaction names matching the filters in the range (all pages).', example: 42 })
  total!: number;

  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ example: 0 })
  offset!: number;

  @ApiProperty({ type: [TransactionSummaryDto] })
  data!: TransactionSummaryDto[];
}

@ApiOpenKeys({
  description: 'One bucket (and release, with group_by=release).',
  additionalProperties: { type: 'number', nullable: true, description: 'One key per requested percentile (p50, p95, p99_9, p100 = max), ms; null in an empty bucket.' },
})
export class TransactionPointDto {
  [key: string]: number | string | null | undefined;

  @ApiProperty({ description: 'Start of the bucket, epoch ms.', example: 1795499100000 })
  t!: number;

  @ApiProperty({ required: false, description: 'Present with group_by=release.', example: 'shop@1.4.0' })
  release?: string;

  @ApiProperty({ example: 450 })
  count!: number;

  @ApiProperty({ description: 'Transactions per minute in the bucket.', example: 90 })
  tpm!: number;

  @ApiProperty({ ...RATE, example: 0.02 })
  failure_rate!: number | null;

  @ApiProperty({ ...RATE, example: 0.91 })
  apdex!: number | null;
}

export class TransactionSeriesDto {
  @ApiProperty({ description: 'Bucket width used, ms (whole minutes on the rollup path).', example: 300000 })
  interval_ms!: number;

  @ApiProperty({ type: [TransactionPointDto], description: 'Every bucket of the range for every release shown, oldest first.' })
  series!: TransactionPointDto[];
}
