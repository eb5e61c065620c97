import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { waitUntil } from '@pulse/local-infra';
import { encodeOtlpTracesProtobuf, parseOtlpProtoFiles } from '@pulse/protocol/testing';
import { metricValue, request } from '@pulse/testing';
import { E2EStack } from './support/e2e-stack';

/**
 * The OTLP/HTTP trace endpoint as an exporter meets it, with requests written by hand in both
 * encodings: partial success names the refused spans and stores the rest; every refusal answers a
 * google.rpc.Status in the request's encoding with the status the OTLP spec gives it (retryable
 * or not); the key, its project, its span quota and the span limit are enforced. The real SDKs'
 * exports are tested in otlp-sdks.e2e-spec.ts.
 */
jest.setTimeout(120_000);

const PROJECT = 31;
const OTHER = 32;
const LIMITED = 33;
const MAX_SPANS = 20;

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const proto = parseOtlpProtoFiles();
const RpcStatus = proto.lookupType('google.rpc.Status');
const ExportResponse = proto.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

interface SpanSpec {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes?: Record<string, string | number>;
}

/** An OTLP/JSON ExportTraceServiceRequest of one resource and scope. */
function exportOf(traceId: string, spans: SpanSpec[], release = 'otlp-ingest@1'): object {
  const value = (v: string | number) => (typeof v === 'number' ? { intValue: String(v) } : { stringValue: v });
  const attributes = (map: Record<string, string | number>) => Object.entries(map).map(([key, v]) => ({ key, value: value(v) }));
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': 'checkout', 'service.version': release, 'deployment.environment.name': 'otlp-test', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry' }) },
        scopeSpans: [
          {
            scope: { name: 'handwritten', version: '1' },
            spans: spans.map((span) => ({
              traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              startTimeUnixNano: `${span.startMs}000000`,
              endTimeUnixNano: `${span.endMs}000000`,
              attributes: attributes(span.attributes ?? {}),
              status: {},
            })),
          },
        ],
      },
    ],
  };
}

