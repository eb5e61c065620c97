import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ClientOutcomeGroup, ClientOutcomePoint, ClientOutcomes } from '@pulse/analytics';

/** The documented shape of ClientOutcomes ("dropped by the client"); `implements` keeps the two in step. */
export class ClientOutcomeGroupDto implements ClientOutcomeGroup {
  @ApiProperty({ description: 'Why the SDK discarded the items, as it said (`queue_overflow`, `ratelimit_backoff`, `sample_rate`, `before_send`, `network_error`, …).', example: 'queue_overflow' })
  reason!: string;

  @ApiProperty({ description: 'The data category of the items (`error`, `transaction`, `span`, `session`, `replay`, …).', example: 'error' })
  category!: string;

  @ApiProperty({ description: 'Items discarded.', example: 42 })
  quantity!: number;
}

export class ClientOutcomePointDto implements ClientOutcomePoint {
  @ApiProperty({ description: 'Bucket start, epoch ms.', example: 1795499100000 })
  t!: number;

  @ApiProperty({ description: 'Items discarded in the bucket, over every reason and category.', example: 7 })
  quantity!: number;
}

export class ClientOutcomesDto implements ClientOutcomes {
  @ApiProperty({ description: 'Items the SDKs discarded in the range, over every reason and category.', example: 130 })
  total!: number;

  @ApiProperty({ type: [ClientOutcomeGroupDto], description: 'Per reason and category, most first (at most 1000).' })
  byReason!: ClientOutcomeGroupDto[];

  @ApiPropertyOptional({ type: [ClientOutcomePointDto], description: 'Per bucket, every bucket of the range; only when `interval` is given.' })
  series?: ClientOutcomePointDto[];

  @ApiPropertyOptional({ description: 'The bucket width used, ms; with the series.', example: 300000 })
  interval_ms?: number;
}
