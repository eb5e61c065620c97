import type { NormalizedRecords } from './normalized';

/**
 * Time rules applied to every record after normalization (documented in docs/ingest.md):
 *
 * 1. Clock drift: when the envelope's `sent_at` differs from the receive time by 55 minutes or
 *    more, the client's clock is wrong; every timestamp is shifted by (received − sent_at).
 * 2. Future: a record ending more than 60 s after receipt is moved so it ends at the receive time
 *    (durations kept). Relay does the same; a few seconds of skew are normal and left alone.
 * 3. Past: a record ending more than 30 days before receipt is dropped with a reason: it would
 *    fall outside any useful window and usually means a broken clock without `sent_at`.
 */
export const CLOCK_DRIFT_THRESHOLD_MS = 55 * 60_000;
export const MAX_FUTURE_MS = 60_000;
export const MAX_PAST_MS = 30 * 86_400_000;

export function clockDriftMs(sentAtMs: number | undefined, receivedAtMs: number): number {
  if (sentAtMs === undefined || !Number.isFinite(sentAtMs)) return 0;
  const drift = receivedAtMs - sentAtMs;
  return Math.abs(drift) >= CLOCK_DRIFT_THRESHOLD_MS ? drift : 0;
}

export interface TimeRuleResult {
  records: NormalizedRecords;
  /** Records dropped by rule 3, with the reason. */
  dropped: Array<{ kind: keyof NormalizedRecords; reason: string }>;
}

export function applyTimeRules(records: NormalizedRecords, driftMs: number, receivedAtMs: number): TimeRuleResult {
  const dropped: TimeRuleResult['dropped'] = [];
  const keep = <T>(kind: keyof NormalizedRecords, list: T[], end: (r: T) => number, shift: (r: T, by: number) => T): T[] =>
    list.flatMap((record) => {
      let shifted = driftMs === 0 ? record : shift(record, driftMs);
      const ending = end(shifted);
      if (ending < receivedAtMs - MAX_PAST_MS) {
        dropped.push({ kind, reason: `timestamp ${new Date(ending).toISOString()} is more than 30 days in the past` });
        return [];
      }
      if (ending > receivedAtMs + MAX_FUTURE_MS) shifted = shift(shifted, receivedAtMs - ending);
      return [shifted];
    });
  return {
    records: {
      transactions: keep('transactions', records.transactions, (r) => r.timestampMs, (r, by) => ({ ...r, startTimestampMs: r.startTimestampMs + by, timestampMs: r.timestampMs + by })),
      spans: keep('spans', records.spans, (r) => r.timestampMs, (r, by) => ({ ...r, startTimestampMs: r.startTimestampMs + by, timestampMs: r.timestampMs + by })),
      webVitals: keep('webVitals', records.webVitals, (r) => r.timestampMs, (r, by) => ({ ...r, timestampMs: r.timestampMs + by })),
      errors: keep('errors', records.errors, (r) => r.timestampMs, (r, by) => ({ ...r, timestampMs: r.timestampMs + by })),
      sessions: keep('sessions', records.sessions, (r) => r.timestampMs, (r, by) => ({ ...r, startedMs: r.startedMs + by, timestampMs: r.timestampMs + by })),
    },
    dropped,
  };
}
