import { exceedsJsonDepth, tooDeepReason } from '../json-depth';
import { OtlpDecodeFailure, tooDeepValue, tooManySpans } from './otlp-decode-failure';
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
} from './otlp-traces';

/**
 * OTLP/JSON ExportTraceServiceRequest → OtlpTracesRequest, in one walk over JSON.parse's result
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase keys, trace and
 * span ids as hex (not base64 as in plain proto3 JSON), 64-bit integers as decimal strings or
 * numbers, enums as integers or (as the Collector may write them) their names. Unknown fields are
 * ignored, as the spec asks; absent and null fields read as their defaults. A field of the wrong
 * type is refused, naming its path (`resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano:
 * expected an integer`): each level catches the failure and prepends its segment, so nothing is
 * built for the path while decoding succeeds.
 */

/**
 * The nesting bound checked before JSON.parse: the JSON levels of a request whose attribute values
 * nest MAX_OTLP_VALUE_DEPTH kvlists (12 levels down to an event attribute's AnyValue, then 4 per
 * kvlist: kvlistValue, values, KeyValue, value), so JSON refuses what protobuf refuses, no sooner.
 */
export const OTLP_MAX_JSON_DEPTH = 12 + 4 * MAX_OTLP_VALUE_DEPTH;

type JsonObject = Record<string, unknown>;

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Decodes `body`; throws OtlpDecodeFailure. An empty body is an empty request, as in protobuf. */
export function decodeOtlpJson(body: Buffer, maxSpans: number): OtlpTracesRequest {
  if (exceedsJsonDepth(body, OTLP_MAX_JSON_DEPTH)) throw new OtlpDecodeFailure('too_deep', tooDeepReason(OTLP_MAX_JSON_DEPTH));
  const text = body.toString('utf8');
  if (text.trim() === '') return { resourceSpans: [], spanCount: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeFailure('malformed', `not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const request = object(parsed, '');
  let spanCount = 0;
  const resourceSpans: OtlpResourceSpans[] = [];
  const jsonResources = array(request.resourceSpans, 'resourceSpans');
  for (let r = 0; r < jsonResources.length; r++) {
    try {
      const jsonResource = object(jsonResources[r], '');
      const scopeSpans: OtlpScopeSpans[] = [];
      const jsonScopes = array(jsonResource.scopeSpans, 'scopeSpans');
      for (let s = 0; s < jsonScopes.length; s++) {
        try {
          const jsonScope = object(jsonScopes[s], '');
          const jsonSpans = array(jsonScope.spans, 'spans');
          spanCount += jsonSpans.length;
          if (spanCount > maxSpans) throw tooManySpans(maxSpans);
          const spans: OtlpSpan[] = [];
          for (let i = 0; i < jsonSpans.length; i++) {
            try {
              spans.push(span(object(jsonSpans[i], '')));
            } catch (error) {
              throw within(error, `spans[${i}]`);
            }
          }
          const scope = optionalObject(jsonScope.scope, 'scope');
          scopeSpans.push({ scope: { name: string(scope?.name, 'scope.name'), version: string(scope?.version, 'scope.version') }, spans });
        } catch (error) {
          throw within(error, `scopeSpans[${s}]`);
        }
      }
      const resource = optionalObject(jsonResource.resource, 'resource');
      resourceSpans.push({ resource: { attributes: attributes(resource?.attributes, 'resource.attributes', 0) }, scopeSpans });
    } catch (error) {
      throw within(error, `resourceSpans[${r}]`);
    }
  }
  return { resourceSpans, spanCount };
}

function span(json: JsonObject): OtlpSpan {
  const events: OtlpSpanEvent[] = [];
  const jsonEvents = array(json.events, 'events');
  for (let i = 0; i < jsonEvents.length; i++) {
    try {
      const event = object(jsonEvents[i], '');
      events.push({ name: string(event.name, 'name'), timeUnixNano: integer(event.timeUnixNano, 'timeUnixNano'), attributes: attributes(event.attributes, 'attributes', 0) });
    } catch (error) {
      throw within(error, `events[${i}]`);
    }
  }
  const status = optionalObject(json.status, 'status');
  return {
    traceId: hexId(json.traceId, 'traceId'),
    spanId: hexId(json.spanId, 'spanId'),
    parentSpanId: hexId(json.parentSpanId, 'parentSpanId'),
    flags: integer(json.flags, 'flags'),
    name: string(json.name, 'name'),
    kind: enumValue(json.kind, 'kind', SPAN_KINDS) as OtlpSpanKind,
    startTimeUnixNano: integer(json.startTimeUnixNano, 'startTimeUnixNano'),
    endTimeUnixNano: integer(json.endTimeUnixNano, 'endTimeUnixNano'),
    attributes: attributes(json.attributes, 'attributes', 0),
    events,
    status: { code: enumValue(status?.code, 'status.code', STATUS_CODES) as OtlpStatusCode, message: string(status?.message, 'status.message') },
  };
}

/** A KeyValue list at `depth` arrays/kvlists deep as a map (null prototype: a key `__proto__` is data). */
function attributes(value: unknown, field: string, depth: number): OtlpAttributes {
  const map: OtlpAttributes = Object.create(null) as OtlpAttributes;
  const keyValues = array(value, field);
  for (let i = 0; i < keyValues.length; i++) {
    try {
      const keyValue = object(keyValues[i], '');
      const key = string(keyValue.key, 'key');
      try {
        map[key] = anyValue(keyValue.value, depth);
      } catch (error) {
        throw within(error, 'value');
      }
    } catch (error) {
      throw within(error, `${field}[${i}]`);
    }
  }
  return map;
}

function anyValue(value: unknown, depth: number): OtlpValue {
  if (value === undefined || value === null) return null;
  const json = object(value, '');
  if (json.stringValue !== undefined) return string(json.stringValue, 'stringValue');
  if (json.boolValue !== undefined) return boolean(json.boolValue, 'boolValue');
  if (json.intValue !== undefined) return integer(json.intValue, 'intValue');
  if (json.doubleValue !== undefined) return double(json.doubleValue, 'doubleValue');
  if (json.bytesValue !== undefined) return string(json.bytesValue, 'bytesValue');
  if (json.arrayValue !== undefined && json.arrayValue !== null) {
    if (depth >= MAX_OTLP_VALUE_DEPTH) throw tooDeepValue();
    const jsonValues = array(object(json.arrayValue, 'arrayValue').values, 'arrayValue.values');
    const values: OtlpValue[] = [];
    for (let i = 0; i < jsonValues.length; i++) {
      try {
        values.push(anyValue(jsonValues[i], depth + 1));
      } catch (error) {
        throw within(error, `arrayValue.values[${i}]`);
      }
    }
    return values;
  }
  if (json.kvlistValue !== undefined && json.kvlistValue !== null) {
    if (depth >= MAX_OTLP_VALUE_DEPTH) throw tooDeepValue();
    return attributes(object(json.kvlistValue, 'kvlistValue').values, 'kvlistValue.values', depth + 1);
  }
  return null;
}

function within(error: unknown, segment: string): unknown {
  return error instanceof OtlpDecodeFailure ? error.within(segment) : error;
}

function malformed(field: string, expected: string): OtlpDecodeFailure {
  return new OtlpDecodeFailure('malformed', `expected ${expected}`, field);
}

function object(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(field, 'an object');
  return value as JsonObject;
}

function optionalObject(value: unknown, field: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : object(value, field);
}

function array(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(field, 'an array');
  return value;
}

function string(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw malformed(field, 'a string');
  return value;
}

function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw malformed(field, 'a boolean');
  return value;
}

/** An int64/fixed64/fixed32 field: a JSON number or a decimal string (proto3 JSON allows both). */
function integer(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isInteger(number)) throw malformed(field, 'an integer');
  return number;
}

/** A double: a JSON number, or a string (proto3 JSON writes "NaN", "Infinity" and "-Infinity" so). */
function double(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    if (!Number.isNaN(number) || value === 'NaN') return number;
  }
  throw malformed(field, 'a number');
}

function enumValue(value: unknown, field: string, names: Record<string, number>): number {
  if (typeof value === 'string') {
    const named = names[value];
    if (named !== undefined && Object.hasOwn(names, value)) return named;
  }
  if (value === undefined || value === null || typeof value === 'number') return integer(value, field);
  throw malformed(field, `an integer or one of ${Object.keys(names).join(', ')}`);
}

function hexId(value: unknown, field: string): string {
  const id = string(value, field);
  if (!HEX.test(id)) throw malformed(field, 'a hex string');
  return id.toLowerCase();
}
