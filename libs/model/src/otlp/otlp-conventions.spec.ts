import { OtlpSpan, OtlpSpanKind, OtlpStatusCode } from '@pulse/protocol';
import { resourceFields } from './otlp-resource';
import { otlpSpanData, otlpStatus } from './otlp-span-data';
import { isLocalRoot, otlpSpanProblem, segmentIds } from './otlp-segments';

/* The OpenTelemetry conventions one by one, under their current and their older names. */

const TRACE = '5f2c0a9e1b7d4c3fa2e6b8d0c4f1a7e9';

function span(fields: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: 'a1b2c3d4e5f60718',
    parentSpanId: '',
    flags: 0,
    name: 'work',
    kind: OtlpSpanKind.Internal,
    startTimeUnixNano: 1_795_499_897_529_000_000,
    endTimeUnixNano: 1_795_499_897_730_000_000,
    attributes: {},
    events: [],
    status: { code: OtlpStatusCode.Unset, message: '' },
    ...fields,
  };
}

describe('resourceFields', () => {
  it('reads release, environment, platform and SDK', () => {
    expect(
      resourceFields({
        'service.name': 'checkout',
        'service.version': '2.4.1',
        'deployment.environment.name': 'staging',
        'deployment.environment': 'ignored-when-the-new-name-is-set',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.version': '2.12.1',
      }),
    ).toEqual({ release: '2.4.1', environment: 'staging', platform: 'node', sdkName: 'opentelemetry.nodejs', sdkVersion: '2.12.1', serviceName: 'checkout' });
  });

  it('takes the older `deployment.environment`, and defaults to production', () => {
    expect(resourceFields({ 'deployment.environment': 'qa' }).environment).toBe('qa');
    expect(resourceFields({})).toEqual({ release: '', environment: 'production', platform: 'other', sdkName: '', sdkVersion: '', serviceName: '' });
  });

  it.each([
    ['nodejs', 'node'], ['webjs', 'javascript'], ['python', 'python'], ['java', 'java'], ['go', 'go'], ['dotnet', 'csharp'],
    ['ruby', 'ruby'], ['php', 'php'], ['rust', 'rust'], ['erlang', 'erlang'], ['swift', 'swift'], ['cpp', 'native'], ['cobol', 'other'],
  ])('telemetry.sdk.language %s → platform %s', (language, platform) => {
    expect(resourceFields({ 'telemetry.sdk.language': language }).platform).toBe(platform);
  });
});

describe('otlpSpanData: op', () => {
  it.each<[string, Partial<OtlpSpan>, string]>([
    ['server, current name', { kind: OtlpSpanKind.Server, attributes: { 'http.request.method': 'GET' } }, 'http.server'],
    ['client, old name', { kind: OtlpSpanKind.Client, attributes: { 'http.method': 'post' } }, 'http.client'],
    ['internal with a method', { attributes: { 'http.request.method': 'GET' } }, 'http'],
    ['db.system.name', { kind: OtlpSpanKind.Client, attributes: { 'db.system.name': 'postgresql' } }, 'db'],
    ['db.system (old)', { kind: OtlpSpanKind.Client, attributes: { 'db.system': 'mysql' } }, 'db'],
    ['rpc.service', { kind: OtlpSpanKind.Client, attributes: { 'rpc.system': 'grpc', 'rpc.service': 'shop.Orders' } }, 'rpc'],
    ['producer', { kind: OtlpSpanKind.Producer, attributes: { 'messaging.system': 'kafka' } }, 'queue.publish'],
    ['consumer', { kind: OtlpSpanKind.Consumer, attributes: { 'messaging.system': 'rabbitmq' } }, 'queue.process'],
    ['messaging, other kind', { kind: OtlpSpanKind.Client, attributes: { 'messaging.system': 'kafka' } }, 'queue'],
    ['faas.trigger', { kind: OtlpSpanKind.Server, attributes: { 'faas.trigger': 'timer' } }, 'function.timer'],
    ['nothing known', {}, 'default'],
  ])('%s', (_, fields, op) => {
    expect(otlpSpanData(span(fields)).op).toBe(op);
  });
});

describe('otlpSpanData: names and HTTP fields', () => {
  it('names a server span with a route `<METHOD> <route>`, source route', () => {
    const data = otlpSpanData(span({ kind: OtlpSpanKind.Server, name: 'GET', attributes: { 'http.request.method': 'GET', 'http.route': '/api/orders/:id', 'url.path': '/api/orders/7' } }));
    expect(data).toMatchObject({ segmentName: 'GET /api/orders/:id', source: 'route', httpMethod: 'GET', urlPath: '/api/orders/7' });
  });

  it('names a server span without a route by its path (`http.target`, query dropped), source url', () => {
    const data = otlpSpanData(span({ kind: OtlpSpanKind.Server, name: 'HTTP GET', attributes: { 'http.method': 'GET', 'http.target': '/health?probe=1', 'http.status_code': 204 } }));
    expect(data).toMatchObject({ segmentName: 'GET /health', source: 'url', urlPath: '/health', httpStatusCode: 204 });
  });

  it('keeps the span name elsewhere, source custom', () => {
    expect(otlpSpanData(span({ name: 'nightly-report' }))).toMatchObject({ segmentName: 'nightly-report', source: 'custom' });
  });

  it('reads url.full | http.url, http.response.status_code | http.status_code (also as a string), db.query.text | db.statement', () => {
    expect(otlpSpanData(span({ attributes: { 'url.full': 'https://a.example/x', 'http.response.status_code': 200, 'db.query.text': 'SELECT 1' } }))).toMatchObject({ urlFull: 'https://a.example/x', httpStatusCode: 200, dbQuery: 'SELECT 1' });
    expect(otlpSpanData(span({ attributes: { 'http.url': 'https://b.example/y?q=1', 'http.status_code': '502', 'db.statement': 'SELECT 2' } }))).toMatchObject({ urlFull: 'https://b.example/y?q=1', urlPath: '/y', httpStatusCode: 502, dbQuery: 'SELECT 2' });
  });
});

