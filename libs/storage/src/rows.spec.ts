import { toDateTime64 } from './date-time64';
import { toErrorRow } from './error.row';
import { toSessionRow } from './session.row';
import { toSpanRow } from './span.row';
import { seededRecords } from '@pulse/testing';
import { toTransactionRow } from './transaction.row';
import { toWebVitalRow } from './web-vital.row';

const records = seededRecords(11, { startMs: Date.UTC(2026, 0, 2, 3, 4, 5, 6), minutes: 1, transactions: 1, spans: 1, webVitals: 1, errors: 1, sessions: 1, sessionAggregates: 1 });

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

  it('writes the original timestamp of a moved record as DateTime64(3) text, and NULL for one stored as sent (or decoded from an older message)', () => {
    const original = Date.UTC(2025, 9, 1, 0, 0, 0, 250);
    const mappers = [
      (moved: number | null | undefined) => toTransactionRow({ ...records.transactions[0], originalTimestampMs: moved }, 90),
      (moved: number | null | undefined) => toSpanRow({ ...records.spans[0], originalTimestampMs: moved }, 90),
      (moved: number | null | undefined) => toWebVitalRow({ ...records.webVitals[0], originalTimestampMs: moved }, 90),
      (moved: number | null | undefined) => toErrorRow({ ...records.errors[0], originalTimestampMs: moved }, 90),
      (moved: number | null | undefined) => toSessionRow({ ...records.sessions[0], originalTimestampMs: moved }, 90),
    ];
    for (const toRow of mappers) {
      expect(toRow(original).original_timestamp).toBe('2025-10-01 00:00:00.250');
      expect(toRow(null).original_timestamp).toBeNull();
      expect(toRow(undefined).original_timestamp).toBeNull();
    }
  });

  it('maps a session update and an aggregate bucket count alike: quantity and init decide', () => {
    const update = records.sessions.find((r) => r.sessionId !== '' && r.init);
    const bucket = records.sessions.find((r) => r.sessionId === '');
    expect(toSessionRow(update!, 30)).toMatchObject({ quantity: 1, init: true, duration_s: null, retention_days: 30 });
    expect(toSessionRow(bucket!, 30)).toMatchObject({ session_id: '', init: true, quantity: bucket!.quantity, started: toDateTime64(bucket!.startedMs) });
  });
});