/** A server root of `children` client spans, `durationMs` long, ending now. */
function serverTrace(children: number, durationMs = 120): { traceId: string; spans: SpanSpec[] } {
  const traceId = hex(16);
  const root = hex(8);
  const endMs = Date.now();
  const startMs = endMs - durationMs;
  const server: SpanSpec = { spanId: root, name: 'GET /cart/:id', kind: 2, startMs, endMs, attributes: { 'http.request.method': 'GET', 'http.route': '/cart/:id', 'http.response.status_code': 200 } };
  const clients = Array.from({ length: children }, (): SpanSpec => ({ spanId: hex(8), parentSpanId: root, name: 'SELECT carts', kind: 3, startMs: startMs + 10, endMs: startMs + 40, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM carts WHERE id = $1' } }));
  return { traceId, spans: [server, ...clients] };
}

describe('the OTLP/HTTP trace endpoint', () => {
  const stack = new E2EStack([{ id: PROJECT }, { id: OTHER }, { id: LIMITED, rateLimits: { span: { perSecond: 0.01, burst: 5 } } }]);
  const url = (id: number | string) => `${stack.app('ingest').url}/api/${id}/integration/otlp/v1/traces`;
  const auth = (id: number) => ({ 'x-sentry-auth': `sentry sentry_key=${stack.project(id).key}` });
  const post = async (id: number | string, body: Buffer | string, headers: Record<string, string>) => {
    const response = await fetch(url(id), { method: 'POST', body, headers });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };
  const postJson = (id: number, body: object | string, headers: Record<string, string> = auth(id)) =>
    post(id, typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  const postProto = (id: number, body: Buffer, headers: Record<string, string> = auth(id)) => post(id, body, { 'content-type': 'application/x-protobuf', ...headers });
  const countOf = async (table: 'transactions' | 'spans', traceId: string): Promise<number> => {
    const answer = await request<{ data?: Array<{ n: string }> }>(`${stack.app('query').url}/api/v1/projects/${PROJECT}/query`, {
      method: 'POST',
      body: JSON.stringify({ sql: `SELECT count() AS n FROM ${table} WHERE trace_id = {trace:String}`, params: { trace: traceId }, from: Date.now() - 3_600_000, to: Date.now() + 60_000 }),
      headers: { authorization: `Bearer ${stack.project(PROJECT).token}`, 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(200);
    return Number(answer.body.data?.[0]?.n ?? 0);
  };
  const storedWhen = (what: string, traceId: string, transactions: number, spans: number) =>
    waitUntil(what, async () => (await countOf('transactions', traceId)) === transactions && (await countOf('spans', traceId)) === spans, { timeoutMs: 60_000, intervalMs: 250 });

  beforeAll(() => stack.start({ INGEST_MAX_OTLP_SPANS: String(MAX_SPANS) }));
  afterAll(() => stack.stop());

  it('stores the valid spans of an export and names the refused ones in partial_success (JSON)', async () => {
    const { traceId, spans } = serverTrace(2);
    const backwards: SpanSpec = { spanId: hex(8), parentSpanId: spans[0].spanId, name: 'backwards', kind: 1, startMs: spans[0].endMs, endMs: spans[0].startMs };
    const badId: SpanSpec = { spanId: 'abcd', parentSpanId: spans[0].spanId, name: 'short id', kind: 1, startMs: spans[0].startMs, endMs: spans[0].endMs };
    const response = await postJson(PROJECT, exportOf(traceId, [...spans, backwards, badId]));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(response.bytes.toString('utf8')) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe('2');
    expect(body.partialSuccess.errorMessage).toContain(backwards.spanId);
    expect(body.partialSuccess.errorMessage).toMatch(/end time is before start time/);
    expect(body.partialSuccess.errorMessage).toMatch(/span id/);
    await storedWhen('the root and its two children', traceId, 1, 2);
  });

  it('answers an empty protobuf response to a gzipped protobuf export, and a re-sent export stores nothing twice', async () => {
    const { traceId, spans } = serverTrace(3);
    const body = gzipSync(encodeOtlpTracesProtobuf(exportOf(traceId, spans)));
    const first = await postProto(PROJECT, body, { ...auth(PROJECT), 'content-encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/x-protobuf');
    expect(ExportResponse.toObject(ExportResponse.decode(first.bytes))).toEqual({});
    await storedWhen('the protobuf trace', traceId, 1, 3);

    // A marker export sent after the re-send: once it is stored, the re-send was consumed too.
    expect((await postProto(PROJECT, body, { ...auth(PROJECT), 'content-encoding': 'gzip' })).status).toBe(200);
    const marker = serverTrace(0);
    expect((await postJson(PROJECT, exportOf(marker.traceId, marker.spans))).status).toBe(200);
    await storedWhen('the marker after the re-send', marker.traceId, 1, 0);
    expect(await countOf('transactions', traceId)).toBe(1);
    expect(await countOf('spans', traceId)).toBe(3);
  });

  it('refuses bad requests with a google.rpc.Status in their encoding, and no retry hint', async () => {
    const { traceId, spans } = serverTrace(1);
    const valid = exportOf(traceId, spans);
    const cases: Array<[string, Promise<Awaited<ReturnType<typeof post>>>, number, number, RegExp, 'json' | 'protobuf']> = [
      ['no key', postJson(PROJECT, valid, {}), 401, 16, /missing authentication/, 'json'],
      ['an unknown key', postJson(PROJECT, valid, { 'x-sentry-auth': `sentry sentry_key=${hex(16)}` }), 401, 16, /unknown DSN public key/, 'json'],
      ["another project's key", postJson(PROJECT, valid, auth(OTHER)), 403, 7, /does not belong to project 31/, 'json'],
      ['a text/plain body', post(PROJECT, JSON.stringify(valid), { 'content-type': 'text/plain', ...auth(PROJECT) }), 415, 3, /application\/x-protobuf or application\/json/, 'json'],
      ['an unknown content encoding', postProto(PROJECT, encodeOtlpTracesProtobuf(valid), { ...auth(PROJECT), 'content-encoding': 'lzma' }), 415, 3, /lzma/, 'protobuf'],
      ['bytes that are not protobuf', postProto(PROJECT, Buffer.from('ffffffffffffffff', 'hex')), 400, 3, /./, 'protobuf'],
      ['JSON of the wrong shape', postJson(PROJECT, { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: 'soon' }] }] }] }), 400, 3, /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.startTimeUnixNano/, 'json'],
      ['more spans than INGEST_MAX_OTLP_SPANS', postJson(PROJECT, exportOf(traceId, serverTrace(MAX_SPANS).spans)), 413, 3, new RegExp(String(MAX_SPANS)), 'json'],
      ['a project id that is not a number', post('abc', JSON.stringify(valid), { 'content-type': 'application/json', ...auth(PROJECT) }), 400, 3, /numeric string/, 'json'],
    ];
    for (const [what, pending, status, code, message, encoding] of cases) {
      const response = await pending;
      expect({ what, status: response.status }).toEqual({ what, status });
      expect(response.headers.get('retry-after')).toBeNull();
      const decoded = encoding === 'json' ? (JSON.parse(response.bytes.toString('utf8')) as { code: number; message: string }) : (RpcStatus.toObject(RpcStatus.decode(response.bytes)) as { code: number; message: string });
      expect({ what, code: decoded.code }).toEqual({ what, code });
      expect(decoded.message).toMatch(message);
    }
    // Nothing of the refused requests was stored: the valid export above was only ever refused.
    expect(await countOf('transactions', traceId)).toBe(0);
  });

  it("answers 429 with Retry-After once the key's span quota is spent, as protobuf", async () => {
    const fits = serverTrace(4);
    const ok = await postProto(LIMITED, encodeOtlpTracesProtobuf(exportOf(fits.traceId, fits.spans)));
    expect(ok.status).toBe(200);
    const over = serverTrace(4);
    const limited = await postProto(LIMITED, encodeOtlpTracesProtobuf(exportOf(over.traceId, over.spans)));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-sentry-rate-limits')).toMatch(/:span:key/);
    const status = RpcStatus.toObject(RpcStatus.decode(limited.bytes)) as { code: number; message: string };
    expect(status).toEqual({ code: 8, message: 'rate limited' });
    const metrics = await stack.metricsText('ingest');
    expect(metricValue(metrics, 'pulse_ingest_events_total', { kind: 'span', outcome: 'rate_limited' })).toBeGreaterThan(0);
    expect(metricValue(metrics, 'pulse_ingest_events_total', { kind: 'span', outcome: 'invalid' })).toBeGreaterThanOrEqual(2);
  });
});
