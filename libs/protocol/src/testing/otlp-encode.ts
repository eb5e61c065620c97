import { util } from 'protobufjs';
import { encodeMessage, EXPORT_TRACE_SERVICE_REQUEST } from '../otlp/otlp-schema';

/**
 * protobufjs's fromObject and encode stop at 100 nested messages (util.recursionLimit); tests build
 * requests nested past MAX_OTLP_VALUE_DEPTH on purpose, to see the decoder refuse them. The
 * decoder's own bound is Reader.recursionLimit, a separate static this does not touch.
 */
const ENCODE_MAX_NESTING = 1_000;

/**
 * OTLP/JSON-shaped request → binary protobuf, for tests and the benchmark, which write requests in
 * OTLP/JSON form (hex ids, int64 as strings or numbers, enums as integers or names, bytesValue as
 * base64). protobufjs's fromObject reads that form except for the ids, which OTLP/JSON writes in
 * hex where proto3 JSON would use base64: they are turned into bytes first, on a copy.
 */
export function encodeOtlpTracesProtobuf(otlpJson: object): Buffer {
  if (util.recursionLimit < ENCODE_MAX_NESTING) util.recursionLimit = ENCODE_MAX_NESTING;
  return encodeMessage(EXPORT_TRACE_SERVICE_REQUEST, withIdBytes(otlpJson) as Record<string, unknown>);
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

function withIdBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withIdBytes);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = ID_FIELDS.has(key) && typeof field === 'string' ? Buffer.from(field, 'hex') : withIdBytes(field);
  }
  return copy;
}
