import 'reflect-metadata';
import { ClassConstructor } from 'class-transformer';
import { Equals, IsArray, IsBoolean, IsNumber, IsObject, IsOptional, IsString, Min } from 'class-validator';
import { IsHex16, IsHex32, IsTimestamp } from './common.dto';
import { validateFlatPayload } from './validate-payload';

/**
 * Streamed spans, the default of the current JS SDK major (`traceLifecycle: 'stream'`).
 *
 * Item header: `{"type":"span","item_count":N,"content_type":"application/vnd.sentry.items.span.v2+json"}`.
 * Payload: `{"version": 2, "ingest_settings"?: {...}, "items": [span, ...]}`; a span is
 * `{name, span_id, trace_id, parent_span_id?, start_timestamp, end_timestamp, is_segment, status,
 * attributes: {"<key>": {"value": v, "type": "string"|"integer"|"double"|"boolean"|"array", "unit"?}}}`
 * with float-second timestamps. The batch is validated as a whole (version, items is a list), each
 * span on its own: one bad span drops only itself ({@link validateEach}).
 *
 * Also here: {@link ClassicSpanDto}, one entry of a transaction's `spans[]`, which
 * TransactionEventDto does not declare.
 */
export const SPAN_V2_CONTENT_TYPE = 'application/vnd.sentry.items.span.v2+json';

/** One typed attribute as the SDK serializes it. Read with care: nothing about it is validated. */
export interface SpanAttribute {
  value?: unknown;
  type?: unknown;
  unit?: unknown;
}

export type SpanAttributes = Record<string, SpanAttribute | undefined>;

export class SpanV2Dto {
  @IsString({ message: 'name must be a string' })
  name!: string;

  @IsHex16('span_id')
  span_id!: string;

  @IsHex32('trace_id')
  trace_id!: string;

  @IsOptional()
  @IsHex16('parent_span_id')
  parent_span_id?: string | null;

  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'start_timestamp must be seconds since the epoch' })
  @Min(0, { message: 'start_timestamp must be seconds since the epoch' })
  start_timestamp!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'end_timestamp must be seconds since the epoch' })
  @Min(0, { message: 'end_timestamp must be seconds since the epoch' })
  end_timestamp!: number;

  @IsOptional()
  @IsBoolean({ message: 'is_segment must be a boolean' })
  is_segment?: boolean;

  /** `ok` or `error` from the JS SDK (the detail is in `sentry.status.message`); other SDKs may send a full status name. */
  @IsOptional()
  @IsString({ message: 'status must be a string' })
  status?: string;

  /** Lenient: any object; unknown keys and malformed entries are ignored during normalization. */
  @IsOptional()
  @IsObject({ message: 'attributes must be an object' })
  attributes?: SpanAttributes;
}

export class SpanV2BatchDto {
  @Equals(2, { message: 'version must be 2' })
  version!: 2;

  /** Raw spans; validate each with {@link validateEach}(SpanV2Dto, ...). */
  @IsArray({ message: 'items must be an array' })
  items!: unknown[];

  /** Browser SDK: `{infer_ip: 'auto'|'never', infer_user_agent: 'auto'|'never'}` (take them from the HTTP request). */
  @IsOptional()
  @IsObject()
  ingest_settings?: { infer_ip?: unknown; infer_user_agent?: unknown };
}

/** One entry of a classic transaction's `spans[]`. */
export class ClassicSpanDto {
  @IsHex16('span_id')
  span_id!: string;

  @IsOptional()
  @IsHex32('trace_id')
  trace_id?: string;

  @IsOptional()
  @IsHex16('parent_span_id')
  parent_span_id?: string | null;

  @IsOptional()
  @IsString({ message: 'op must be a string' })
  op?: string;

  @IsOptional()
  @IsString({ message: 'description must be a string' })
  description?: string;

  @IsTimestamp('start_timestamp must be seconds since the epoch or an RFC 3339 string')
  start_timestamp!: number | string;

  /** Required: Relay drops unfinished spans too. */
  @IsTimestamp('timestamp must be seconds since the epoch or an RFC 3339 string')
  timestamp!: number | string;

  @IsOptional()
  @IsString({ message: 'status must be a string' })
  status?: string;

  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export interface ValidatedItems<T> {
  valid: Array<{ index: number; value: T }>;
  invalid: Array<{ index: number; reason: string }>;
}

/**
 * Validates every element of a list on its own; `reason` is the first validation message. The
 * DTOs are flat (no nested `@Type`), so no class-transformer pass is needed.
 */
export function validateEach<T extends object>(dto: ClassConstructor<T>, items: readonly unknown[], what: string): ValidatedItems<T> {
  const result: ValidatedItems<T> = { valid: [], invalid: [] };
  items.forEach((item, index) => {
    const parsed = validateFlatPayload(dto, item, what);
    if (parsed.ok) result.valid.push({ index, value: parsed.value });
    else result.invalid.push({ index, reason: parsed.detail });
  });
  return result;
}
