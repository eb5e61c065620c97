import { readSpanBatch } from '@pulse/protocol';
import { browserLateVitalsSpanBatch, browserPageloadSpanBatch, CHROME_MAC_UA, NODE, nodeServerSpanBatch, PAGE, typed } from '@pulse/testing/fixtures';
import { normalizeSpanBatch, segmentEventId, SpanBatchContext } from './normalize-spans';
import { payloadValue } from '@pulse/protocol/testing';

const ctx: SpanBatchContext = { projectId: 7, receivedAtMs: 1_795_499_900_000, generateEventId: () => 'unused' };

function normalize(batch: Record<string, unknown>, context: SpanBatchContext = ctx) {
  return normalizeSpanBatch(payloadValue(readSpanBatch(batch)), context);
}

type Item = Record<string, unknown> & { attributes: Record<string, unknown> };
const nodeItems = () => nodeServerSpanBatch().items as Item[];

describe('normalizeSpanBatch: a Node http.server segment', () => {
  const { records, dropped } = normalize(nodeServerSpanBatch());

  it('makes the segment one transaction', () => {
    expect(dropped).toEqual([]);
    expect(records.transactions).toEqual([
      {
        projectId: 7,
        eventId: segmentEventId(NODE.traceId, NODE.segmentId),
        traceId: NODE.traceId,
        spanId: NODE.segmentId,
        parentSpanId: '',
        name: 'GET /api/orders/:id',
        source: 'route',
        op: 'http.server',
        status: 'ok',
        statusCode: 0,
        startTimestampMs: 1_795_499_897_529,
        timestampMs: 1_795_499_897_730,
        durationMs: 201,
        release: 'shop@1.4.0',
        environment: 'production',
        dist: '',
        platform: 'node',
        sdkName: 'sentry.javascript.node',
        sdkVersion: '11.12.0',
        userId: 'u-42',
        httpMethod: 'GET',
        httpStatusCode: 200,
        browserName: 'Chrome',
        osName: 'Linux',
        tags: {},
        measurements: {},
        receivedAtMs: 1_795_499_900_000,
      },
    ]);
    expect(records.errors).toEqual([]);
    expect(records.sessions).toEqual([]);
  });

  it('makes the other spans span records of that segment, error statuses from sentry.status.message', () => {
    expect(records.spans.map((span) => [span.op, span.description, span.status, span.statusCode, span.segmentId, span.transactionName, span.durationMs])).toEqual([
      ['db', 'SELECT * FROM orders WHERE id = $1', 'ok', 0, NODE.segmentId, 'GET /api/orders/:id', 42],
      ['http.client', 'GET https://payments.example/v1/charges/7', 'not_found', 5, NODE.segmentId, 'GET /api/orders/:id', 100],
    ]);
    expect(records.webVitals).toEqual([]);
  });

  it('derives a stable 32-hex event id from trace and span id', () => {
    expect(segmentEventId(NODE.traceId, NODE.segmentId)).toMatch(/^[0-9a-f]{32}$/);
    expect(segmentEventId(NODE.traceId.toUpperCase(), NODE.segmentId)).toBe(segmentEventId(NODE.traceId, NODE.segmentId));
    expect(segmentEventId(NODE.traceId, NODE.dbSpanId)).not.toBe(segmentEventId(NODE.traceId, NODE.segmentId));
  });
});

describe('normalizeSpanBatch: rules', () => {
  const withSegment = (attributes: Record<string, unknown>, fields: Record<string, unknown> = {}) => {
    const items = nodeItems();
    items[2] = { ...items[2], ...fields, attributes: { ...items[2].attributes, ...typed(attributes as never) } };
    return normalize({ version: 2, items }).records.transactions[0];
  };

  it('names an unparameterized server span like the classic SDK does: method and path', () => {
    const record = withSegment({ 'sentry.segment.name': 'GET', 'sentry.segment.name.source': 'url' }, { name: 'GET' });
    expect(record).toMatchObject({ name: 'GET /api/orders/7', source: 'url' });
  });

  it('maps error statuses: a named message, else internal_error', () => {
    expect(withSegment({ 'sentry.status.message': 'deadline_exceeded' }, { status: 'error' })).toMatchObject({ status: 'deadline_exceeded', statusCode: 4 });
    expect(withSegment({ 'sentry.status.message': 'Request failed' }, { status: 'error' })).toMatchObject({ status: 'internal_error', statusCode: 13 });
    expect(withSegment({}, { status: 'error' })).toMatchObject({ status: 'internal_error', statusCode: 13 });
    expect(withSegment({}, { status: 'cancelled' })).toMatchObject({ status: 'cancelled', statusCode: 1 });
    expect(withSegment({}, { status: undefined })).toMatchObject({ status: 'unknown', statusCode: 2 });
  });

  it('hashes an IP-only user and truncates long names', () => {
    const record = withSegment({ 'user.id': '', 'user.ip_address': '10.0.0.1', 'sentry.segment.name': 'x'.repeat(500) });
    expect(record.userId).toMatch(/^ip:[0-9a-f]{16}$/);
    expect(record.name).toHaveLength(200);
  });

  it('drops invalid spans by index and keeps the rest', () => {
    const items: unknown[] = nodeItems();
    items.splice(1, 0, { name: 'x', span_id: 'nope' }, { ...(items[0] as object), span_id: '2222bbbb3333cccc', end_timestamp: 1 });
    const { records, dropped } = normalize({ version: 2, items });
    expect(dropped).toEqual([
      { index: 1, reason: 'invalid span: span_id must be 16 hex characters' },
      { index: 2, reason: 'invalid span: end_timestamp is before start_timestamp' },
    ]);
    expect(records.transactions).toHaveLength(1);
    expect(records.spans).toHaveLength(2);
  });

  it('finds the segment of a span without sentry.segment.id through its parents in the batch', () => {
    const items = nodeItems();
    delete items[0].attributes['sentry.segment.id'];
    expect(normalize({ version: 2, items }).records.spans[0]).toMatchObject({ segmentId: NODE.segmentId, transactionName: 'GET /api/orders/:id' });
  });
});

