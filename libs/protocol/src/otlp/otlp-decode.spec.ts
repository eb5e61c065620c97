import { encodeOtlpTracesProtobuf } from '@pulse/protocol/testing';
import { tooDeepReason } from '../json-depth';
import { decodeOtlpTraces, otlpEncodingOf } from './otlp-decode';
import { OTLP_MAX_JSON_DEPTH } from './otlp-json-decoder';
import { MAX_OTLP_VALUE_DEPTH, type OtlpDecodeResult, OtlpSpanKind, OtlpStatusCode, type OtlpTracesRequest } from './otlp-traces';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** An OTLP/JSON request with one span per entry of `spans` (merged over a complete span). */
function request(...spans: object[]): object {
  const base = { traceId: TRACE_ID, spanId: SPAN_ID, name: 'GET /', kind: 2, startTimeUnixNano: '1765000000000000000', endTimeUnixNano: '1765000000500000000' };
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: spans.map((span) => ({ ...base, ...span })) }] }] };
}

const json = (value: object | string): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const decodeJson = (value: object | string, maxSpans = 100): OtlpDecodeResult => decodeOtlpTraces(json(value), 'json', { maxSpans });
const decodeProtobuf = (value: object, maxSpans = 100): OtlpDecodeResult => decodeOtlpTraces(encodeOtlpTracesProtobuf(value), 'protobuf', { maxSpans });

