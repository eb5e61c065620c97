import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeOtlpTraces } from './otlp-decode';
import { encodeOtlpStatus, encodeOtlpTraceResponse } from './otlp-response';
import { type OtlpSpan, OtlpSpanKind, OtlpStatusCode, type OtlpTracesRequest, SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK, SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK } from './otlp-traces';

// What the real OpenTelemetry JS SDK sends: spans made by sdk-trace-base, serialized by the
// exporters' own serializers (otlp-transformer), decoded in both encodings.

const REMOTE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const REMOTE_SPAN_ID = 'b7ad6b7169203331';
const START_MS = 1_765_000_000_123;

function recordSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.4.2', 'host.cpu.count': 8 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('checkout-instrumentation', '0.9.1');
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, { traceId: REMOTE_TRACE_ID, spanId: REMOTE_SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  const server = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: START_MS, attributes: { 'http.request.method': 'POST', 'http.response.status_code': 500, 'retry.ratio': 0.25, cached: false, tags: ['a', 'b'] } }, remoteParent);
  const client = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, startTime: START_MS + 10, attributes: { 'db.system.name': 'postgresql' } }, trace.setSpan(remoteParent, server));
  client.end(START_MS + 30);
  server.recordException(new TypeError('card declined'), START_MS + 40);
  server.addEvent('retry', { attempt: 2 }, START_MS + 41);
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
  server.end(START_MS + 50);
  const root = tracer.startSpan('cron tick', { kind: SpanKind.INTERNAL, startTime: START_MS + 60 }, ROOT_CONTEXT);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(START_MS + 61);
  return exporter.getFinishedSpans();
}

const spans = recordSpans();
const protobuf = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array());

function decoded(body: Buffer, encoding: 'protobuf' | 'json'): OtlpTracesRequest {
  const result = decodeOtlpTraces(body, encoding, { maxSpans: 100 });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.detail}`);
  return result.request;
}

function spanNamed(request: OtlpTracesRequest, name: string): OtlpSpan {
  const found = request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)).find((span) => span.name === name);
  if (found === undefined) throw new Error(`no span ${name}`);
  return found;
}

describe('decodeOtlpTraces with what the OpenTelemetry JS SDK sends', () => {
  it('decodes the protobuf and the JSON encoding of the same spans to the same request', () => {
    expect(decoded(json, 'json')).toEqual(decoded(protobuf, 'protobuf'));
  });

  it.each(['protobuf', 'json'] as const)('reads resource, scope, ids, kinds and times (%s)', (encoding) => {
    const request = decoded(encoding === 'protobuf' ? protobuf : json, encoding);
    expect(request.spanCount).toBe(3);
    expect(request.resourceSpans).toHaveLength(1);
    expect(request.resourceSpans[0].resource.attributes).toEqual(expect.objectContaining({ 'service.name': 'checkout', 'service.version': '1.4.2', 'host.cpu.count': 8 }));
    expect(request.resourceSpans[0].scopeSpans.map((scope) => scope.scope)).toEqual([{ name: 'checkout-instrumentation', version: '0.9.1' }]);

    const server = spanNamed(request, 'POST /checkout');
    expect(server.traceId).toBe(REMOTE_TRACE_ID);
    expect(server.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(server.parentSpanId).toBe(REMOTE_SPAN_ID);
    expect(server.kind).toBe(OtlpSpanKind.Server);
    expect(server.flags).toBe(TraceFlags.SAMPLED | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK | SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK);
    expect(server.startTimeUnixNano).toBe(START_MS * 1e6);
    expect(server.endTimeUnixNano).toBe((START_MS + 50) * 1e6);
    expect(server.attributes).toEqual({ 'http.request.method': 'POST', 'http.response.status_code': 500, 'retry.ratio': 0.25, cached: false, tags: ['a', 'b'] });
    expect(server.status).toEqual({ code: OtlpStatusCode.Error, message: 'payment failed' });

    const client = spanNamed(request, 'SELECT orders');
    expect(client.kind).toBe(OtlpSpanKind.Client);
    expect(client.traceId).toBe(REMOTE_TRACE_ID);
    expect(client.parentSpanId).toBe(server.spanId);
    expect(client.flags).toBe(TraceFlags.SAMPLED | SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK);
    expect(client.status).toEqual({ code: OtlpStatusCode.Unset, message: '' });

    const root = spanNamed(request, 'cron tick');
    expect(root.parentSpanId).toBe('');
    expect(root.kind).toBe(OtlpSpanKind.Internal);
    expect(root.traceId).not.toBe(REMOTE_TRACE_ID);
    expect(root.status.code).toBe(OtlpStatusCode.Ok);
  });

  it.each(['protobuf', 'json'] as const)('reads events, exception attributes included (%s)', (encoding) => {
    const server = spanNamed(decoded(encoding === 'protobuf' ? protobuf : json, encoding), 'POST /checkout');
    expect(server.events.map((event) => [event.name, event.timeUnixNano])).toEqual([
      ['exception', (START_MS + 40) * 1e6],
      ['retry', (START_MS + 41) * 1e6],
    ]);
    const exception = server.events[0].attributes;
    expect(exception['exception.type']).toBe('TypeError');
    expect(exception['exception.message']).toBe('card declined');
    expect(exception['exception.stacktrace']).toEqual(expect.stringContaining('TypeError: card declined'));
    expect(server.events[1].attributes).toEqual({ attempt: 2 });
  });

  it('answers in bodies the SDK reads back', () => {
    expect(ProtobufTraceSerializer.deserializeResponse(encodeOtlpTraceResponse('protobuf'))).toEqual({});
    expect(JsonTraceSerializer.deserializeResponse(encodeOtlpTraceResponse('json'))).toEqual({});
    const partial = { rejectedSpans: 3, errorMessage: 'quota exceeded' };
    const fromProtobuf = ProtobufTraceSerializer.deserializeResponse(encodeOtlpTraceResponse('protobuf', partial));
    expect(fromProtobuf.partialSuccess?.errorMessage).toBe('quota exceeded');
    expect(Number(fromProtobuf.partialSuccess?.rejectedSpans)).toBe(3);
    const fromJson = JsonTraceSerializer.deserializeResponse(encodeOtlpTraceResponse('json', partial));
    expect(fromJson.partialSuccess?.errorMessage).toBe('quota exceeded');
    expect(Number(fromJson.partialSuccess?.rejectedSpans)).toBe(3);
    expect(JSON.parse(encodeOtlpStatus('json', { code: 3, message: 'bad' }).toString())).toEqual({ code: 3, message: 'bad' });
  });
});
