import {
  HEX16,
  HEX32,
  isAbsent,
  isEpochSeconds,
  isObject,
  isTimestamp,
  JsonObject,
  optionalObject,
  PayloadResult,
  Problem,
  readPayload,
} from './payload-reader';

/**
 * Streamed spans, the default of the current JS SDK major (`traceLifecycle: 'stream'`).
 *
 * Item header: `{"type":"span","item_count":N,"content_type":"application/vnd.sentry.items.span.v2+json"}`.
 * Payload: `{"version": 2, "ingest_settings"?: {...}, "items": [span, ...]}`; a span is
 * `{name, span_id, trace_id, parent_span_id?, start_timestamp, end_timestamp, is_segment, status,
 * attributes: {"<key>": {"value": v, "type": "string"|"integer"|"double"|"boolean"|"array", "unit"?}}}`
 * with float-second timestamps. The batch is read as a whole (version, items is a list), each
 * span on its own with {@link readSpanV2}: one bad span drops only itself.
 *
 * Also here: {@link ClassicSpan}, one entry of a transaction's `spans[]`, read with
 * {@link readClassicSpan}.
 */
export const SPAN_V2_CONTENT_TYPE = 'application/vnd.sentry.items.span.v2+json';

/** One typed attribute as the SDK serializes it. Read with care: nothing about it is validated. */
export interface SpanAttribute {
  value?: unknown;
  type?: unknown;
  unit?: unknown;
}

export type SpanAttributes = Record<string, SpanAttribute | null | undefined>;

export interface SpanV2 {
  name: string;
  span_id: string;
  trace_id: string;
  parent_span_id?: string | null;
  start_timestamp: number;
  end_timestamp: number;
  is_segment?: boolean | null;
  /** `ok` or `error` from the JS SDK (the detail is in `sentry.status.message`); other SDKs may send a full status name. */
  status?: string | null;
  /** Lenient: any object; unknown keys and malformed entries are ignored during normalization. */
  attributes?: SpanAttributes | null;
}

export interface SpanV2Batch {
  version: 2;
  /** Raw spans; read each with {@link readSpanV2}. */
  items: unknown[];
  /** Browser SDK: `{infer_ip: 'auto'|'never', infer_user_agent: 'auto'|'never'}` (take them from the HTTP request). */
  ingest_settings?: { infer_ip?: unknown; infer_user_agent?: unknown } | null;
}

/** One entry of a classic transaction's `spans[]`. */
export interface ClassicSpan {
  span_id: string;
  trace_id?: string | null;
  parent_span_id?: string | null;
  op?: string | null;
  description?: string | null;
  start_timestamp: number | string;
  /** Required: Relay drops unfinished spans too. */
  timestamp: number | string;
  status?: string | null;
  data?: Record<string, unknown> | null;
}

export function readSpanBatch(json: unknown): PayloadResult<SpanV2Batch> {
  return readPayload(json, 'span batch', batchProblem);
}

/** One span of a batch: `invalid span: <problem>` names what is wrong with it. */
export function readSpanV2(json: unknown): PayloadResult<SpanV2> {
  return readPayload(json, 'span', spanV2Problem);
}

export function readClassicSpan(json: unknown): PayloadResult<ClassicSpan> {
  return readPayload(json, 'span', classicSpanProblem);
}

function batchProblem(batch: JsonObject): Problem {
  if (batch.version !== 2) return 'version must be 2';
  if (!Array.isArray(batch.items)) return 'items must be an array';
  return optionalObject(batch.ingest_settings, 'ingest_settings');
}

const SECONDS = 'must be seconds since the epoch';
const isOptionalString = (value: unknown): boolean => isAbsent(value) || typeof value === 'string';
const isHex16 = (value: unknown): boolean => typeof value === 'string' && HEX16.test(value);
const isHex32 = (value: unknown): boolean => typeof value === 'string' && HEX32.test(value);

function spanV2Problem(span: JsonObject): Problem {
  if (typeof span.name !== 'string') return 'name must be a string';
  if (!isHex16(span.span_id)) return 'span_id must be 16 hex characters';
  if (!isHex32(span.trace_id)) return 'trace_id must be 32 hex characters';
  if (!isAbsent(span.parent_span_id) && !isHex16(span.parent_span_id)) return 'parent_span_id must be 16 hex characters';
  if (!isEpochSeconds(span.start_timestamp)) return `start_timestamp ${SECONDS}`;
  if (!isEpochSeconds(span.end_timestamp)) return `end_timestamp ${SECONDS}`;
  if (!isAbsent(span.is_segment) && typeof span.is_segment !== 'boolean') return 'is_segment must be a boolean';
  if (!isOptionalString(span.status)) return 'status must be a string';
  return isAbsent(span.attributes) || isObject(span.attributes) ? undefined : 'attributes must be an object';
}

function classicSpanProblem(span: JsonObject): Problem {
  if (!isHex16(span.span_id)) return 'span_id must be 16 hex characters';
  if (!isAbsent(span.trace_id) && !isHex32(span.trace_id)) return 'trace_id must be 32 hex characters';
  if (!isAbsent(span.parent_span_id) && !isHex16(span.parent_span_id)) return 'parent_span_id must be 16 hex characters';
  if (!isOptionalString(span.op)) return 'op must be a string';
  if (!isOptionalString(span.description)) return 'description must be a string';
  if (!isTimestamp(span.start_timestamp)) return `start_timestamp ${SECONDS} or an RFC 3339 string`;
  if (!isTimestamp(span.timestamp)) return `timestamp ${SECONDS} or an RFC 3339 string`;
  if (!isOptionalString(span.status)) return 'status must be a string';
  return isAbsent(span.data) || isObject(span.data) ? undefined : 'data must be an object';
}
