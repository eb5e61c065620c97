import { OtlpDecodeFailure, tooDeepValue, tooManySpans } from '../otlp/otlp-decode-failure';
import { EXPORT_TRACE_SERVICE_REQUEST, PROTOBUF_MAX_DEPTH_MESSAGE } from '../otlp/otlp-schema';
import {
  MAX_OTLP_VALUE_DEPTH,
  type OtlpAttributes,
  type OtlpResourceSpans,
  type OtlpScopeSpans,
  type OtlpSpan,
  type OtlpSpanEvent,
  type OtlpSpanKind,
  type OtlpStatusCode,
  type OtlpTracesRequest,
  type OtlpValue,
} from '../otlp/otlp-traces';

/**
 * The reference the hand-written protobuf reader (otlp/otlp-protobuf-decoder.ts) is checked against:
 * the decoder Pulse used before it, kept for the specs. protobufjs decodes the bytes with
 * its generated per-type decoders; one walk then turns its messages into the contract's plain
 * types: ids to lower-case hex, 64-bit Longs to numbers, AnyValues to JSON-like values. Fields left
 * out on the wire read as protobufjs's prototype defaults ('' / 0 / [] / null), which become the
 * contract's defaults here. Errors are thrown as OtlpDecodeFailure, as the reader throws them.
 */

/** A 64-bit integer as protobufjs decodes it: a Long (the `long` package is installed) or a number. */
type Int64 = number | { toNumber(): number };

interface PbKeyValue {
  key: string;
  value: PbAnyValue | null;
}

interface PbAnyValue {
  /** The oneof's virtual getter: the name of the member that is set, if any. */
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue: string;
  boolValue: boolean;
  intValue: Int64;
  doubleValue: number;
  arrayValue: { values: PbAnyValue[] } | null;
  kvlistValue: { values: PbKeyValue[] } | null;
  bytesValue: Uint8Array;
}

interface PbEvent {
  timeUnixNano: Int64;
  name: string;
  attributes: PbKeyValue[];
}

interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes: PbKeyValue[];
  events: PbEvent[];
  status: { message: string; code: number } | null;
}

interface PbRequest {
  resourceSpans: {
    resource: { attributes: PbKeyValue[] } | null;
    scopeSpans: { scope: { name: string; version: string } | null; spans: PbSpan[] }[];
  }[];
}

/** Decodes `body` with protobufjs's generated decoders and converts the messages; throws OtlpDecodeFailure. */
export function decodeOtlpProtobufWithProtobufjs(body: Buffer, maxSpans: number): OtlpTracesRequest {
  let message: PbRequest;
  try {
    message = EXPORT_TRACE_SERVICE_REQUEST.decode(body) as unknown as PbRequest;
  } catch (error) {
    // protobufjs's errors: truncated bytes, an invalid wire type, nesting past its recursion limit
    // (OTLP_PROTOBUF_MAX_NESTING), and a RangeError should anything still exhaust the stack.
    const message = error instanceof Error ? error.message : String(error);
    if (message === PROTOBUF_MAX_DEPTH_MESSAGE) throw tooDeepValue();
    throw new OtlpDecodeFailure('malformed', `not a protobuf ExportTraceServiceRequest: ${message}`);
  }
  let spanCount = 0;
  const resourceSpans: OtlpResourceSpans[] = [];
  for (const pbResource of message.resourceSpans) {
    const scopeSpans: OtlpScopeSpans[] = [];
    for (const pbScope of pbResource.scopeSpans) {
      spanCount += pbScope.spans.length;
      if (spanCount > maxSpans) throw tooManySpans(maxSpans);
      const spans: OtlpSpan[] = [];
      for (const pbSpan of pbScope.spans) spans.push(span(pbSpan));
      scopeSpans.push({ scope: { name: pbScope.scope?.name ?? '', version: pbScope.scope?.version ?? '' }, spans });
    }
    resourceSpans.push({ resource: { attributes: attributes(pbResource.resource?.attributes ?? [], 0) }, scopeSpans });
  }
  return { resourceSpans, spanCount };
}

function span(pb: PbSpan): OtlpSpan {
  const events: OtlpSpanEvent[] = [];
  for (const event of pb.events) {
    events.push({ name: event.name, timeUnixNano: int64(event.timeUnixNano), attributes: attributes(event.attributes, 0) });
  }
  return {
    traceId: hex(pb.traceId),
    spanId: hex(pb.spanId),
    parentSpanId: hex(pb.parentSpanId),
    flags: pb.flags,
    name: pb.name,
    kind: pb.kind as OtlpSpanKind,
    startTimeUnixNano: int64(pb.startTimeUnixNano),
    endTimeUnixNano: int64(pb.endTimeUnixNano),
    attributes: attributes(pb.attributes, 0),
    events,
    status: { code: (pb.status?.code ?? 0) as OtlpStatusCode, message: pb.status?.message ?? '' },
  };
}

/** KeyValues at `depth` arrays/kvlists deep as a map (null prototype: a key `__proto__` is data). */
function attributes(keyValues: PbKeyValue[], depth: number): OtlpAttributes {
  const map: OtlpAttributes = Object.create(null) as OtlpAttributes;
  for (const keyValue of keyValues) map[keyValue.key] = keyValue.value === null ? null : anyValue(keyValue.value, depth);
  return map;
}

function anyValue(pb: PbAnyValue, depth: number): OtlpValue {
  switch (pb.value) {
    case 'stringValue':
      return pb.stringValue;
    case 'boolValue':
      return pb.boolValue;
    case 'intValue':
      return int64(pb.intValue);
    case 'doubleValue':
      return pb.doubleValue;
    case 'bytesValue':
      return bufferOf(pb.bytesValue).toString('base64');
    case 'arrayValue': {
      if (depth >= MAX_OTLP_VALUE_DEPTH) throw tooDeepValue();
      const values: OtlpValue[] = [];
      for (const value of pb.arrayValue?.values ?? []) values.push(anyValue(value, depth + 1));
      return values;
    }
    case 'kvlistValue':
      if (depth >= MAX_OTLP_VALUE_DEPTH) throw tooDeepValue();
      return attributes(pb.kvlistValue?.values ?? [], depth + 1);
    default:
      return null;
  }
}

function int64(value: Int64): number {
  return typeof value === 'number' ? value : value.toNumber();
}

function hex(bytes: Uint8Array): string {
  return bytes.length === 0 ? '' : bufferOf(bytes).toString('hex');
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
