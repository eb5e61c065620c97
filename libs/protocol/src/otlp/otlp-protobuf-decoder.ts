import { Reader } from 'protobufjs';
import { OtlpDecodeFailure, tooDeepValue, tooManySpans } from './otlp-decode-failure';
import { enterMessage, leaveMessage, readFixed64, readHex, readKeyValue, UNCHECKED_DEPTH } from './otlp-protobuf-values';
import { PROTOBUF_MAX_DEPTH_MESSAGE } from './otlp-schema';
import type { OtlpAttributes, OtlpResourceSpans, OtlpScopeSpans, OtlpSpan, OtlpSpanEvent, OtlpSpanKind, OtlpStatusCode, OtlpTracesRequest } from './otlp-traces';

/**
 * Binary protobuf ExportTraceServiceRequest → OtlpTracesRequest in one pass, hand-written over
 * protobufjs's `Reader`. Why by hand: protobufjs's generated decoders build a message object per
 * span, KeyValue and AnyValue, a Long per time and a Buffer per id, which a second walk then turned
 * into the contract's types; reading the wire straight into OtlpTracesRequest (ids to hex, fixed64
 * to a double, fields Pulse does not use skipped or checked) halves the decoding cost per span.
 *
 * The committed descriptor (otlp-schema.ts) stays the schema of record: otlp-protobuf-decoder.spec.ts
 * decodes the real SDK's output and mutated bytes both with this reader and with protobufjs's
 * `Type.decode` (plus the former conversion), and requires the same request or a refusal from both.
 * What the generated decoders do is done here too, in the same order: the nesting bound
 * (Reader.recursionLimit, raised by otlp-schema.ts; past it → too_deep), length checks, a field of
 * a known number but the wrong wire type skipped like an unknown one, UTF-8 checked on every string,
 * and the fields Pulse ignores (links, scope attributes, entity refs, schema URLs) read and checked,
 * not just skipped. Failures that protobufjs would not raise (a value past MAX_OTLP_VALUE_DEPTH, too
 * many spans) are raised after the whole body has been read, in the order the conversion met them,
 * so a request with bad bytes is `malformed` wherever its other faults are.
 */

/** Where the conversion order meets a failure: resource, then scope (a resource's attributes after its scopes). */
interface Place {
  resource: number;
  scope: number;
}

/** One decode: the body and the first place of each failure raised after reading. */
interface Decoding {
  r: Reader;
  body: Buffer;
  maxSpans: number;
  spanCount: number;
  tooManySpansAt: Place | null;
  tooDeepAt: Place | null;
}

/** Decodes `body`; throws OtlpDecodeFailure. */
export function decodeOtlpProtobuf(body: Buffer, maxSpans: number): OtlpTracesRequest {
  const decoding: Decoding = { r: Reader.create(body), body, maxSpans, spanCount: 0, tooManySpansAt: null, tooDeepAt: null };
  const resourceSpans: OtlpResourceSpans[] = [];
  try {
    const r = decoding.r;
    while (r.pos < r.len) {
      const tag = r.tag();
      const wireType = tag & 7;
      const field = tag >>> 3;
      if (field === 1 && wireType === 2) resourceSpans.push(readResourceSpans(decoding, r.size(), 1, resourceSpans.length));
      else r.skipType(wireType, 0, field);
    }
  } catch (error) {
    // protobufjs's Reader errors: truncated bytes, an invalid wire type or tag, invalid UTF-8, and
    // nesting past the recursion limit (OTLP_PROTOBUF_MAX_NESTING).
    const message = error instanceof Error ? error.message : String(error);
    if (message === PROTOBUF_MAX_DEPTH_MESSAGE) throw tooDeepValue();
    throw new OtlpDecodeFailure('malformed', `not a protobuf ExportTraceServiceRequest: ${message}`);
  }
  const { tooManySpansAt, tooDeepAt } = decoding;
  if (tooManySpansAt && (!tooDeepAt || !isBefore(tooDeepAt, tooManySpansAt))) throw tooManySpans(maxSpans);
  if (tooDeepAt) throw tooDeepValue();
  return { resourceSpans, spanCount: decoding.spanCount };
}

