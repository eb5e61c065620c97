import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * Request bodies of the JSON datasource protocol (simpod-json-datasource, openapi.yaml of the
 * plugin). Only the fields Pulse reads are declared; Grafana sends many more (requestId, app,
 * timezone, scopedVars, panelId, dashboardUID, scopes, …, a set that grows between Grafana
 * versions), and GrafanaBody strips those instead of refusing them.
 */

const NUMBER = { allowNaN: false, allowInfinity: false };

/** A time range as Grafana serializes it: ISO-8601 `from`/`to` (epoch milliseconds also accepted) and the raw text, unused. */
export class GrafanaRangeDto {
  @ApiProperty({ example: '2026-11-24T06:00:00.000Z' })
  @IsString()
  @MaxLength(40)
  from!: string;

  @ApiProperty({ example: '2026-11-24T12:00:00.000Z' })
  @IsString()
  @MaxLength(40)
  to!: string;
}

export class GrafanaTargetDto {
  @ApiPropertyOptional({ example: 'A' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  refId?: string;

  /** A catalog value (POST /metrics). The plugin sends queries without one only while they are being edited. */
  @ApiPropertyOptional({ description: 'A target of POST /metrics.', example: 'transaction.p95' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  target?: string;

  /** The query's "payload": an object of strings in builder mode, any JSON object in code mode. */
  @ApiPropertyOptional({ description: 'Payload fields of the target (strings); `*` or empty means no filter.', example: { release: '1.4.0', group_by: 'release' } })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Hidden queries are skipped.' })
  @IsOptional()
  @IsBoolean()
  hide?: boolean;
}

export class GrafanaAdhocFilterDto {
  @ApiProperty({ enum: ['transaction', 'release', 'environment', 'browser', 'os'], example: 'environment' })
  @IsString()
  @MaxLength(64)
  key!: string;

  @ApiProperty({ description: 'Only `=` is supported.', example: '=' })
  @IsString()
  @MaxLength(8)
  operator!: string;

  @ApiProperty({ example: 'production' })
  @IsString()
  @MaxLength(200)
  value!: string;
}

export class GrafanaQueryRequestDto {
  @ApiProperty({ type: GrafanaRangeDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => GrafanaRangeDto)
  range!: GrafanaRangeDto;

  @ApiPropertyOptional({ description: 'Bucket width Grafana suggests (at least 1 s is used).', example: 30000 })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(1)
  intervalMs?: number;

  @ApiPropertyOptional({ description: 'At most this many buckets per series (the width is widened to fit).', example: 550 })
  @IsOptional()
  @IsNumber(NUMBER)
  @Min(1)
  @Max(1_000_000)
  maxDataPoints?: number;

  @ApiProperty({ type: [GrafanaTargetDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => GrafanaTargetDto)
  targets!: GrafanaTargetDto[];

  /** Ad-hoc filters (plugin 0.6.4 and later: Grafana's DataQueryRequest.filters). */
  @ApiPropertyOptional({ type: [GrafanaAdhocFilterDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => GrafanaAdhocFilterDto)
  filters?: GrafanaAdhocFilterDto[];

  /** Ad-hoc filters as plugin versions up to 0.6.3 sent them. */
  @ApiPropertyOptional({ type: [GrafanaAdhocFilterDto], description: 'Older plugin versions: the same as `filters`.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => GrafanaAdhocFilterDto)
  adhocFilters?: GrafanaAdhocFilterDto[];
}

/** POST /metrics: the metric and payload being edited (ignored: the whole catalog is returned). */
export class GrafanaMetricsRequestDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  metric?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;
}

/** POST /metric-payload-options: the options of payload field `name` of `metric`. */
export class GrafanaPayloadOptionsRequestDto {
  @ApiProperty({ example: 'transaction.p95' })
  @IsString()
  @MaxLength(200)
  metric!: string;

  @ApiProperty({ description: 'The payload field whose choices are wanted.', example: 'release' })
  @IsString()
  @MaxLength(64)
  name!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;

  /** Not sent by the plugin; when given, values are looked up in this range instead of the last 30 days. */
  @ApiPropertyOptional({ type: GrafanaRangeDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GrafanaRangeDto)
  range?: GrafanaRangeDto;
}

/** The variable query: the query text as `target` (or a JSON object with `target` in raw JSON mode). */
export class GrafanaVariablePayloadDto {
  @ApiProperty({ enum: ['releases', 'environments', 'transactions', 'pages', 'vitals'], example: 'releases' })
  @IsString()
  @MaxLength(64)
  target!: string;
}

export class GrafanaVariableRequestDto {
  @ApiProperty({ type: GrafanaVariablePayloadDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => GrafanaVariablePayloadDto)
  payload!: GrafanaVariablePayloadDto;

  @ApiPropertyOptional({ type: GrafanaRangeDto, description: 'The dashboard range; the last 30 days without it.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GrafanaRangeDto)
  range?: GrafanaRangeDto;
}

/** POST /tag-values: Grafana passes its getTagValues options, `key` and, in recent versions, `timeRange`. */
export class GrafanaTagValuesRequestDto {
  @ApiProperty({ enum: ['transaction', 'release', 'environment', 'browser', 'os'], example: 'release' })
  @IsString()
  @MaxLength(64)
  key!: string;

  @ApiPropertyOptional({ type: GrafanaRangeDto, description: 'The dashboard range; the last 30 days without it.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GrafanaRangeDto)
  timeRange?: GrafanaRangeDto;
}

/** The annotation of a POST /annotations request (simple-json's protocol): its query names the sources. */
export class GrafanaAnnotationDto {
  @ApiPropertyOptional({ example: 'Alerts' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: '`alerts`, `releases`, or both separated by a comma; empty: both.', example: 'alerts,releases' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  query?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enable?: boolean;

  @ApiPropertyOptional({ example: 'rgba(255, 96, 96, 1)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  iconColor?: string;
}

/** POST /annotations: the dashboard's range and the annotation being drawn. */
export class GrafanaAnnotationRequestDto {
  @ApiProperty({ type: GrafanaRangeDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => GrafanaRangeDto)
  range!: GrafanaRangeDto;

  @ApiPropertyOptional({ type: GrafanaAnnotationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GrafanaAnnotationDto)
  annotation?: GrafanaAnnotationDto;
}
