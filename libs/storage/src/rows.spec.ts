import { toDateTime64 } from './date-time64';
import { toErrorRow } from './error.row';
import { toSessionRow } from './session.row';
import { seededRecords } from './testing/seeded-records';

const records = seededRecords(11, { startMs: Date.UTC(2026, 0, 2, 3, 4, 5, 6), minutes: 1, transactions: 0, spans: 0, webVitals: 0, errors: 1, sessions: 1, sessionAggregates: 1 });

describe('row mapping', () => {
  it('writes times as UTC DateTime64(3) text', () => {
    expect(toDateTime64(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006');
  });

  it('keeps the whole exception chain as JSON and the outermost (last) exception flat', () => {
    const record = records.errors[0];
    const chained = { ...record, exceptions: [{ ...record.exceptions[0], type: 'Inner', value: 'cause' }, { ...record.exceptions[0], type: 'Outer', value: 'raised' }] };
    const row = toErrorRow(chained, 90);
    expect(row).toMatchObject({ exception_type: 'Outer', exception_value: 'raised', retention_days: 90 });
    expect(JSON.parse(row.exceptions)).toEqual(chained.exceptions);
    expect(toErrorRow({ ...record, exceptions: [] }, 90)).toMatchObject({ exception_type: '', exception_value: '', exceptions: '[]' });
  });

  it('maps a session update and an aggregate bucket count alike: quantity and init decide', () => {
    const update = records.sessions.find((r) => r.sessionId !== '' && r.init);
    const bucket = records.sessions.find((r) => r.sessionId === '');
    expect(toSessionRow(update!, 30)).toMatchObject({ quantity: 1, init: true, duration_s: null, retention_days: 30 });
    expect(toSessionRow(bucket!, 30)).toMatchObject({ session_id: '', init: true, quantity: bucket!.quantity, started: toDateTime64(bucket!.startedMs) });
  });
});