const isBefore = (a: Place, b: Place): boolean => a.resource < b.resource || (a.resource === b.resource && a.scope < b.scope);

function tooDeep(decoding: Decoding, place: Place): void {
  if (!decoding.tooDeepAt || isBefore(place, decoding.tooDeepAt)) decoding.tooDeepAt = place;
}

function readResourceSpans(decoding: Decoding, length: number, depth: number, index: number): OtlpResourceSpans {
  const r = decoding.r;
  const enclosingEnd = enterMessage(r, length, depth);
  const attributes = Object.create(null) as OtlpAttributes;
  const scopeSpans: OtlpScopeSpans[] = [];
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 2) {
      if (readResource(decoding, r.size(), depth + 1, attributes)) tooDeep(decoding, { resource: index, scope: Number.POSITIVE_INFINITY });
    } else if (field === 2 && wireType === 2) scopeSpans.push(readScopeSpans(decoding, r.size(), depth + 1, { resource: index, scope: scopeSpans.length }));
    else if (field === 3 && wireType === 2) r.stringVerify();
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  return { resource: { attributes }, scopeSpans };
}

/** A Resource's attributes into `attributes` (a Resource sent twice is merged); whether one is too deep. */
function readResource(decoding: Decoding, length: number, depth: number, attributes: OtlpAttributes): boolean {
  const { r, body } = decoding;
  const enclosingEnd = enterMessage(r, length, depth);
  let valueTooDeep = false;
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 2) {
      if (readKeyValue(r, body, r.size(), depth + 1, 0, attributes)) valueTooDeep = true;
    } else if (field === 2 && wireType === 0) r.uint32();
    else if (field === 3 && wireType === 2) checkEntityRef(r, r.size(), depth + 1);
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  return valueTooDeep;
}

function readScopeSpans(decoding: Decoding, length: number, depth: number, place: Place): OtlpScopeSpans {
  const r = decoding.r;
  const enclosingEnd = enterMessage(r, length, depth);
  const scope = { name: '', version: '' };
  const spans: OtlpSpan[] = [];
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 2) readScope(decoding, r.size(), depth + 1, scope);
    else if (field === 2 && wireType === 2) spans.push(readSpan(decoding, r.size(), depth + 1, place));
    else if (field === 3 && wireType === 2) r.stringVerify();
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  decoding.spanCount += spans.length;
  if (decoding.spanCount > decoding.maxSpans && !decoding.tooManySpansAt) decoding.tooManySpansAt = place;
  return { scope, spans };
}

/** An InstrumentationScope's name and version into `scope` (merged when sent twice); its attributes are checked, not kept. */
function readScope(decoding: Decoding, length: number, depth: number, scope: { name: string; version: string }): void {
  const { r, body } = decoding;
  const enclosingEnd = enterMessage(r, length, depth);
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 2) scope.name = r.stringVerify();
    else if (field === 2 && wireType === 2) scope.version = r.stringVerify();
    else if (field === 3 && wireType === 2) readKeyValue(r, body, r.size(), depth + 1, UNCHECKED_DEPTH, Object.create(null) as OtlpAttributes);
    else if (field === 4 && wireType === 0) r.uint32();
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
}

