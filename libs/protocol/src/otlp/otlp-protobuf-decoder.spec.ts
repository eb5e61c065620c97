import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeOtlpProtobufWithProtobufjs, encodeOtlpTracesProtobuf } from '@pulse/protocol/testing';
import { seededRandom } from '@pulse/testing';
import { OtlpDecodeFailure } from './otlp-decode-failure';
import { decodeOtlpProtobuf } from './otlp-protobuf-decoder';
import { MAX_OTLP_VALUE_DEPTH, type OtlpDecodeResult } from './otlp-traces';

// The hand-written protobuf reader against protobufjs's own decode of the committed descriptor
// (plus the conversion Pulse used before): the same request from both on what the real SDK sends
// and on rich hand-built requests, and the same answer (request, or error code and detail) on
// thousands of mutated copies of them.

const START_MS = 1_765_000_000_123;

function sdkSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  // Ids from a counter, not random: the mutations below then start from the same bytes on every run.
  let nextId = 0;
  const id = (hexLength: number): string => (++nextId).toString(16).padStart(hexLength, '0');
  const provider = new BasicTracerProvider({
    idGenerator: { generateTraceId: () => id(32), generateSpanId: () => id(16) },
    resource: resourceFromAttributes({ 'service.name': 'shop', 'service.version': '2.0.0', 'telemetry.sdk.language': 'nodejs', 'host.cpu.count': 8 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('shop-instrumentation', '1.2.3');
  const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true });
  const server = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: START_MS, attributes: { 'http.request.method': 'GET', 'http.route': '/cart', 'http.response.status_code': 200, ratio: 0.5, ok: true, list: ['a', 'b'], ints: [1, 2] } }, remote);
  const linked = { context: { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb', traceFlags: 1, traceState: undefined }, attributes: { why: 'batch' } };
  const child = tracer.startSpan('SELECT cart', { kind: SpanKind.CLIENT, startTime: START_MS + 5, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM cart' }, links: [linked] }, trace.setSpan(remote, server));
  child.addEvent('rows', { count: 3 }, START_MS + 6);
  child.end(START_MS + 9);
  server.recordException(new Error('late'), START_MS + 10);
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'late' });
  server.end(START_MS + 20);
  return exporter.getFinishedSpans();
}

/** A request with every field the reader reads or checks, including merged and oneof-overridden values. */
const RICH_REQUEST = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 2, entityRefs: [{ schemaUrl: 'u', type: 'service', idKeys: ['service.name'], descriptionKeys: ['d'] }] },
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      scopeSpans: [
        {
          scope: { name: 'scope', version: '1', attributes: [{ key: 'a', value: { intValue: '-5' } }], droppedAttributesCount: 1 },
          schemaUrl: 's',
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              parentSpanId: 'aaaabbbbccccdddd',
              traceState: 'k=v',
              flags: 0x301,
              name: 'work',
              kind: 5,
              startTimeUnixNano: '1765000000000000001',
              endTimeUnixNano: '18446744073709551615',
              attributes: [
                { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
                { key: 'double', value: { doubleValue: -0.25 } },
                { key: 'big', value: { intValue: '-9223372036854775808' } },
                { key: 'nested', value: { arrayValue: { values: [{ kvlistValue: { values: [{ key: 'x', value: { boolValue: true } }, { key: 'y' }] } }, {}] } } },
              ],
              droppedAttributesCount: 1,
              events: [{ timeUnixNano: '1765000000000000002', name: 'e', attributes: [{ key: 'k', value: { stringValue: '' } }], droppedAttributesCount: 3 }],
              droppedEventsCount: 4,
              links: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: '0000000000000001', traceState: 't', attributes: [{ key: 'l', value: { doubleValue: 1 } }], droppedAttributesCount: 1, flags: 1 }],
              droppedLinksCount: 5,
              status: { message: 'bad', code: 2 },
            },
            {},
          ],
        },
        {},
      ],
    },
    {},
  ],
};

const viaProtobufjs = (body: Buffer, maxSpans: number): OtlpDecodeResult => outcome(() => decodeOtlpProtobufWithProtobufjs(body, maxSpans));
const viaReader = (body: Buffer, maxSpans: number): OtlpDecodeResult => outcome(() => decodeOtlpProtobuf(body, maxSpans));

function outcome(decode: () => ReturnType<typeof decodeOtlpProtobuf>): OtlpDecodeResult {
  try {
    return { ok: true, request: decode() };
  } catch (error) {
    if (error instanceof OtlpDecodeFailure) return { ok: false, error: { code: error.code, detail: error.detail } };
    throw error;
  }
}

