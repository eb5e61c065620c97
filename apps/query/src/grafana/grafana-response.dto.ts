import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Cell, Datapoint, TableColumn } from './grafana-frames';

/** The documented answers of the JSON datasource protocol (the plugin's openapi.yaml). */

export class GrafanaStatusDto {
  @ApiProperty({ description: 'Always `ok`: the datasource URL and token work (Grafana\'s "Save & test").', example: 'ok' })
  status!: 'ok';
}

export class GrafanaOptionDto {
  @ApiProperty({ example: '1.4.0' })
  label!: string;

  @ApiProperty({ example: '1.4.0' })
  value!: string;
}

export class GrafanaMetricPayloadDto {
  @ApiProperty({ description: 'The payload field, sent back in the target\'s `payload`.', example: 'release' })
  name!: string;

  @ApiProperty({ example: 'Release' })
  label!: string;

  @ApiProperty({
    enum: ['select', 'input'],
    description: '`select`: a dropdown, its values from POST /metric-payload-options unless `options` lists them; `input`: typed in (an issue id).',
  })
  type!: 'select' | 'input';

  @ApiPropertyOptional({ example: 'any release' })
  placeholder?: string;

  @ApiPropertyOptional({ type: [GrafanaOptionDto], description: 'The fixed choices, when there are few (group_by).' })
  options?: GrafanaOptionDto[];
}

export class GrafanaMetricDto {
  @ApiProperty({ example: 'Transaction duration p95 (ms)' })
  label!: string;

  @ApiProperty({ description: 'The target to send in /query.', example: 'transaction.p95' })
  value!: string;

  @ApiProperty({ type: [GrafanaMetricPayloadDto] })
  payloads!: GrafanaMetricPayloadDto[];
}

/** A time series or a table; Grafana converts either to a data frame. */
export class GrafanaFrameDto {
  @ApiPropertyOptional({ description: 'Time series: its name, e.g. `p95 release=1.4.0`.', example: 'p95 release=1.4.0' })
  target?: string;

  @ApiPropertyOptional({
    description: 'Time series: `[value, epoch_ms]` pairs, one per bucket of the range; value null where nothing happened.',
    type: 'array',
    items: { type: 'array', items: { type: 'number', nullable: true } },
    example: [[412.5, 1763964000000], [null, 1763964060000]],
  })
  datapoints?: Datapoint[];

  @ApiPropertyOptional({ enum: ['table'], description: 'Present on tables.' })
  type?: 'table';

  @ApiPropertyOptional({
    description: 'Table: the columns, `type` a Grafana field type (`time` holds epoch milliseconds).',
    type: 'array',
    items: { type: 'object', properties: { text: { type: 'string' }, type: { type: 'string', enum: ['time', 'number', 'string'] } } },
    example: [{ text: 'release', type: 'string' }, { text: 'error_rate', type: 'number' }],
  })
  columns?: TableColumn[];

  @ApiPropertyOptional({ description: 'Table: the rows, in column order.', type: 'array', items: { type: 'array', items: {} }, example: [['1.4.0', 0.021]] })
  rows?: Cell[][];

  @ApiPropertyOptional({ description: 'The query (`refId`) this frame answers.', example: 'A' })
  refId?: string;
}

export class GrafanaVariableValueDto {
  @ApiProperty({ example: '1.4.0' })
  __text!: string;

  @ApiProperty({ example: '1.4.0' })
  __value!: string;
}

export class GrafanaTagKeyDto {
  @ApiProperty({ example: 'string' })
  type!: 'string';

  @ApiProperty({ example: 'release' })
  text!: string;
}

export class GrafanaTagValueDto {
  @ApiProperty({ example: '1.4.0' })
  text!: string;
}

/** One annotation of POST /annotations (simple-json's protocol). */
export class GrafanaAnnotationEventDto {
  @ApiPropertyOptional({ description: 'The annotation of the request, as read (name, query, enable, iconColor).', type: 'object', additionalProperties: true })
  annotation?: Record<string, unknown>;

  @ApiProperty({ description: 'Epoch milliseconds.', example: 1795507200000 })
  time!: number;

  @ApiPropertyOptional({ description: 'Epoch milliseconds: the end of a region (a metric incident).', example: 1795507800000 })
  timeEnd?: number;

  @ApiProperty({ description: 'True for a region (time to timeEnd).' })
  isRegion!: boolean;

  @ApiProperty({ example: 'Metric alert: checkout p95' })
  title!: string;

  @ApiProperty({ example: 'critical, resolved at 2026-12-07T10:10:00.000Z' })
  text!: string;

  @ApiProperty({ type: [String], example: ['alert', 'metric', 'critical', 'checkout p95'] })
  tags!: string[];
}
