import { emptyRecordCounts, NormalizedRecords, RecordCounts, RecordKind } from './record-kinds';
import { describeMs, isStorableMs } from './timestamps';

/**
 * Time rules applied to every record after normalization, as Sentry's Relay applies them
 * (documented in docs/ingest.md, "Time"). No record is dropped for being early or late:
 *
 * 1. Storable: a record with a time outside what DateTime64(3) stores (1900-01-01 to 2299-12-31,
 *    or not a finite number) is refused with a reason; neither it nor an original could be stored.
 * 2. Clock drift: when the envelope's `sent_at` differs from the receive time by 55 minutes or
 *    more, the client's clock is wrong; every timestamp is shifted by (received − sent_at). A
 *    `sent_at` more than 30 days away (year 9999, an unset clock) is not a clock to correct but a
 *    broken value: it is ignored (clockDriftMs returns 0) and rule 3 takes each record alone.
 * 3. Window: a record ending more than 60 s after receipt or more than 30 days before it is moved
 *    to end at the receive time, its start with it (durations kept), and keeps the client's end in
 *    `originalTimestampMs` (Relay's `future_timestamp` / `past_timestamp` with the original in
 *    `_meta`). The spans and Web Vitals of a moved transaction move with it by the same amount, so
 *    the trace keeps its shape; a child still outside the window after that is moved on its own.
 */
export const CLOCK_DRIFT_THRESHOLD_MS = 55 * 60_000;
export const MAX_FUTURE_MS = 60_000;
export const MAX_PAST_MS = 30 * 86_400_000;
/** A `sent_at` further than this from the receive time is unusable (rule 2). */
export const MAX_CLOCK_DRIFT_MS = MAX_PAST_MS;

/** The shift of rule 2: received − sent_at when that is between 55 minutes and 30 days (either way), else 0. */
export function clockDriftMs(sentAtMs: number | undefined, receivedAtMs: number): number {
  if (sentAtMs === undefined || !Number.isFinite(sentAtMs)) return 0;
  const drift = receivedAtMs - sentAtMs;
  const size = Math.abs(drift);
  return size >= CLOCK_DRIFT_THRESHOLD_MS && size <= MAX_CLOCK_DRIFT_MS ? drift : 0;
}

export interface TimeRuleResult {
  records: NormalizedRecords;
  /** Records refused by rule 1, with the reason. */
  dropped: Array<{ kind: RecordKind; reason: string }>;
  /** Records per kind moved to the receive time by rule 3 (stored, with `originalTimestampMs`). */
  clamped: RecordCounts;
}

interface TimedRecord {
  timestampMs: number;
  originalTimestampMs?: number | null;
}

/** How the rules see one kind: its stored times by field name (the end, `timestampMs`, among them) and how it moves. */
interface KindTimes<T extends TimedRecord> {
  fields: ReadonlyArray<readonly [string, (record: T) => number]>;
  move: (record: T, byMs: number) => T;
}

const END = ['timestamp', (r: TimedRecord) => r.timestampMs] as const;

/** Transactions and spans: a start and an end, moved together. */
const startedSpan = <T extends TimedRecord & { startTimestampMs: number }>(): KindTimes<T> => ({
  fields: [['start_timestamp', (r) => r.startTimestampMs], END],
  move: (r, by) => ({ ...r, startTimestampMs: r.startTimestampMs + by, timestampMs: r.timestampMs + by }),
});
/** Web Vitals, errors and client reports: one time. */
const instant = <T extends TimedRecord>(): KindTimes<T> => ({ fields: [END], move: (r, by) => ({ ...r, timestampMs: r.timestampMs + by }) });
const SESSION: KindTimes<NormalizedRecords['sessions'][number]> = {
  fields: [['started', (r) => r.startedMs], END],
  move: (r, by) => ({ ...r, startedMs: r.startedMs + by, timestampMs: r.timestampMs + by }),
};

const RANGE = 'is not a time Pulse can store (1900-01-01 to 2299-12-31)';

export function applyTimeRules(records: NormalizedRecords, driftMs: number, receivedAtMs: number): TimeRuleResult {
  const dropped: TimeRuleResult['dropped'] = [];
  const clamped = emptyRecordCounts();
  /** Rule 3's move for a record ending at `endMs` (0 inside the window). */
  const windowOffset = (endMs: number): number =>
    endMs > receivedAtMs + MAX_FUTURE_MS || endMs < receivedAtMs - MAX_PAST_MS ? receivedAtMs - endMs : 0;

  /** `inherited`: the move of the record's transaction; `onMoved`: told each record rule 3 moved, and by how much. */
  const apply = <T extends TimedRecord>(
    kind: RecordKind,
    list: T[],
    times: KindTimes<T>,
    inherited?: (record: T) => number,
    onMoved?: (record: T, offsetMs: number) => void,
  ): T[] => {
    const kept: T[] = [];
    for (const record of list) {
      const unstorable = unstorableField(times, record);
      if (unstorable !== undefined) {
        dropped.push({ kind, reason: `${unstorable} ${RANGE}` });
        continue;
      }
      const fromParent = inherited?.(record) ?? 0;
      const offset = fromParent + windowOffset(record.timestampMs + driftMs + fromParent);
      if (driftMs === 0 && offset === 0) {
        kept.push(record);
        continue;
      }
      const moved = times.move(record, driftMs + offset);
      // A record lasting over a century can start before 1900 once its end is moved.
      const unstorableMoved = unstorableField(times, moved);
      if (unstorableMoved !== undefined) {
        dropped.push({ kind, reason: `${unstorableMoved}, once moved to the receive time, ${RANGE}` });
        continue;
      }
      if (offset !== 0) {
        moved.originalTimestampMs = record.timestampMs;
        clamped[kind]++;
        onMoved?.(record, offset);
      }
      kept.push(moved);
    }
    return kept;
  };

  // Transactions first: the move of each is what its spans and Web Vitals inherit.
  const transactionMoves = new Map<string, number>();
  const transactions = apply(RecordKind.Transaction, records.transactions, startedSpan(), undefined, (t, offset) => transactionMoves.set(segmentKey(t.traceId, t.spanId), offset));
  const inherited = transactionMoves.size === 0 ? undefined : (r: { traceId: string; segmentId: string }) => transactionMoves.get(segmentKey(r.traceId, r.segmentId)) ?? 0;

  return {
    records: {
      transactions,
      spans: apply(RecordKind.Span, records.spans, startedSpan(), inherited),
      webVitals: apply(RecordKind.WebVital, records.webVitals, instant(), inherited),
      errors: apply(RecordKind.Error, records.errors, instant()),
      sessions: apply(RecordKind.Session, records.sessions, SESSION),
      clientReports: apply(RecordKind.ClientReport, records.clientReports, instant()),
    },
    dropped,
    clamped,
  };
}

/** `<field> <time>` of the first time of `record` DateTime64(3) cannot store, if any. */
function unstorableField<T extends TimedRecord>(times: KindTimes<T>, record: T): string | undefined {
  for (const [field, time] of times.fields) {
    const ms = time(record);
    if (!isStorableMs(ms)) return `${field} ${describeMs(ms)}`;
  }
  return undefined;
}

function segmentKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}
