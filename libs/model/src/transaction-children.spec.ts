import { readTransactionEvent } from '@pulse/protocol';
import { classicNodeTransaction, classicPageloadTransaction, NODE, PAGE, transactionEvent } from '@pulse/testing/fixtures';
import { normalizeTransaction } from './normalize-transaction';
import { childrenOfTransaction } from './transaction-children';
import { payloadValue } from '@pulse/protocol/testing';
import { normalizedRecord } from './testing';

const ctx = { projectId: 7, receivedAtMs: 1_795_499_900_000, generateEventId: () => 'ffffffffffffffffffffffffffffffff' };

function children(event: Record<string, unknown>) {
  const parsed = payloadValue(readTransactionEvent(event));
  return childrenOfTransaction(parsed, normalizedRecord(normalizeTransaction(parsed, ctx)), ctx);
}

describe('childrenOfTransaction: spans[]', () => {
  it('makes one span record per entry, tied to the transaction', () => {
    const { spans, webVitals, dropped } = children(classicNodeTransaction());
    expect(dropped).toEqual([]);
    expect(webVitals).toEqual([]);
    expect(spans[1]).toEqual({
      projectId: 7,
      traceId: NODE.traceId,
      spanId: NODE.paymentSpanId,
      parentSpanId: NODE.segmentId,
      segmentId: NODE.segmentId,
      transactionName: 'GET /api/orders/:id',
      op: 'http.client',
      description: 'GET https://payments.example/v1/charges/7',
      status: 'not_found',
      statusCode: 5,
      startTimestampMs: 1_795_499_897_600,
      timestampMs: 1_795_499_897_700,
      durationMs: 100,
      release: 'shop@1.4.0',
      environment: 'production',
      receivedAtMs: 1_795_499_900_000,
    });
  });

  it('drops bad entries by index, defaults op and status, takes the trace id from the transaction', () => {
    const spans = [
      { span_id: 'AAAABBBBCCCCDDDD', start_timestamp: '2026-11-24T10:00:00.000Z', timestamp: '2026-11-24T10:00:00.250Z' },
      { span_id: 'bad' },
      { span_id: 'aaaabbbbccccdddd', start_timestamp: 2, timestamp: 1 },
    ];
    const result = children(classicNodeTransaction({ spans }));
    expect(result.spans).toEqual([expect.objectContaining({ spanId: 'aaaabbbbccccdddd', traceId: NODE.traceId, op: 'default', description: '', status: 'unknown', durationMs: 250 })]);
    expect(result.dropped).toEqual([
      { index: 1, reason: 'invalid span: span_id must be 16 hex characters' },
      { index: 2, reason: 'invalid span: timestamp is before start_timestamp' },
    ]);
  });

  it('accepts a transaction without spans (or with a non-list)', () => {
    expect(children(transactionEvent({ spans: undefined })).spans).toEqual([]);
    expect(children(transactionEvent({ spans: {} })).spans).toEqual([]);
  });
});

describe('childrenOfTransaction: measurements', () => {
  it('makes one vital record per Web Vital, in ms, ignoring other measurements', () => {
    const { webVitals } = children(classicPageloadTransaction());
    expect(webVitals.map((vital) => [vital.vital, vital.value])).toEqual([
      ['lcp', 2310.7],
      ['fcp', 812.5],
      ['cls', 0.043],
      ['inp', 168],
      ['ttfb', 180.4],
      ['fp', 790.25],
    ]);
    expect(webVitals[0]).toEqual({
      projectId: 7,
      vital: 'lcp',
      value: 2310.7,
      page: '/checkout',
      traceId: PAGE.traceId,
      segmentId: PAGE.pageloadId,
      release: 'shop-web@2.7.1',
      environment: 'production',
      browserName: 'Chrome',
      browserVersion: '131',
      osName: 'Mac OS X',
      userId: 'u-42',
      timestampMs: 1_795_499_890_125,
      receivedAtMs: 1_795_499_900_000,
    });
  });

  it('converts seconds, accepts upper-case names and skips unusable values', () => {
    const measurements = { LCP: { value: 2.5, unit: 'second' }, fid: { value: 12 }, cls: { value: 0.1, unit: 'millisecond' }, fcp: { value: 'x' }, 'ttfb.requestTime': { value: 3 } };
    const { webVitals } = children(classicPageloadTransaction({ measurements }));
    expect(webVitals.map((vital) => [vital.vital, vital.value])).toEqual([
      ['lcp', 2500],
      ['fid', 12],
    ]);
  });

  it('hashes an IP-only user', () => {
    const { webVitals } = children(classicPageloadTransaction({ user: { ip_address: '10.0.0.1' } }));
    expect(webVitals[0].userId).toMatch(/^ip:[0-9a-f]{16}$/);
  });
});
