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