describe('otlpStatus', () => {
  it.each<[OtlpStatusCode, string, number | undefined, string]>([
    [OtlpStatusCode.Ok, '', 500, 'ok'],
    [OtlpStatusCode.Unset, '', undefined, 'ok'],
    [OtlpStatusCode.Unset, '', 200, 'ok'],
    [OtlpStatusCode.Unset, '', 404, 'not_found'],
    [OtlpStatusCode.Unset, '', 503, 'unavailable'],
    [OtlpStatusCode.Error, '', 401, 'unauthenticated'],
    [OtlpStatusCode.Error, '', 403, 'permission_denied'],
    [OtlpStatusCode.Error, '', 409, 'already_exists'],
    [OtlpStatusCode.Error, '', 413, 'failed_precondition'],
    [OtlpStatusCode.Error, '', 418, 'invalid_argument'],
    [OtlpStatusCode.Error, '', 429, 'resource_exhausted'],
    [OtlpStatusCode.Error, '', 499, 'cancelled'],
    [OtlpStatusCode.Error, '', 500, 'internal_error'],
    [OtlpStatusCode.Error, '', 501, 'unimplemented'],
    [OtlpStatusCode.Error, '', 504, 'deadline_exceeded'],
    [OtlpStatusCode.Error, 'Deadline_Exceeded', undefined, 'deadline_exceeded'],
    [OtlpStatusCode.Error, 'deadline_exceeded', 200, 'deadline_exceeded'],
    [OtlpStatusCode.Error, 'connection refused', undefined, 'internal_error'],
    [OtlpStatusCode.Error, '', undefined, 'internal_error'],
  ])('code %s, message %j, HTTP %s → %s', (code, message, http, status) => {
    expect(otlpStatus({ status: { code, message } }, http)).toBe(status);
  });
});

describe('otlpSpanProblem', () => {
  it.each<[Partial<OtlpSpan>, string]>([
    [{ traceId: 'abc' }, 'span a1b2c3d4e5f60718: trace id must be 32 hex characters'],
    [{ traceId: '0'.repeat(32) }, 'span a1b2c3d4e5f60718: trace id must not be all zeros'],
    [{ spanId: 'xyz' }, 'span xyz: span id must be 16 hex characters'],
    [{ spanId: '0'.repeat(16) }, 'span 0000000000000000: span id must not be all zeros'],
    [{ spanId: '' }, 'span (no id): span id must be 16 hex characters'],
    [{ startTimeUnixNano: 0 }, 'span a1b2c3d4e5f60718: start time is missing'],
    [{ endTimeUnixNano: 1_795_499_897_000_000_000 }, 'span a1b2c3d4e5f60718: end time is before start time'],
  ])('refuses %j', (fields, reason) => {
    expect(otlpSpanProblem(span(fields))).toBe(reason);
  });

  it('accepts a valid span, upper-case hex too', () => {
    expect(otlpSpanProblem(span({ traceId: TRACE.toUpperCase() }))).toBeUndefined();
  });
});

describe('segments', () => {
  const REMOTE_KNOWN = 0x100;
  const REMOTE = 0x200;
  const child = (fields: Partial<OtlpSpan>) => span({ parentSpanId: 'ffffffffffffff01', ...fields });

  it('with flags: a remote parent makes a local root, a local parent does not (whatever the kind)', () => {
    expect(isLocalRoot(child({ flags: REMOTE_KNOWN | REMOTE | 0x01, kind: OtlpSpanKind.Internal }), false)).toBe(true);
    expect(isLocalRoot(child({ flags: REMOTE_KNOWN, kind: OtlpSpanKind.Server }), false)).toBe(false);
  });

  it('without flags: a missing parent makes a local root only for SERVER and CONSUMER spans', () => {
    expect(isLocalRoot(child({ kind: OtlpSpanKind.Server }), false)).toBe(true);
    expect(isLocalRoot(child({ kind: OtlpSpanKind.Consumer }), false)).toBe(true);
    expect(isLocalRoot(child({ kind: OtlpSpanKind.Internal }), false)).toBe(false);
    expect(isLocalRoot(child({ kind: OtlpSpanKind.Server }), true)).toBe(false);
    expect(isLocalRoot(span({ kind: OtlpSpanKind.Client }), false)).toBe(true);
  });

  it('walks parents within the trace; a cycle or a parent outside the request gives no segment', () => {
    const root = span({ spanId: '1000000000000001' });
    const mid = span({ spanId: '1000000000000002', parentSpanId: '1000000000000001' });
    const leaf = span({ spanId: '1000000000000003', parentSpanId: '1000000000000002' });
    const orphan = span({ spanId: '1000000000000004', parentSpanId: '9999999999999999' });
    const cycleA = span({ spanId: '100000000000000a', parentSpanId: '100000000000000b' });
    const cycleB = span({ spanId: '100000000000000b', parentSpanId: '100000000000000a' });
    const otherTrace = span({ traceId: 'e'.repeat(32), spanId: '1000000000000005', parentSpanId: '1000000000000001' });
    const segments = segmentIds([leaf, mid, root, orphan, cycleA, cycleB, otherTrace]);
    expect([...segments.values()]).toEqual(['1000000000000001', '1000000000000001', '1000000000000001', '', '', '', '']);
  });
});
