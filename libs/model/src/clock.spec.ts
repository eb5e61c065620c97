import { applyTimeRules, clockDriftMs, MAX_FUTURE_MS, MAX_PAST_MS } from './clock';
import type { ClientReportRecord } from './client-report.record';
import type { ErrorRecord } from './error.record';
import { emptyRecords, NormalizedRecords } from './record-kinds';
import type { SessionRecord } from './session.record';
import type { SpanRecord } from './span.record';
import { toEpochMs } from './timestamps';
import type { TransactionRecord } from './transaction.record';
import type { WebVitalRecord } from './web-vital.record';

const RECEIVED = Date.UTC(2026, 10, 24, 12);
const DAY = 86_400_000;
const TRACE = 'a'.repeat(32);
const tx = (startMs: number, endMs: number, spanId = '1'.repeat(16)) =>
  ({ eventId: spanId.repeat(2), traceId: TRACE, spanId, startTimestampMs: startMs, timestampMs: endMs, durationMs: endMs - startMs }) as TransactionRecord;
const span = (startMs: number, endMs: number, segmentId = '1'.repeat(16)) =>
  ({ traceId: TRACE, spanId: '2'.repeat(16), segmentId, startTimestampMs: startMs, timestampMs: endMs, durationMs: endMs - startMs }) as SpanRecord;
const vital = (atMs: number, segmentId = '1'.repeat(16)) => ({ traceId: TRACE, segmentId, vital: 'lcp', timestampMs: atMs }) as WebVitalRecord;
const error = (atMs: number) => ({ eventId: 'e'.repeat(32), timestampMs: atMs }) as ErrorRecord;
const records = (parts: Partial<NormalizedRecords>): NormalizedRecords => ({ ...emptyRecords(), ...parts });

describe('clockDriftMs', () => {
  it('ignores differences under 55 minutes and corrects larger ones', () => {
    expect(clockDriftMs(RECEIVED - 54 * 60_000, RECEIVED)).toBe(0);
    expect(clockDriftMs(RECEIVED - 55 * 60_000, RECEIVED)).toBe(55 * 60_000);
    expect(clockDriftMs(RECEIVED + 2 * 3_600_000, RECEIVED)).toBe(-2 * 3_600_000);
    expect(clockDriftMs(undefined, RECEIVED)).toBe(0);
  });

  it('ignores a sent_at more than 30 days away (year 9999, an unset clock) as unusable', () => {
    expect(clockDriftMs(RECEIVED - 30 * DAY, RECEIVED)).toBe(30 * DAY);
    expect(clockDriftMs(RECEIVED + 30 * DAY, RECEIVED)).toBe(-30 * DAY);
    expect(clockDriftMs(RECEIVED - 30 * DAY - 1, RECEIVED)).toBe(0);
    expect(clockDriftMs(RECEIVED + 30 * DAY + 1, RECEIVED)).toBe(0);
    expect(clockDriftMs(Date.parse('9999-12-31T23:59:59Z'), RECEIVED)).toBe(0);
    expect(clockDriftMs(0, RECEIVED)).toBe(0);
    expect(clockDriftMs(Number.NaN, RECEIVED)).toBe(0);
  });
});

