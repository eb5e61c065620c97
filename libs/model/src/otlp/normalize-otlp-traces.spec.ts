import { OtlpSpan, OtlpSpanKind, OtlpStatusCode, OtlpTracesRequest, readErrorEvent } from '@pulse/protocol';
import { payloadValue } from '@pulse/protocol/testing';
import { EventJsonBudget } from '../event-json';
import { normalizeError } from '../normalize-error';
import { segmentEventId, SpanBatchContext } from '../normalize-spans';
import { normalizedRecord } from '../testing';
import { exceptionEventId } from './otlp-exceptions';
import { normalizeOtlpTraces } from './normalize-otlp-traces';

/*
 * Whole requests, as an OpenTelemetry Node service exports them (resource, server span, its
 * database and outgoing HTTP children, an exception event), checked record by record.
 */

const ctx: SpanBatchContext = { projectId: 7, receivedAtMs: 1_795_499_900_000, generateEventId: () => 'unused' };
const TRACE = '5f2c0a9e1b7d4c3fa2e6b8d0c4f1a7e9';
const SERVER = 'a1b2c3d4e5f60718';
const DB = 'b1b2c3d4e5f60718';
const OUT = 'c1b2c3d4e5f60718';
const CALLER = 'd1b2c3d4e5f60718';
const T0 = 1_795_499_897_529_000_000;
const MS = 1_000_000;

const NODE_RESOURCE = {
  'service.name': 'checkout',
  'service.version': 'shop@1.4.0',
  'deployment.environment.name': 'staging',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.version': '2.12.1',
};

const STACK = ['Error: Order 7 not found', '    at OrderService.load (/srv/app/dist/orders.js:41:11)', '    at async handle (/srv/app/dist/server.js:18:5)', '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'].join('\n');

function span(fields: Partial<OtlpSpan>): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: SERVER,
    parentSpanId: '',
    flags: 0,
    name: 'span',
    kind: OtlpSpanKind.Internal,
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 200 * MS,
    attributes: {},
    events: [],
    status: { code: OtlpStatusCode.Unset, message: '' },
    ...fields,
  };
}

const serverSpan = (fields: Partial<OtlpSpan> = {}): OtlpSpan =>
  span({
    name: 'GET',
    kind: OtlpSpanKind.Server,
    parentSpanId: CALLER,
    flags: 0x100 | 0x200 | 0x01,
    attributes: { 'http.request.method': 'GET', 'http.route': '/api/orders/:id', 'url.path': '/api/orders/7', 'http.response.status_code': 404, 'enduser.id': 'u-42', 'user_agent.original': 'curl/8.5.0' },
    events: [{ name: 'exception', timeUnixNano: T0 + 150 * MS, attributes: { 'exception.type': 'Error', 'exception.message': 'Order 7 not found', 'exception.stacktrace': STACK, 'exception.escaped': false } }],
    ...fields,
  });

