import { applyTimeRules, clockDriftMs, MAX_PAST_MS } from './clock';
import { emptyRecords } from './normalized';
import type { TransactionRecord } from './transaction.record';
import type { SessionRecord } from './session.record';

const RECEIVED = Date.UTC(2026, 10, 24, 12);
const tx = (startMs: number, endMs: number) => ({ startTimestampMs: startMs, timestampMs: endMs, durationMs: endMs - startMs }) as TransactionRecord;

describe('clockDriftMs', () => {
  it('ignores differences under 55 minutes and corrects larger ones', () => {
    expect(clockDriftMs(RECEIVED - 54 * 60_000, RECEIVED)).toBe(0);
    expect(clockDriftMs(RECEIVED - 55 * 60_000, RECEIVED)).toBe(55 * 60_000);
    expect(clockDriftMs(RECEIVED + 2 * 3_600_000, RECEIVED)).toBe(-2 * 3_600_000);
    expect(clockDriftMs(undefined, RECEIVED)).toBe(0);
  });
});

describe('applyTimeRules', () => {
  it('shifts every timestamp by the drift, keeping durations', () => {
    const records = { ...emptyRecords(), transactions: [tx(RECEIVED - 3_600_500, RECEIVED - 3_600_000)] };
    const { records: out } = applyTimeRules(records, 3_600_000, RECEIVED);
    expect(out.transactions[0]).toMatchObject({ startTimestampMs: RECEIVED - 500, timestampMs: RECEIVED, durationMs: 500 });
  });

  it('moves records from the far future to end at the receive time', () => {
    const records = { ...emptyRecords(), transactions: [tx(RECEIVED + 600_000, RECEIVED + 600_250), tx(RECEIVED + 30_000, RECEIVED + 30_250)] };
    const { records: out } = applyTimeRules(records, 0, RECEIVED);
    expect(out.transactions[0]).toMatchObject({ startTimestampMs: RECEIVED - 250, timestampMs: RECEIVED });
    expect(out.transactions[1]).toMatchObject({ timestampMs: RECEIVED + 30_250 }); // small skew is left alone
  });

  it('drops records older than 30 days with a reason, and keeps the rest', () => {
    const old = { startedMs: RECEIVED - MAX_PAST_MS - 2000, timestampMs: RECEIVED - MAX_PAST_MS - 1000 } as SessionRecord;
    const fresh = { startedMs: RECEIVED - 2000, timestampMs: RECEIVED - 1000 } as SessionRecord;
    const { records: out, dropped } = applyTimeRules({ ...emptyRecords(), sessions: [old, fresh] }, 0, RECEIVED);
    expect(out.sessions).toEqual([fresh]);
    expect(dropped).toEqual([{ kind: 'sessions', reason: expect.stringMatching(/more than 30 days in the past/) }]);
  });
});
