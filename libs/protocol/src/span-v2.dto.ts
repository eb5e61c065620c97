import 'reflect-metadata';
import { ClassConstructor } from 'class-transformer';
import { Equals, IsArray, IsBoolean, IsNumber, IsObject, IsOptional, IsString, Matches, Min, ValidateIf } from 'class-validator';
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

const HEX16 = /^[0-9a-fA-F]{16}$/;
const HEX32 = /^[0-9a-fA-F]{32}$/;

const isTimestamp = (value: unknown): boolean =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));

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

  @Matches(HEX16, { message: 'span_id must be 16 hex characters' })
  span_id!: string;

  @Matches(HEX32, { message: 'trace_id must be 32 hex characters' })
  trace_id!: string;

  @IsOptional()
  @Matches(HEX16, { message: 'parent_span_id must be 16 hex characters' })
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
  @Matches(HEX16, { message: 'span_id must be 16 hex characters' })
  span_id!: string;

  @IsOptional()
  @Matches(HEX32, { message: 'trace_id must be 32 hex characters' })
  trace_id?: string;

  @IsOptional()
  @Matches(HEX16, { message: 'parent_span_id must be 16 hex characters' })
  parent_span_id?: string | null;

  @IsOptional()
  @IsString({ message: 'op must be a string' })
  op?: string;

  @IsOptional()
  @IsString({ message: 'description must be a string' })
  description?: string;

  @ValidateIf((_, v) => !isTimestamp(v))
  @IsNumber({}, { message: 'start_timestamp must be seconds since the epoch or an RFC 3339 string' })
  start_timestamp!: number | string;

  /** Required: Relay drops unfinished spans too. */
  @ValidateIf((_, v) => !isTimestamp(v))
  @IsNumber({}, { message: 'timestamp must be seconds since the epoch or an RFC 3339 string' })
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