const dbSpan = (fields: Partial<OtlpSpan> = {}): OtlpSpan =>
  span({ spanId: DB, parentSpanId: SERVER, flags: 0x100, name: 'SELECT shop', kind: OtlpSpanKind.Client, startTimeUnixNano: T0 + 10 * MS, endTimeUnixNano: T0 + 40 * MS, attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' }, ...fields });

const outgoingSpan = (fields: Partial<OtlpSpan> = {}): OtlpSpan =>
  span({
    spanId: OUT,
    parentSpanId: SERVER,
    name: 'GET',
    kind: OtlpSpanKind.Client,
    startTimeUnixNano: T0 + 50 * MS,
    endTimeUnixNano: T0 + 120 * MS,
    attributes: { 'http.method': 'GET', 'http.url': 'https://stock.example/items/7?token=s3cret', 'http.status_code': 503 },
    status: { code: OtlpStatusCode.Error, message: '' },
    ...fields,
  });

function request(resourceSpans: Array<{ resource: Record<string, string>; spans: OtlpSpan[] }>): OtlpTracesRequest {
  return {
    resourceSpans: resourceSpans.map(({ resource, spans }) => ({ resource: { attributes: resource }, scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.1' }, spans }] })),
    spanCount: resourceSpans.reduce((sum, { spans }) => sum + spans.length, 0),
  };
}

const normalize = (req: OtlpTracesRequest) => normalizeOtlpTraces(req, ctx, new EventJsonBudget());

describe('normalizeOtlpTraces: a Node HTTP request', () => {
  const { records, rejected } = normalize(request([{ resource: NODE_RESOURCE, spans: [dbSpan(), outgoingSpan(), serverSpan()] }]));

  it('makes the server span (remote parent) one transaction', () => {
    expect(rejected).toEqual([]);
    expect(records.transactions).toEqual([
      {
        projectId: 7,
        eventId: segmentEventId(TRACE, SERVER),
        traceId: TRACE,
        spanId: SERVER,
        parentSpanId: CALLER,
        name: 'GET /api/orders/:id',
        source: 'route',
        op: 'http.server',
        status: 'not_found',
        statusCode: 5,
        startTimestampMs: 1_795_499_897_529,
        timestampMs: 1_795_499_897_729,
        durationMs: 200,
        release: 'shop@1.4.0',
        environment: 'staging',
        dist: '',
        platform: 'node',
        sdkName: 'opentelemetry.nodejs',
        sdkVersion: '2.12.1',
        userId: 'u-42',
        httpMethod: 'GET',
        httpStatusCode: 404,
        browserName: '',
        osName: '',
        tags: {},
        measurements: {},
        receivedAtMs: 1_795_499_900_000,
      },
    ]);
  });

  it('makes the other spans spans of that segment, described as Sentry describes them', () => {
    const common = { projectId: 7, traceId: TRACE, parentSpanId: SERVER, segmentId: SERVER, transactionName: 'GET /api/orders/:id', release: 'shop@1.4.0', environment: 'staging', receivedAtMs: 1_795_499_900_000 };
    expect(records.spans).toEqual([
      { ...common, spanId: DB, op: 'db', description: 'SELECT * FROM orders WHERE id = $1', status: 'ok', statusCode: 0, startTimestampMs: 1_795_499_897_539, timestampMs: 1_795_499_897_569, durationMs: 30 },
      { ...common, spanId: OUT, op: 'http.client', description: 'GET https://stock.example/items/7', status: 'unavailable', statusCode: 14, startTimestampMs: 1_795_499_897_579, timestampMs: 1_795_499_897_649, durationMs: 70 },
    ]);
  });

  it('makes the exception event an error grouped exactly like the same error sent as a Sentry event', () => {
    expect(records.errors).toHaveLength(1);
    const error = records.errors[0];
    const eventId = exceptionEventId(TRACE, SERVER, 0);
    const sentryEvent = {
      event_id: eventId,
      timestamp: (T0 + 150 * MS) / 1e9,
      platform: 'node',
      release: 'shop@1.4.0',
      environment: 'staging',
      transaction: 'GET /api/orders/:id',
      contexts: { trace: { trace_id: TRACE, span_id: SERVER, op: 'http.server' } },
      exception: {
        values: [
          {
            type: 'Error',
            value: 'Order 7 not found',
            mechanism: { type: 'otlp', handled: true },
            stacktrace: {
              frames: [
                { filename: 'node:internal/process/task_queues', abs_path: 'node:internal/process/task_queues', function: 'process.processTicksAndRejections', lineno: 95, colno: 5 },
                { filename: '/srv/app/dist/server.js', abs_path: '/srv/app/dist/server.js', function: 'handle', lineno: 18, colno: 5 },
                { filename: '/srv/app/dist/orders.js', abs_path: '/srv/app/dist/orders.js', function: 'OrderService.load', lineno: 41, colno: 11 },
              ],
            },
          },
        ],
      },
    };
    const expected = normalizedRecord(normalizeError(payloadValue(readErrorEvent(sentryEvent)), ctx));
    expect(error.fingerprint).toBe(expected.fingerprint);
    expect(error.exceptions).toEqual(expected.exceptions);
    expect(error).toMatchObject({
      eventId,
      timestampMs: 1_795_499_897_679,
      platform: 'node',
      title: 'Error: Order 7 not found',
      culprit: 'GET /api/orders/:id',
      handled: true,
      transaction: 'GET /api/orders/:id',
      traceId: TRACE,
      spanId: SERVER,
      release: 'shop@1.4.0',
      environment: 'staging',
      userId: 'u-42',
      sdkName: 'opentelemetry.nodejs',
      sdkVersion: '2.12.1',
      tags: { 'service.name': 'checkout' },
    });
    expect(error.exceptions[0].frames.map((frame) => [frame.function, frame.inApp])).toEqual([
      ['process.processTicksAndRejections', false],
      ['handle', true],
      ['OrderService.load', true],
    ]);
    expect(JSON.parse(error.eventJson)).toMatchObject({ event_id: eventId, exception: { values: [{ mechanism: { type: 'otlp', handled: true } }] } });
  });

  it('gives a re-sent export the same ids', () => {
    const again = normalize(request([{ resource: NODE_RESOURCE, spans: [serverSpan()] }]));
    expect(again.records.errors[0].eventId).toBe(records.errors[0].eventId);
    expect(again.records.transactions[0].eventId).toBe(records.transactions[0].eventId);
  });
});

describe('normalizeOtlpTraces: segments', () => {
  it('without flags, a SERVER span whose parent is elsewhere is a transaction; an INTERNAL one is a span with segment ""', () => {
    const server = serverSpan({ flags: 0, events: [] });
    const orphan = span({ spanId: 'e1b2c3d4e5f60718', parentSpanId: 'ffffffffffffff00', name: 'render' });
    const { records } = normalize(request([{ resource: NODE_RESOURCE, spans: [server, orphan] }]));
    expect(records.transactions.map((t) => t.spanId)).toEqual([SERVER]);
    expect(records.spans).toEqual([expect.objectContaining({ spanId: 'e1b2c3d4e5f60718', segmentId: '', transactionName: '', op: 'default', description: 'render' })]);
  });

  it('with flags saying the parent is local, a SERVER span whose parent is elsewhere stays a span', () => {
    const { records } = normalize(request([{ resource: NODE_RESOURCE, spans: [serverSpan({ flags: 0x100, events: [] })] }]));
    expect(records.transactions).toEqual([]);
    expect(records.spans).toEqual([expect.objectContaining({ spanId: SERVER, segmentId: '', op: 'http.server' })]);
  });

  it('an exception on a span whose segment is not in the request has no transaction name', () => {
    const orphan = span({ spanId: 'e1b2c3d4e5f60718', parentSpanId: 'ffffffffffffff00', events: [{ name: 'exception', timeUnixNano: T0, attributes: { 'exception.type': 'ValueError', 'exception.message': 'bad' } }] });
    const { records } = normalize(request([{ resource: { 'telemetry.sdk.language': 'python' }, spans: [orphan] }]));
    expect(records.errors).toEqual([expect.objectContaining({ transaction: '', platform: 'python', title: 'ValueError: bad', environment: 'production', handled: true })]);
    expect(records.errors[0].exceptions[0].frames).toEqual([]);
  });
});

describe('normalizeOtlpTraces: partial success', () => {
  it('refuses invalid spans with a reason each and keeps the rest', () => {
    const bad = [
      span({ spanId: '1111111111111111', traceId: '0'.repeat(32) }),
      span({ spanId: '2222222222222222', endTimeUnixNano: T0 - 1 * MS }),
      span({ spanId: '3333333333333333', startTimeUnixNano: 0 }),
      span({ spanId: 'zz' }),
    ];
    const { records, rejected } = normalize(request([{ resource: NODE_RESOURCE, spans: [...bad, dbSpan({ parentSpanId: '' })] }]));
    expect(rejected).toEqual([
      { spanId: '1111111111111111', reason: 'span 1111111111111111: trace id must not be all zeros' },
      { spanId: '2222222222222222', reason: 'span 2222222222222222: end time is before start time' },
      { spanId: '3333333333333333', reason: 'span 3333333333333333: start time is missing' },
      { spanId: 'zz', reason: 'span zz: span id must be 16 hex characters' },
    ]);
    expect(records.transactions.map((t) => [t.spanId, t.op, t.name, t.source])).toEqual([[DB, 'db', 'SELECT shop', 'custom']]);
  });
});

describe('normalizeOtlpTraces: two traces from two resources', () => {
  it('keeps each span with its own resource and segment', () => {
    const OTHER_TRACE = '7a1e0b9c2d3f4e5a6b7c8d9e0f1a2b3c';
    const pythonResource = { 'service.version': 'billing@3.0.0', 'deployment.environment': 'prod-eu', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.language': 'python', 'telemetry.sdk.version': '1.38.0' };
    const consumer = span({ traceId: OTHER_TRACE, spanId: '4444444444444444', parentSpanId: '5555555555555555', kind: OtlpSpanKind.Consumer, name: 'invoices process', attributes: { 'messaging.system': 'kafka' } });
    const query = span({ traceId: OTHER_TRACE, spanId: '6666666666666666', parentSpanId: '4444444444444444', kind: OtlpSpanKind.Client, name: 'INSERT billing', attributes: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO invoices VALUES ($1)' } });
    const { records, rejected } = normalize(request([
      { resource: NODE_RESOURCE, spans: [serverSpan({ events: [] }), dbSpan()] },
      { resource: pythonResource, spans: [query, consumer] },
    ]));
    expect(rejected).toEqual([]);
    expect(records.transactions.map((t) => [t.traceId, t.spanId, t.name, t.op, t.release, t.environment, t.platform, t.sdkName])).toEqual([
      [TRACE, SERVER, 'GET /api/orders/:id', 'http.server', 'shop@1.4.0', 'staging', 'node', 'opentelemetry.nodejs'],
      [OTHER_TRACE, '4444444444444444', 'invoices process', 'queue.process', 'billing@3.0.0', 'prod-eu', 'python', 'opentelemetry.python'],
    ]);
    expect(records.spans.map((s) => [s.traceId, s.spanId, s.segmentId, s.transactionName, s.op, s.description, s.release, s.environment])).toEqual([
      [TRACE, DB, SERVER, 'GET /api/orders/:id', 'db', 'SELECT * FROM orders WHERE id = $1', 'shop@1.4.0', 'staging'],
      [OTHER_TRACE, '6666666666666666', '4444444444444444', 'invoices process', 'db', 'INSERT INTO invoices VALUES ($1)', 'billing@3.0.0', 'prod-eu'],
    ]);
  });
});

describe('normalizeOtlpTraces: exceptions of other languages', () => {
  const exception = (language: string, type: string, stack: string, escaped: boolean) =>
    normalize(request([{ resource: { 'telemetry.sdk.language': language }, spans: [span({ events: [{ name: 'exception', timeUnixNano: T0, attributes: { 'exception.type': type, 'exception.message': 'boom', 'exception.stacktrace': stack, 'exception.escaped': escaped } }] })] }])).records.errors[0];

  it('Python: frames with context lines; site-packages is not the app; escaped is unhandled', () => {
    const stack = 'Traceback (most recent call last):\n  File "/app/views.py", line 12, in handler\n    return render(order)\n  File "/usr/lib/python3/dist-packages/jinja2/environment.py", line 1301, in render\n    self.environment.handle_exception()\nValueError: boom\n';
    const error = exception('python', 'ValueError', stack, true);
    expect(error).toMatchObject({ platform: 'python', handled: false, title: 'ValueError: boom' });
    expect(error.exceptions[0].frames.map((f) => [f.function, f.contextLine, f.inApp])).toEqual([
      ['handler', 'return render(order)', true],
      ['render', 'self.environment.handle_exception()', false],
    ]);
  });

  it('Java: module and method from the qualified name; the JDK is not the app', () => {
    const stack = 'java.lang.IllegalStateException: boom\n\tat com.shop.Orders.load(Orders.java:5)\n\tat java.base/java.lang.Thread.run(Thread.java:840)\nCaused by: java.io.IOException: disk\n\tat com.shop.Disk.read(Disk.java:4)\n';
    const error = exception('java', 'java.lang.IllegalStateException', stack, false);
    expect(error.exceptions[0].frames.map((f) => [f.module, f.function, f.inApp])).toEqual([
      ['java.lang.Thread', 'run', false],
      ['com.shop.Orders', 'load', true],
    ]);
  });

  it('Go: package and function from debug.Stack(); GOROOT and the module cache are not the app', () => {
    const stack = 'goroutine 1 [running]:\nruntime/debug.Stack()\n\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e\ngithub.com/shop/api/orders.Load(0xc000012345)\n\t/root/go/pkg/mod/github.com/shop/api@v1.2.0/orders/load.go:31 +0x1d\nmain.(*Server).handle(...)\n\t/app/main.go:10\n';
    const error = exception('go', '*errors.errorString', stack, false);
    expect(error.exceptions[0].frames.map((f) => [f.module, f.function, f.inApp])).toEqual([
      ['main', '(*Server).handle', true],
      ['github.com/shop/api/orders', 'Load', false],
      ['runtime/debug', 'Stack', false],
    ]);
  });
});
