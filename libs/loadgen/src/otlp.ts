import type { AttributeValue } from './envelope';

/**
 * OTLP/JSON trace exports (opentelemetry-proto v1.9.0, `ExportTraceServiceRequest`) as the
 * OpenTelemetry JS exporters write them: lowerCamelCase fields, trace and span ids as lower-case
 * hex, epoch nanoseconds as decimal strings (they do not fit a double), enums as integers, and
 * attributes as `{key, value: AnyValue}` lists. The load generator renders these objects; the
 * JSON body is their `JSON.stringify`, the protobuf body their encoding (otlp-request.ts).
 */
export type OtlpJsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  /** int64: a decimal string, as the protobuf JSON mapping writes 64-bit integers. */
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpJsonAnyValue[] } };

export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonAnyValue;
}

/** Span.SpanKind as OTLP/JSON writes it (an integer). */
export const OTLP_SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;
/** Status.StatusCode as OTLP/JSON writes it. */
export const OTLP_STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;
/** SpanFlags of a sampled span whose parent's remoteness is known (and local): W3C "sampled" (0x01) | CONTEXT_HAS_IS_REMOTE (0x100). */
export const OTLP_LOCAL_SAMPLED_FLAGS = 0x101;

export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  /** Absent on a root span (the JS exporter leaves it out). */
  parentSpanId?: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpJsonKeyValue[];
  status: { code: number; message?: string };
}

export interface OtlpJsonScopeSpans {
  scope: { name: string; version: string };
  spans: OtlpJsonSpan[];
}

export interface OtlpJsonResourceSpans {
  resource: { attributes: OtlpJsonKeyValue[] };
  scopeSpans: OtlpJsonScopeSpans[];
}

export interface OtlpJsonTracesRequest {
  resourceSpans: OtlpJsonResourceSpans[];
}

/** `{key: value}` → OTLP key-values; the type follows the JS value (380 → intValue, 96.3 → doubleValue), undefined is left out. */
export function otlpAttributes(attributes: Record<string, AttributeValue | undefined>): OtlpJsonKeyValue[] {
  const list: OtlpJsonKeyValue[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) list.push({ key, value: otlpValue(value) });
  }
  return list;
}

function otlpValue(value: AttributeValue): OtlpJsonAnyValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/**
 * Epoch milliseconds (fractional, as the generator's times are) → epoch nanoseconds as a decimal
 * string, at microsecond precision like the SDKs' float seconds (`toSeconds`): the same instants
 * as the envelopes carry. Done on whole microseconds (< 2^53) and written with three zeros, since
 * nanoseconds since 1970 do not fit a double exactly.
 */
export function unixNanos(ms: number): string {
  return `${Math.round(ms * 1000)}000`;
}

/** Spans in an export, all resources and scopes together. */
export function otlpSpanCount(request: OtlpJsonTracesRequest): number {
  let spans = 0;
  for (const resource of request.resourceSpans) for (const scope of resource.scopeSpans) spans += scope.spans.length;
  return spans;
}
