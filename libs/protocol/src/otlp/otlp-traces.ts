/**
 * OTLP/HTTP trace export requests (`POST …/v1/traces`), as the OpenTelemetry SDKs and the
 * Collector send them: an `ExportTraceServiceRequest` (opentelemetry-proto v1.9.0,
 * collector/trace/v1/trace_service.proto) encoded as binary protobuf (`application/x-protobuf`) or
 * as OTLP/JSON (`application/json`: lowerCamelCase field names, trace and span ids as hex strings,
 * 64-bit integers as decimal strings or numbers, enums as integers). Both encodings decode to the
 * same typed {@link OtlpTracesRequest}; nothing after this module sees the encoding.
 *
 * CONTRACT FILE: the types and signatures below are shared by the OTLP decoder (this library),
 * the OTLP mapping (@pulse/model otlp/) and the ingest route. Change them only together.
 */

export type OtlpEncoding = 'protobuf' | 'json';

/** An AnyValue: int64 as a JS number (exact to 2^53), bytes as base64, arrays and kvlists nested. */
export type OtlpValue = string | number | boolean | null | OtlpValue[] | { [key: string]: OtlpValue };

/** KeyValue list as a map; a key repeated keeps its last value. */
export type OtlpAttributes = Record<string, OtlpValue>;

/** Span.SpanKind. */
export const enum OtlpSpanKind {
  Unspecified = 0,
  Internal = 1,
  Server = 2,
  Client = 3,
  Producer = 4,
  Consumer = 5,
}

/** Status.StatusCode. */
export const enum OtlpStatusCode {
  Unset = 0,
  Ok = 1,
  Error = 2,
}

/** SpanFlags: bit 8 says whether bit 9 (the parent is remote) is known. */
export const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK = 0x100;
export const SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK = 0x200;

export interface OtlpSpanEvent {
  name: string;
  /** Epoch nanoseconds as a double (±256 ns). */
  timeUnixNano: number;
  attributes: OtlpAttributes;
}

export interface OtlpSpan {
  /** Lower-case hex as sent (32 characters when valid; the mapping checks). */
  traceId: string;
  /** Lower-case hex as sent (16 characters when valid). */
  spanId: string;
  /** Lower-case hex; '' for a root span. */
  parentSpanId: string;
  /** SpanFlags (W3C trace flags in bits 0-7, the is-remote bits 8-9); 0 when absent. */
  flags: number;
  name: string;
  kind: OtlpSpanKind;
  /** Epoch nanoseconds as doubles (±256 ns). */
  startTimeUnixNano: number;
  endTimeUnixNano: number;
  attributes: OtlpAttributes;
  events: OtlpSpanEvent[];
  status: { code: OtlpStatusCode; message: string };
}

export interface OtlpScopeSpans {
  scope: { name: string; version: string };
  spans: OtlpSpan[];
}

export interface OtlpResourceSpans {
  resource: { attributes: OtlpAttributes };
  scopeSpans: OtlpScopeSpans[];
}

export interface OtlpTracesRequest {
  resourceSpans: OtlpResourceSpans[];
  /** Spans in the request, all resources and scopes together (the quota's cost). */
  spanCount: number;
}

export type OtlpDecodeErrorCode =
  /** Not a valid protobuf ExportTraceServiceRequest, or not OTLP/JSON of one (→ 400). */
  | 'malformed'
  /** JSON nested deeper than the depth bound, or AnyValues nested deeper than MAX_OTLP_VALUE_DEPTH (→ 400). */
  | 'too_deep'
  /** More spans than the limit in one request (→ 413). */
  | 'too_many_spans';

export interface OtlpDecodeError {
  code: OtlpDecodeErrorCode;
  detail: string;
}

export type OtlpDecodeResult = { ok: true; request: OtlpTracesRequest } | { ok: false; error: OtlpDecodeError };

export const OTLP_DECODE_ERROR_STATUS: Record<OtlpDecodeErrorCode, number> = { malformed: 400, too_deep: 400, too_many_spans: 413 };

/** AnyValue nesting (arrays, kvlists) kept at most; deeper values are refused, not truncated. */
export const MAX_OTLP_VALUE_DEPTH = 32;
