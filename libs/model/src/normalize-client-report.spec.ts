import { CLIENT_REPORT_LIMITS, normalizeClientReport } from './normalize-client-report';
import { normalizeItem } from './normalize-item';

const RECEIVED = Date.UTC(2026, 11, 7, 20, 8, 5);
const ctx = { projectId: 42, receivedAtMs: RECEIVED, generateEventId: () => 'e'.repeat(32) };
const envelope = { release: 'shop@1.4.0', environment: 'production', sdkName: 'sentry.java', sdkVersion: '8.64.0' };

describe('normalizeClientReport', () => {
  it('makes one record per reason and category, summing them over the four lists, with the envelope header values', () => {
    const report = {
      timestamp: '2026-12-07T20:08:04.189Z',
      discarded_events: [
        { reason: 'ratelimit_backoff', category: 'error', quantity: 2 },
        { reason: 'queue_overflow', category: 'transaction', quantity: 5 },
        { reason: 'ratelimit_backoff', category: 'error', quantity: 1 },
      ],
      rate_limited_events: [{ reason: 'ratelimit_backoff', category: 'error', quantity: 4 }],
      filtered_sampling_events: [{ reason: 'Sampled:3', category: 'transaction', quantity: 7 }],
    };
    const common = { projectId: 42, timestampMs: Date.UTC(2026, 11, 7, 20, 8, 4, 189), ...envelope, receivedAtMs: RECEIVED };
    expect(normalizeClientReport(report, { ...ctx, envelope })).toEqual({
      records: [
        { ...common, reason: 'ratelimit_backoff', category: 'error', quantity: 7 },
        { ...common, reason: 'queue_overflow', category: 'transaction', quantity: 5 },
        { ...common, reason: 'Sampled:3', category: 'transaction', quantity: 7 },
      ],
      dropped: [],
    });
  });

  it('takes the receive time without a timestamp, seconds as sent, and empty strings without an envelope header', () => {
    const withoutTime = normalizeClientReport({ discarded_events: [{ reason: 'before_send', category: 'span', quantity: 1 }] }, ctx);
    expect(withoutTime.records).toEqual([
      { projectId: 42, reason: 'before_send', category: 'span', quantity: 1, timestampMs: RECEIVED, release: '', environment: '', sdkName: '', sdkVersion: '', receivedAtMs: RECEIVED },
    ]);
    expect(normalizeClientReport({ timestamp: 1796674065.299301, discarded_events: [{ reason: 'x', category: 'error', quantity: 1 }] }, ctx).records[0].timestampMs).toBe(1796674065299);
  });

  it('keeps unknown reasons and categories as sent, leaves out overlong ones (as Relay does) and makes no record of a zero', () => {
    const long = 'r'.repeat(CLIENT_REPORT_LIMITS.reason + 1);
    const result = normalizeClientReport(
      {
        discarded_events: [
          { reason: 'r'.repeat(CLIENT_REPORT_LIMITS.reason), category: 'brand_new_category', quantity: 1 },
          { reason: long, category: 'error', quantity: 1 },
          { reason: 'network_error', category: 'c'.repeat(CLIENT_REPORT_LIMITS.category + 1), quantity: 1 },
          { reason: 'sample_rate', category: 'error', quantity: 0 },
        ],
      },
      ctx,
    );
    expect(result.records.map((r) => [r.reason.length, r.category])).toEqual([[CLIENT_REPORT_LIMITS.reason, 'brand_new_category']]);
    expect(result.dropped).toEqual(['discarded_events.1: reason is longer than 200 characters', 'discarded_events.2: category is longer than 64 characters']);
  });

  it('cuts release, environment and SDK values from the envelope header to their limits', () => {
    const record = normalizeClientReport({ discarded_events: [{ reason: 'x', category: 'error', quantity: 1 }] }, { ...ctx, envelope: { release: 'v'.repeat(300), environment: 'e'.repeat(100), sdkName: 'n'.repeat(200) } }).records[0];
    expect([record.release.length, record.environment.length, record.sdkName.length, record.sdkVersion]).toEqual([200, 64, 128, '']);
  });
});

describe('normalizeItem client_report', () => {
  it('reads and normalizes the item; entries left out are named as parts of it', () => {
    const result = normalizeItem('client_report', { discarded_events: [{ reason: 'queue_overflow', category: 'error', quantity: 3 }, { reason: 'x'.repeat(201), category: 'error', quantity: 1 }] }, ctx);
    expect(result).toMatchObject({ ok: true, records: { clientReports: [{ reason: 'queue_overflow', category: 'error', quantity: 3 }], errors: [] }, partial: ['discarded_events.1: reason is longer than 200 characters'] });
  });

  it('drops a report of the wrong shape with the reader reason', () => {
    expect(normalizeItem('client_report', { discarded_events: [{ reason: 'x', category: 'error', quantity: -2 }] }, ctx)).toEqual({
      ok: false,
      reason: 'invalid client report: discarded_events.0.quantity must be a non-negative integer',
      causes: ['discarded_events.0.quantity must be a non-negative integer'],
    });
  });
});