describe('applyTimeRules', () => {
  it('shifts every timestamp by the drift, keeping durations and no original', () => {
    const { records: out, clamped } = applyTimeRules(records({ transactions: [tx(RECEIVED - 3_600_500, RECEIVED - 3_600_000)] }), 3_600_000, RECEIVED);
    expect(out.transactions[0]).toMatchObject({ startTimestampMs: RECEIVED - 500, timestampMs: RECEIVED, durationMs: 500 });
    expect(out.transactions[0].originalTimestampMs ?? null).toBeNull();
    expect(clamped.transactions).toBe(0);
  });

  it('moves a record ending more than 60 s in the future to end at the receive time, keeping its duration and original', () => {
    const far = tx(RECEIVED + 600_000, RECEIVED + 600_250);
    const { records: out, clamped } = applyTimeRules(records({ transactions: [far, tx(RECEIVED + 30_000, RECEIVED + 30_250)] }), 0, RECEIVED);
    expect(out.transactions[0]).toMatchObject({ startTimestampMs: RECEIVED - 250, timestampMs: RECEIVED, durationMs: 250, originalTimestampMs: RECEIVED + 600_250 });
    expect(out.transactions[1]).toMatchObject({ timestampMs: RECEIVED + 30_250 }); // small skew is left alone
    expect(out.transactions[1].originalTimestampMs ?? null).toBeNull();
    expect(clamped).toEqual({ transactions: 1, spans: 0, webVitals: 0, errors: 0, sessions: 0, clientReports: 0 });
  });

  it('keeps records older than 30 days, moved to end at the receive time with the original (they were dropped before)', () => {
    const old = { startedMs: RECEIVED - MAX_PAST_MS - 2000, timestampMs: RECEIVED - MAX_PAST_MS - 1000 } as SessionRecord;
    const fresh = { startedMs: RECEIVED - 2000, timestampMs: RECEIVED - 1000 } as SessionRecord;
    const input = records({ sessions: [old, fresh], errors: [error(RECEIVED - 40 * DAY)] });
    const { records: out, dropped, clamped } = applyTimeRules(input, 0, RECEIVED);
    expect(out.sessions).toEqual([{ startedMs: RECEIVED - 1000, timestampMs: RECEIVED, originalTimestampMs: old.timestampMs }, fresh]);
    expect(out.errors).toEqual([{ ...error(RECEIVED), originalTimestampMs: RECEIVED - 40 * DAY }]);
    expect(dropped).toEqual([]);
    expect(clamped).toMatchObject({ sessions: 1, errors: 1 });
    expect(input.sessions[0]).toEqual(old); // the input is not changed
  });

  it('moves a client report from the future or older than 30 days to the receive time, like every kind', () => {
    const report = (atMs: number) => ({ reason: 'queue_overflow', category: 'error', quantity: 2, timestampMs: atMs }) as ClientReportRecord;
    const { records: out, clamped } = applyTimeRules(records({ clientReports: [report(RECEIVED + 2 * DAY), report(RECEIVED - 31 * DAY), report(RECEIVED - DAY)] }), 0, RECEIVED);
    expect(out.clientReports).toEqual([
      { ...report(RECEIVED), originalTimestampMs: RECEIVED + 2 * DAY },
      { ...report(RECEIVED), originalTimestampMs: RECEIVED - 31 * DAY },
      report(RECEIVED - DAY),
    ]);
    expect(clamped.clientReports).toBe(2);
  });

  it('applies the window exactly at its edges: 30 days and 60 s are kept as sent', () => {
    const { records: out, clamped } = applyTimeRules(records({ errors: [error(RECEIVED - MAX_PAST_MS), error(RECEIVED + MAX_FUTURE_MS), error(RECEIVED - MAX_PAST_MS - 1)] }), 0, RECEIVED);
    expect(out.errors.map((e) => e.timestampMs)).toEqual([RECEIVED - MAX_PAST_MS, RECEIVED + MAX_FUTURE_MS, RECEIVED]);
    expect(clamped.errors).toBe(1);
  });

  it('shifts by the drift first, then moves what is still outside the window, keeping the client value as original', () => {
    const drift = 2 * 3_600_000; // the client clock is two hours behind
    const stale = tx(RECEIVED - drift - 31 * DAY - 700, RECEIVED - drift - 31 * DAY);
    const recent = tx(RECEIVED - drift - 10 * DAY - 700, RECEIVED - drift - 10 * DAY, '3'.repeat(16));
    const { records: out } = applyTimeRules(records({ transactions: [stale, recent] }), drift, RECEIVED);
    expect(out.transactions[0]).toMatchObject({ startTimestampMs: RECEIVED - 700, timestampMs: RECEIVED, durationMs: 700, originalTimestampMs: stale.timestampMs });
    expect(out.transactions[1]).toMatchObject({ startTimestampMs: RECEIVED - 10 * DAY - 700, timestampMs: RECEIVED - 10 * DAY });
    expect(out.transactions[1].originalTimestampMs ?? null).toBeNull();
  });

  it('with a sent_at in year 9999 ignored, keeps correct timestamps as sent and moves only the records outside the window', () => {
    const drift = clockDriftMs(Date.parse('9999-01-01T00:00:00Z'), RECEIVED);
    const { records: out } = applyTimeRules(records({ errors: [error(RECEIVED - 5000), error(RECEIVED - 40 * DAY)] }), drift, RECEIVED);
    expect(out.errors[0]).toEqual(error(RECEIVED - 5000));
    expect(out.errors[1]).toEqual({ ...error(RECEIVED), originalTimestampMs: RECEIVED - 40 * DAY });
  });

  it("moves a transaction's spans and Web Vitals by its move, so the trace keeps its shape", () => {
    const end = RECEIVED - 40 * DAY;
    const input = records({
      transactions: [tx(end - 1000, end)],
      spans: [span(end - 900, end - 100), span(RECEIVED - 40 * DAY, RECEIVED - 40 * DAY + 5, '9'.repeat(16))],
      webVitals: [vital(end - 1000)],
    });
    const { records: out, clamped } = applyTimeRules(input, 0, RECEIVED);
    expect(out.transactions[0]).toMatchObject({ startTimestampMs: RECEIVED - 1000, timestampMs: RECEIVED, durationMs: 1000 });
    expect(out.spans[0]).toMatchObject({ startTimestampMs: RECEIVED - 900, timestampMs: RECEIVED - 100, durationMs: 800, originalTimestampMs: end - 100 });
    expect(out.webVitals[0]).toMatchObject({ timestampMs: RECEIVED - 1000, originalTimestampMs: end - 1000 });
    // A span of another transaction (not in this request) is moved on its own.
    expect(out.spans[1]).toMatchObject({ startTimestampMs: RECEIVED - 5, timestampMs: RECEIVED, durationMs: 5 });
    expect(clamped).toEqual({ transactions: 1, spans: 2, webVitals: 1, errors: 0, sessions: 0, clientReports: 0 });
  });

  it('moves a child that its transaction’s move leaves outside the window on its own', () => {
    const end = RECEIVED + 10 * 60_000; // 10 minutes in the future
    const child = span(end - 500, end + 5 * 60_000); // ends 5 minutes after its transaction
    const { records: out } = applyTimeRules(records({ transactions: [tx(end - 1000, end)], spans: [child] }), 0, RECEIVED);
    expect(out.transactions[0]).toMatchObject({ timestampMs: RECEIVED });
    expect(out.spans[0]).toMatchObject({ timestampMs: RECEIVED, durationMs: child.durationMs, originalTimestampMs: child.timestampMs });
  });

  it('moves a timestamp of 1970 (negative or zero seconds are dates too) with the original kept', () => {
    const { records: out } = applyTimeRules(records({ errors: [error(toEpochMs(-1)), error(toEpochMs(0))] }), 0, RECEIVED);
    expect(out.errors.map((e) => [e.timestampMs, e.originalTimestampMs])).toEqual([
      [RECEIVED, -1000],
      [RECEIVED, 0],
    ]);
  });

  it.each([
    ['1e20 seconds', toEpochMs(1e20), 'timestamp 1e+23 ms since the epoch'],
    ['year 2300', toEpochMs('2300-01-01T00:00:00Z'), 'timestamp 10413792000000 ms since the epoch'],
    ['-1e10 seconds (year 1653)', toEpochMs(-1e10), 'timestamp -10000000000000 ms since the epoch'],
    ['NaN', toEpochMs('not a date'), 'timestamp NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'timestamp Infinity'],
  ])('refuses a record whose time is %s, with the reason, and keeps the rest', (_what, ms, named) => {
    const { records: out, dropped, clamped } = applyTimeRules(records({ errors: [error(ms), error(RECEIVED)] }), 0, RECEIVED);
    expect(out.errors).toEqual([error(RECEIVED)]);
    expect(dropped).toEqual([{ kind: 'errors', reason: `${named} is not a time Pulse can store (1900-01-01 to 2299-12-31)` }]);
    expect(clamped.errors).toBe(0);
  });

  it('refuses a transaction whose start is unstorable, never storing it with a zeroed duration', () => {
    const { records: out, dropped } = applyTimeRules(records({ transactions: [tx(toEpochMs(1e20), toEpochMs(1e20 + 0.5))] }), 0, RECEIVED);
    expect(out.transactions).toEqual([]);
    expect(dropped).toEqual([{ kind: 'transactions', reason: expect.stringMatching(/^start_timestamp 1e\+23 ms since the epoch is not a time/) }]);
  });

  it('refuses a record lasting over a century whose start would fall before 1900 once moved', () => {
    const { records: out, dropped } = applyTimeRules(records({ transactions: [tx(Date.UTC(1900, 0, 2), Date.UTC(2200, 0, 1))] }), 0, RECEIVED);
    expect(out.transactions).toEqual([]);
    expect(dropped[0].reason).toMatch(/^start_timestamp -\d+ ms since the epoch, once moved to the receive time, is not a time Pulse can store/);
  });
});