describe('normalizeSpanBatch: a browser pageload and its late vitals', () => {
  it('names the pageload by its path and keeps the vitals it carries', () => {
    const { records } = normalize(browserPageloadSpanBatch());
    expect(records.transactions).toHaveLength(1);
    expect(records.transactions[0]).toMatchObject({ name: '/checkout', source: 'url', op: 'pageload', platform: 'javascript', browserName: 'Chrome', osName: 'Mac OS X', measurements: { ttfb: 180.4, fcp: 812.5, fp: 790.25 } });
    expect(records.spans.map((span) => span.op)).toEqual(['resource.script', 'http.client']);
    expect(records.webVitals.map((vital) => [vital.vital, vital.value, vital.page, vital.segmentId])).toEqual([
      ['fcp', 812.5, '/checkout', PAGE.pageloadId],
      ['ttfb', 180.4, '/checkout', PAGE.pageloadId],
      ['fp', 790.25, '/checkout', PAGE.pageloadId],
    ]);
  });

  it('reads no vitals when the batch says it has none (the OTLP mapping writes every attribute itself)', () => {
    const { records } = normalize(browserPageloadSpanBatch(), { ...ctx, withoutWebVitals: true });
    expect(records.transactions).toHaveLength(1);
    expect(records.transactions[0].measurements).toEqual({});
    expect(records.webVitals).toEqual([]);
  });

  it('turns LCP/CLS/INP spans into vitals; only the interaction is also a span', () => {
    const { records } = normalize(browserLateVitalsSpanBatch());
    expect(records.transactions).toEqual([]);
    expect(records.spans.map((span) => [span.op, span.segmentId, span.durationMs])).toEqual([['ui.interaction.click', PAGE.pageloadId, 168]]);
    expect(records.webVitals.map((vital) => [vital.vital, vital.value, vital.segmentId, vital.browserName, vital.browserVersion])).toEqual([
      ['lcp', 2310.7, PAGE.pageloadId, 'Chrome', '131'],
      ['cls', 0.043, PAGE.pageloadId, 'Chrome', '131'],
      ['inp', 168, PAGE.pageloadId, 'Chrome', '131'],
    ]);
  });

  it('names the page of a late vital by the earlier transaction when told, else by the SDK placeholder', () => {
    expect(normalize(browserLateVitalsSpanBatch()).records.webVitals.map((vital) => vital.page)).toEqual(['Pageload', 'Pageload', 'Pageload']);
    const names = new Map<string, string>([[PAGE.pageloadId, '/checkout']]);
    const told = normalize(browserLateVitalsSpanBatch(), { ...ctx, transactionNameOf: (id) => names.get(id) });
    expect(told.records.webVitals.map((vital) => vital.page)).toEqual(['/checkout', '/checkout', '/checkout']);
    expect(told.records.spans[0].transactionName).toBe('/checkout');
  });

  it('never makes a vital-carrying interaction a transaction, even as the root of its trace', () => {
    const inp = (browserLateVitalsSpanBatch().items as Item[])[2];
    const root = { ...inp, parent_span_id: undefined, is_segment: true, attributes: { ...inp.attributes, ...typed({ 'sentry.segment.id': PAGE.inpSpanId, 'sentry.segment.name': '/checkout', 'user_agent.original': CHROME_MAC_UA }) } };
    delete root.attributes['sentry.pageload.span_id'];
    const { records } = normalize({ version: 2, items: [root] });
    expect(records.transactions).toEqual([]);
    expect(records.spans).toMatchObject([{ op: 'ui.interaction.click', segmentId: PAGE.inpSpanId, transactionName: '/checkout' }]);
    expect(records.webVitals).toMatchObject([{ vital: 'inp', value: 168, page: '/checkout', segmentId: PAGE.inpSpanId }]);
  });
});