function readSpan(decoding: Decoding, length: number, depth: number, place: Place): OtlpSpan {
  const { r, body } = decoding;
  const enclosingEnd = enterMessage(r, length, depth);
  // Fields are gathered in locals and the span built by one literal at the end, as the JSON decoder
  // does: assigning a double to a field first holding 0 would give the spans another hidden class,
  // and the mapping, which reads spans of both decoders, slower property access.
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0;
  let endTimeUnixNano = 0;
  const attributes = Object.create(null) as OtlpAttributes;
  const events: OtlpSpanEvent[] = [];
  const status = { code: 0 as OtlpStatusCode, message: '' };
  let valueTooDeep = false;
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    switch (field) {
      case 1:
        if (wireType !== 2) break;
        traceId = readHex(r, body);
        continue;
      case 2:
        if (wireType !== 2) break;
        spanId = readHex(r, body);
        continue;
      case 3:
        if (wireType !== 2) break;
        r.stringVerify(); // trace_state
        continue;
      case 4:
        if (wireType !== 2) break;
        parentSpanId = readHex(r, body);
        continue;
      case 5:
        if (wireType !== 2) break;
        name = r.stringVerify();
        continue;
      case 6:
        if (wireType !== 0) break;
        kind = r.int32();
        continue;
      case 7:
        if (wireType !== 1) break;
        startTimeUnixNano = readFixed64(r);
        continue;
      case 8:
        if (wireType !== 1) break;
        endTimeUnixNano = readFixed64(r);
        continue;
      case 9:
        if (wireType !== 2) break;
        if (readKeyValue(r, body, r.size(), depth + 1, 0, attributes)) valueTooDeep = true;
        continue;
      case 11:
        if (wireType !== 2) break;
        events.push(readEvent(decoding, r.size(), depth + 1, place));
        continue;
      case 13:
        if (wireType !== 2) break;
        checkLink(decoding, r.size(), depth + 1);
        continue;
      case 15:
        if (wireType !== 2) break;
        readStatus(r, r.size(), depth + 1, status);
        continue;
      case 16:
        if (wireType !== 5) break;
        flags = r.fixed32();
        continue;
      case 10: // dropped_attributes_count
      case 12: // dropped_events_count
      case 14: // dropped_links_count
        if (wireType !== 0) break;
        r.uint32();
        continue;
    }
    r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  if (valueTooDeep) tooDeep(decoding, place);
  return { traceId, spanId, parentSpanId, flags, name, kind: kind as OtlpSpanKind, startTimeUnixNano, endTimeUnixNano, attributes, events, status };
}

function readEvent(decoding: Decoding, length: number, depth: number, place: Place): OtlpSpanEvent {
  const { r, body } = decoding;
  const enclosingEnd = enterMessage(r, length, depth);
  let name = '';
  let timeUnixNano = 0;
  const attributes = Object.create(null) as OtlpAttributes;
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 && wireType === 1) timeUnixNano = readFixed64(r);
    else if (field === 2 && wireType === 2) name = r.stringVerify();
    else if (field === 3 && wireType === 2) {
      if (readKeyValue(r, body, r.size(), depth + 1, 0, attributes)) tooDeep(decoding, place);
    } else if (field === 4 && wireType === 0) r.uint32();
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
  return { name, timeUnixNano, attributes };
}

/** A Status into `status` (merged when sent twice). */
function readStatus(r: Reader, length: number, depth: number, status: { code: OtlpStatusCode; message: string }): void {
  const enclosingEnd = enterMessage(r, length, depth);
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 2 && wireType === 2) status.message = r.stringVerify();
    else if (field === 3 && wireType === 0) status.code = r.int32() as OtlpStatusCode;
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
}

/** A Span.Link, read and checked as protobufjs decodes it; Pulse keeps no links. */
function checkLink(decoding: Decoding, length: number, depth: number): void {
  const { r, body } = decoding;
  const enclosingEnd = enterMessage(r, length, depth);
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if ((field === 1 || field === 2) && wireType === 2) r.skip(r.size());
    else if (field === 3 && wireType === 2) r.stringVerify();
    else if (field === 4 && wireType === 2) readKeyValue(r, body, r.size(), depth + 1, UNCHECKED_DEPTH, Object.create(null) as OtlpAttributes);
    else if (field === 5 && wireType === 0) r.uint32();
    else if (field === 6 && wireType === 5) r.fixed32();
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
}

/** A Resource's EntityRef (schema_url, type, id_keys, description_keys: all strings), read and checked; Pulse keeps none. */
function checkEntityRef(r: Reader, length: number, depth: number): void {
  const enclosingEnd = enterMessage(r, length, depth);
  while (r.pos < r.len) {
    const tag = r.tag();
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field >= 1 && field <= 4 && wireType === 2) r.stringVerify();
    else r.skipType(wireType, depth, field);
  }
  leaveMessage(r, enclosingEnd);
}