function ok(result: OtlpDecodeResult): OtlpTracesRequest {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.detail}`);
  return result.request;
}

/** An attribute value of `levels` kvlists inside each other around a string. */
function nestedKvlist(levels: number): object {
  let value: object = { stringValue: 'leaf' };
  for (let i = 0; i < levels; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
  return value;
}

describe('decodeOtlpTraces', () => {
  it('decodes an empty body and {} as a request of no spans, in both encodings', () => {
    const empty = { resourceSpans: [], spanCount: 0 };
    expect(ok(decodeOtlpTraces(Buffer.alloc(0), 'protobuf', { maxSpans: 10 }))).toEqual(empty);
    expect(ok(decodeOtlpTraces(Buffer.alloc(0), 'json', { maxSpans: 10 }))).toEqual(empty);
    expect(ok(decodeJson({}))).toEqual(empty);
    expect(ok(decodeJson({ resourceSpans: [{}] }))).toEqual({ resourceSpans: [{ resource: { attributes: {} }, scopeSpans: [] }], spanCount: 0 });
  });

  it('fills absent span fields with their defaults, the same in both encodings', () => {
    const sparse = { resourceSpans: [{ scopeSpans: [{ spans: [{}] }] }] };
    const expected = {
      resourceSpans: [
        {
          resource: { attributes: {} },
          scopeSpans: [
            {
              scope: { name: '', version: '' },
              spans: [{ traceId: '', spanId: '', parentSpanId: '', flags: 0, name: '', kind: 0, startTimeUnixNano: 0, endTimeUnixNano: 0, attributes: {}, events: [], status: { code: 0, message: '' } }],
            },
          ],
        },
      ],
      spanCount: 1,
    };
    expect(ok(decodeJson(sparse))).toEqual(expected);
    expect(ok(decodeProtobuf(sparse))).toEqual(expected);
  });

  it('reads every AnyValue kind, ints as strings or numbers, and enum names, the same in both encodings', () => {
    const attributes = [
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: true } },
      { key: 'i', value: { intValue: '-9007199254740991' } },
      { key: 'n', value: { intValue: 42 } },
      { key: 'd', value: { doubleValue: 1.5 } },
      { key: 'bytes', value: { bytesValue: 'AQID' } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, {}] } } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { boolValue: false } }] } } },
      { key: 'none' },
      { key: 's', value: { stringValue: 'last wins' } },
    ];
    const body = request({ kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_ERROR', message: 'm' }, flags: 769, parentSpanId: 'ABCDEF0123456789', attributes });
    const fromJson = ok(decodeJson(body));
    expect(ok(decodeProtobuf(body))).toEqual(fromJson);
    const span = fromJson.resourceSpans[0].scopeSpans[0].spans[0];
    expect(span.attributes).toEqual({ s: 'last wins', b: true, i: -9007199254740991, n: 42, d: 1.5, bytes: 'AQID', arr: ['a', 1, null], kv: { inner: false }, none: null });
    expect(span.kind).toBe(OtlpSpanKind.Consumer);
    expect(span.status).toEqual({ code: OtlpStatusCode.Error, message: 'm' });
    expect(span.flags).toBe(769);
    expect(span.parentSpanId).toBe('abcdef0123456789');
    expect(span.startTimeUnixNano).toBe(1765000000000000000);
  });

  it('keeps a key named __proto__ as data', () => {
    const body = request({ attributes: [{ key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { boolValue: true } }] } } }] });
    for (const result of [decodeJson(body), decodeProtobuf(body)]) {
      const attributes = ok(result).resourceSpans[0].scopeSpans[0].spans[0].attributes;
      expect(Object.keys(attributes)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('refuses more spans than the limit, counted over every resource and scope', () => {
    const body = { resourceSpans: [request({}, {}), request({})].flatMap((r) => (r as { resourceSpans: object[] }).resourceSpans) };
    expect(ok(decodeJson(body, 3)).spanCount).toBe(3);
    expect(ok(decodeProtobuf(body, 3)).spanCount).toBe(3);
    const tooMany = { ok: false, error: { code: 'too_many_spans', detail: 'more than 2 spans in one request (the limit)' } };
    expect(decodeJson(body, 2)).toEqual(tooMany);
    expect(decodeProtobuf(body, 2)).toEqual(tooMany);
  });

  it('refuses AnyValues nested deeper than MAX_OTLP_VALUE_DEPTH in both encodings, and allows the limit', () => {
    const atLimit = request({ events: [{ name: 'e', attributes: [{ key: 'deep', value: nestedKvlist(MAX_OTLP_VALUE_DEPTH) }] }] });
    expect(ok(decodeJson(atLimit)).spanCount).toBe(1);
    expect(ok(decodeProtobuf(atLimit)).spanCount).toBe(1);
    const beyond = request({ attributes: [{ key: 'deep', value: nestedKvlist(MAX_OTLP_VALUE_DEPTH + 1) }] });
    const protobufResult = decodeProtobuf(beyond);
    expect(protobufResult.ok === false && protobufResult.error.code).toBe('too_deep');
    const jsonResult = decodeJson(beyond);
    expect(jsonResult.ok === false && jsonResult.error.code).toBe('too_deep');
    let arrays: object = { intValue: 1 };
    for (let i = 0; i <= MAX_OTLP_VALUE_DEPTH; i++) arrays = { arrayValue: { values: [arrays] } };
    const arrayResult = decodeJson(request({ attributes: [{ key: 'deep', value: arrays }] }));
    expect(arrayResult.ok === false && arrayResult.error.code).toBe('too_deep');
  });

  it('refuses a JSON depth bomb before parsing it', () => {
    const bomb = `{"resourceSpans":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(decodeJson(bomb)).toEqual({ ok: false, error: { code: 'too_deep', detail: tooDeepReason(OTLP_MAX_JSON_DEPTH) } });
  });

  it('refuses a protobuf kvlist bomb as too_deep, without exhausting the stack', () => {
    // AnyValue{kvlist_value(6): KeyValueList{values(1): KeyValue{value(2): AnyValue{…}}}}, built inside out.
    let anyValue: Buffer = Buffer.from([0x0a, 0x01, 0x78]); // string_value = "x"
    const wrap = (tag: number, inner: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), varint(inner.length), inner]);
    for (let i = 0; i < 5_000; i++) anyValue = wrap(0x32, wrap(0x0a, wrap(0x12, anyValue)));
    const keyValue = wrap(0x12, anyValue);
    const body = wrap(0x0a, wrap(0x12, wrap(0x12, wrap(0x4a, keyValue)))); // resource_spans.scope_spans.spans.attributes
    const result = decodeOtlpTraces(body, 'protobuf', { maxSpans: 10 });
    expect(result.ok === false && result.error.code).toBe('too_deep');
  });

  it('refuses truncated protobuf and invalid wire types as malformed, with protobufjs message', () => {
    const whole = encodeOtlpTracesProtobuf(request({}));
    const truncated = decodeOtlpTraces(whole.subarray(0, whole.length - 5), 'protobuf', { maxSpans: 10 });
    expect(truncated).toEqual({ ok: false, error: { code: 'malformed', detail: expect.stringMatching(/^not a protobuf ExportTraceServiceRequest: index out of range/) } });
    const wireType7 = decodeOtlpTraces(Buffer.from([0x0f, 0x00]), 'protobuf', { maxSpans: 10 });
    expect(wireType7).toEqual({ ok: false, error: { code: 'malformed', detail: expect.stringContaining('invalid wire type 7') } });
    // A length that runs past the end of the body.
    const overlong = decodeOtlpTraces(Buffer.from([0x0a, 0x7f, 0x00]), 'protobuf', { maxSpans: 10 });
    expect(overlong).toEqual({ ok: false, error: { code: 'malformed', detail: expect.stringContaining('index out of range') } });
    // resource_spans (field 1) sent as a varint: protobufjs skips a known field of the wrong wire
    // type as it skips an unknown field, so nothing is misread as a message.
    expect(ok(decodeOtlpTraces(Buffer.from([0x08, 0x7f]), 'protobuf', { maxSpans: 10 }))).toEqual({ resourceSpans: [], spanCount: 0 });
    const json = decodeOtlpTraces(Buffer.from('{"resourceSpans":[]}'), 'protobuf', { maxSpans: 10 });
    expect(json.ok === false && json.error.code).toBe('malformed');
  });

  it.each([
    ['not JSON', '{"resourceSpans":', ''],
    ['an array body', '[]', 'expected an object'],
    ['resourceSpans not an array', { resourceSpans: {} }, 'resourceSpans: expected an array'],
    ['a time as a float', request({}, {}, {}, { startTimeUnixNano: 1.5 }), 'resourceSpans[0].scopeSpans[0].spans[3].startTimeUnixNano: expected an integer'],
    ['a time as text', request({ endTimeUnixNano: 'soon' }), 'resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano: expected an integer'],
    ['a base64 id', request({ traceId: 'W47/95gDgQPSabYzgT/GDA==' }), 'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a hex string'],
    ['an unknown kind name', request({ kind: 'SERVER' }), 'resourceSpans[0].scopeSpans[0].spans[0].kind: expected an integer or one of SPAN_KIND_UNSPECIFIED'],
    ['a numeric name', request({ name: 5 }), 'resourceSpans[0].scopeSpans[0].spans[0].name: expected a string'],
    ['a status code as a boolean', request({ status: { code: true } }), 'resourceSpans[0].scopeSpans[0].spans[0].status.code: expected an integer'],
    ['an event time as an object', request({ events: [{}, { timeUnixNano: {} }] }), 'resourceSpans[0].scopeSpans[0].spans[0].events[1].timeUnixNano: expected an integer'],
    ['a bool given as a string', request({ attributes: [{ key: 'a', value: { arrayValue: { values: [{ boolValue: 'yes' }] } } }] }), 'spans[0].attributes[0].value.arrayValue.values[0].boolValue: expected a boolean'],
    ['a resource attribute key as a number', { resourceSpans: [{ resource: { attributes: [{ key: 1 }] } }] }, 'resourceSpans[0].resource.attributes[0].key: expected a string'],
    ['a scope as a string', { resourceSpans: [{ scopeSpans: [{ scope: 'x' }] }] }, 'resourceSpans[0].scopeSpans[0].scope: expected an object'],
  ])('refuses JSON with %s as malformed, naming the path', (_case, body, detail) => {
    const result = decodeJson(body);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error.code).toBe('malformed');
    expect(result.ok === false && result.error.detail).toContain(detail);
  });

  it('ignores unknown JSON fields', () => {
    const body = { resourceSpans: [{ schemaUrl: 'x', future: { a: [1] }, scopeSpans: [{ spans: [{ name: 'n', traceState: 'k=v', links: [{ traceId: 'zz' }] }] }] }] };
    expect(ok(decodeJson(body)).resourceSpans[0].scopeSpans[0].spans[0].name).toBe('n');
  });
});

describe('otlpEncodingOf', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['application/protobuf', 'protobuf'],
    ['Application/X-Protobuf ; foo=bar', 'protobuf'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['text/plain', undefined],
    ['application/jsonl', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (contentType, encoding) => {
    expect(otlpEncodingOf(contentType)).toBe(encoding);
  });
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
