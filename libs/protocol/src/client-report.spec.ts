import { MAX_CLIENT_REPORT_QUANTITY, readClientReport } from './client-report';

const entry = { reason: 'queue_overflow', category: 'error', quantity: 3 };

describe('readClientReport', () => {
  it('reads what the SDKs send: seconds or RFC 3339, any of the four lists, unknown reasons and fields', () => {
    const python = { timestamp: 1796674065.299301, discarded_events: [{ reason: 'ratelimit_backoff', category: 'error', quantity: 2 }] };
    const java = { timestamp: '2026-12-07T20:08:04.189Z', discarded_events: [{ reason: 'ratelimit_backoff', category: 'error', quantity: 2 }] };
    const relay = { rate_limited_events: [entry], filtered_events: [], filtered_sampling_events: [{ reason: 'Sampled:1', category: 'transaction', quantity: 0 }] };
    const future = { discarded_events: [{ reason: 'a_reason_from_2030', category: 'a_new_category', quantity: MAX_CLIENT_REPORT_QUANTITY, weight: 2 }], extra: true };
    for (const report of [python, java, relay, future, {}, { timestamp: null, discarded_events: null }]) expect(readClientReport(report)).toEqual({ ok: true, value: report });
  });

  it.each([
    ['not_an_object', [entry], 'invalid client report: expected a JSON object'],
    ['not_an_object', null, 'invalid client report: expected a JSON object'],
    ['bad_timestamp', { timestamp: 'yesterday' }, 'invalid client report: timestamp must be an RFC 3339 string or seconds since the epoch'],
    ['bad_timestamp', { timestamp: true }, 'invalid client report: timestamp must be an RFC 3339 string or seconds since the epoch'],
    ['list_not_an_array', { discarded_events: { reason: 'x' } }, 'invalid client report: discarded_events must be an array'],
    ['list_not_an_array', { filtered_events: 'none' }, 'invalid client report: filtered_events must be an array'],
    ['entry_not_an_object', { discarded_events: [entry, ['queue_full', 'error', 42]] }, 'invalid client report: discarded_events.1 must be an object'],
    ['bad_reason', { discarded_events: [{ ...entry, reason: 7 }] }, 'invalid client report: discarded_events.0.reason must be a string'],
    ['bad_reason', { rate_limited_events: [{ category: 'error', quantity: 1 }] }, 'invalid client report: rate_limited_events.0.reason must be a string'],
    ['bad_category', { discarded_events: [{ ...entry, category: null }] }, 'invalid client report: discarded_events.0.category must be a string'],
    ['bad_quantity', { discarded_events: [{ ...entry, quantity: -1 }] }, 'invalid client report: discarded_events.0.quantity must be a non-negative integer'],
    ['bad_quantity', { discarded_events: [{ ...entry, quantity: 1.5 }] }, 'invalid client report: discarded_events.0.quantity must be a non-negative integer'],
    ['bad_quantity', { discarded_events: [{ ...entry, quantity: '3' }] }, 'invalid client report: discarded_events.0.quantity must be a non-negative integer'],
    ['bad_quantity', { discarded_events: [{ reason: 'x', category: 'error' }] }, 'invalid client report: discarded_events.0.quantity must be a non-negative integer'],
    ['quantity_too_large', { filtered_sampling_events: [{ ...entry, quantity: MAX_CLIENT_REPORT_QUANTITY + 1 }] }, `invalid client report: filtered_sampling_events.0.quantity must be at most ${MAX_CLIENT_REPORT_QUANTITY}`],
  ])('refuses %s: %j', (code, report, detail) => {
    const result = readClientReport(report);
    expect(result).toMatchObject({ ok: false, code, detail });
    if (!result.ok) expect(result.causes).toEqual(code === 'not_an_object' ? [] : [detail.replace('invalid client report: ', '')]);
  });
});