function mutate(body: Buffer, next: () => number): Buffer {
  const at = Math.floor(next() * body.length);
  const copy = Buffer.from(body);
  switch (Math.floor(next() * 5)) {
    case 0:
      copy[at] = Math.floor(next() * 256);
      return copy;
    case 1:
      copy[at] ^= 1 << Math.floor(next() * 8);
      return copy;
    case 2:
      return copy.subarray(0, at);
    case 3:
      return Buffer.concat([copy.subarray(0, at), Buffer.from([Math.floor(next() * 256), Math.floor(next() * 256)]), copy.subarray(at)]);
    default:
      return Buffer.concat([copy.subarray(0, at), copy.subarray(Math.min(body.length, at + 1 + Math.floor(next() * 4)))]);
  }
}

/** An attribute value of `levels` kvlists inside each other, in OTLP/JSON form. */
function nestedKvlist(levels: number): object {
  let value: object = { stringValue: 'leaf' };
  for (let i = 0; i < levels; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
  return value;
}

const sdkBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(sdkSpans()) ?? new Uint8Array());
const richBody = encodeOtlpTracesProtobuf(RICH_REQUEST);

describe('the hand-written OTLP protobuf reader', () => {
  it('decodes what the OpenTelemetry JS SDK sends exactly as protobufjs does', () => {
    const expected = viaProtobufjs(sdkBody, 100);
    expect(expected.ok && expected.request.spanCount).toBe(2);
    expect(viaReader(sdkBody, 100)).toEqual(expected);
  });

  it('decodes every field, unused ones included, exactly as protobufjs does', () => {
    const expected = viaProtobufjs(richBody, 100);
    expect(expected.ok && expected.request.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano).toBe(2 ** 64);
    expect(viaReader(richBody, 100)).toEqual(expected);
  });

  it('merges a field sent twice and lets the last oneof member win, as protobufjs does', () => {
    const twice = Buffer.concat([richBody, richBody.subarray(0, richBody.length)]);
    expect(viaReader(twice, 100)).toEqual(viaProtobufjs(twice, 100));
    // One KeyValue whose value is sent as an array, then a string, then an array again: a string value.
    const value = (inner: Buffer): Buffer => Buffer.concat([Buffer.from([0x12, inner.length]), inner]);
    const keyValue = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b]), value(Buffer.from([0x2a, 0x02, 0x0a, 0x00])), value(Buffer.from([0x0a, 0x01, 0x78])), value(Buffer.from([0x2a, 0x00, 0x0a, 0x01, 0x79]))]);
    const resource = Buffer.concat([Buffer.from([0x0a, keyValue.length + 2, 0x0a, keyValue.length]), keyValue]);
    const body = Buffer.concat([Buffer.from([0x0a, resource.length]), resource]);
    const result = viaReader(body, 10);
    expect(result.ok && result.request.resourceSpans[0].resource.attributes).toEqual({ k: 'y' });
    expect(result).toEqual(viaProtobufjs(body, 10));
  });

  it('agrees on value depth, message nesting and the span limit, whichever comes first', () => {
    const deep = (levels: number, where: 'span' | 'resource' | 'link') => {
      const attributes = [{ key: 'deep', value: nestedKvlist(levels) }];
      const span = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', ...(where === 'span' ? { attributes } : {}), ...(where === 'link' ? { links: [{ attributes }] } : {}) };
      return encodeOtlpTracesProtobuf({ resourceSpans: [{ resource: where === 'resource' ? { attributes } : {}, scopeSpans: [{ spans: [span, {}] }] }, { scopeSpans: [{ spans: [{}] }] }] });
    };
    for (const levels of [MAX_OTLP_VALUE_DEPTH, MAX_OTLP_VALUE_DEPTH + 1, 40]) {
      for (const where of ['span', 'resource', 'link'] as const) {
        for (const maxSpans of [1, 2, 3]) {
          const body = deep(levels, where);
          expect([levels, where, maxSpans, viaReader(body, maxSpans)]).toEqual([levels, where, maxSpans, viaProtobufjs(body, maxSpans)]);
        }
      }
    }
  });

  it.each([
    ['the SDK request', sdkBody],
    ['the rich request', richBody],
  ])('gives protobufjs answer on 4,000 mutations of %s', (_name, body) => {
    const next = seededRandom(body.length);
    let refused = 0;
    for (let i = 0; i < 4_000; i++) {
      let mutated = mutate(body, next);
      if (next() < 0.3) mutated = mutate(mutated, next);
      const expected = viaProtobufjs(mutated, 100);
      if (!expected.ok) refused++;
      const actual = viaReader(mutated, 100);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect([mutated.toString('hex'), actual]).toEqual([mutated.toString('hex'), expected]);
    }
    // The mutations reach both answers: some are refused, most still decode.
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(3_900);
  });
});
