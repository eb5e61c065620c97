/**
 * The canary reads shaped into one series per release: a minute appears when the release had a
 * transaction, an error event or a session in it, and only then (a missing minute is no traffic,
 * never a zero, so the judge does not compare invented values). Rates are null where their
 * denominator is 0.
 */

/** One minute of one release. */
export interface CanaryMinute {
  /** Start of the minute, epoch ms (epoch-aligned, the same grid for both releases). */
  minuteMs: number;
  transactions: number;
  failures: number;
  /** failures / transactions of this minute and release. */
  failureRate: number | null;
  /** p95 of the transactions' durations in ms (DDSketch, 1 % relative error). */
  p95Ms: number | null;
  errors: number;
  /**
   * Error events / transactions of this minute and release: error events per transaction, as
   * release health has it (an error outside any transaction still counts), so it can exceed 1.
   */
  errorRate: number | null;
  /** Sessions started in the minute, and those of them that crashed (crashes count against the start). */
  sessions: number;
  crashedSessions: number;
  /** 1 − crashed / started sessions of the minute. */
  crashFreeRate: number | null;
}

export interface CanarySamples {
  fromMs: number;
  toMs: number;
  canary: CanaryMinute[];
  baseline: CanaryMinute[];
}

export interface CanaryTransactionsRow {
  t: string;
  release: string;
  transactions: string;
  failures: string;
  p95: number | null;
}
export interface CanaryErrorsRow {
  t: string;
  release: string;
  errors: string;
}
export interface CanarySessionsRow {
  t: string;
  release: string;
  sessions: string;
  crashed: string;
}

export function toCanarySamples(
  window: { fromMs: number; toMs: number; canary: string; baseline: string },
  rows: { transactions: CanaryTransactionsRow[]; errors: CanaryErrorsRow[]; sessions: CanarySessionsRow[] },
): CanarySamples {
  const byRelease = new Map<string, Map<number, CanaryMinute>>([
    [window.canary, new Map()],
    [window.baseline, new Map()],
  ]);
  const minute = (release: string, t: string): CanaryMinute | undefined => {
    const minutes = byRelease.get(release);
    if (minutes === undefined) return undefined;
    const minuteMs = Number(t);
    let entry = minutes.get(minuteMs);
    if (entry === undefined) {
      entry = { minuteMs, transactions: 0, failures: 0, failureRate: null, p95Ms: null, errors: 0, errorRate: null, sessions: 0, crashedSessions: 0, crashFreeRate: null };
      minutes.set(minuteMs, entry);
    }
    return entry;
  };
  for (const row of rows.transactions) {
    const entry = minute(row.release, row.t);
    if (entry === undefined) continue;
    entry.transactions = Number(row.transactions);
    entry.failures = Number(row.failures);
    entry.p95Ms = entry.transactions > 0 && row.p95 !== null && Number.isFinite(row.p95) ? row.p95 : null;
  }
  for (const row of rows.errors) {
    const entry = minute(row.release, row.t);
    if (entry !== undefined) entry.errors = Number(row.errors);
  }
  for (const row of rows.sessions) {
    const entry = minute(row.release, row.t);
    if (entry === undefined) continue;
    entry.sessions = Number(row.sessions);
    entry.crashedSessions = Number(row.crashed);
  }
  const series = (release: string): CanaryMinute[] =>
    [...(byRelease.get(release) ?? new Map<number, CanaryMinute>()).values()]
      .map((m) => ({
        ...m,
        failureRate: m.transactions > 0 ? m.failures / m.transactions : null,
        errorRate: m.transactions > 0 ? m.errors / m.transactions : null,
        // A crash whose init update fell outside the window could outnumber the starts: never below 0.
        crashFreeRate: m.sessions > 0 ? Math.max(0, 1 - m.crashedSessions / m.sessions) : null,
      }))
      .sort((a, b) => a.minuteMs - b.minuteMs);
  return { fromMs: window.fromMs, toMs: window.toMs, canary: series(window.canary), baseline: series(window.baseline) };
}
