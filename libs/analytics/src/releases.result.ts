type Value = number | string | null;

export interface ReleaseTransactionsRow {
  release: string;
  first_seen: Value;
  transactions: Value;
  failure_rate: Value;
  latency: Value[];
  apdex: Value;
}
export interface ReleaseErrorsRow {
  release: string;
  first_seen: Value;
  errors: Value;
  users_affected: Value;
}
export interface ReleaseSessionsRow {
  release: string;
  first_seen: Value;
  sessions: Value;
  crashed: Value;
  session_users: Value;
  crashed_users: Value;
}

/** One row of GET releases (the shape scripts and Grafana rely on). */
export interface ReleaseHealth {
  release: string;
  first_seen: number | null;
  transactions: number;
  errors: number;
  error_rate: number | null;
  failure_rate: number | null;
  users_affected: number;
  crash_free_sessions: number | null;
  crash_free_users: number | null;
}

/** A release of compare: the health row plus latency and apdex, the usual canary signals. */
export interface ReleaseDetail extends ReleaseHealth {
  p50: number | null;
  p95: number | null;
  apdex: number | null;
}

export interface ReleaseComparison {
  base: ReleaseDetail;
  candidate: ReleaseDetail;
  /** candidate − base (absolute) and (candidate − base) / base (relative; null when base is 0 or either is null). */
  change: Record<string, { absolute: number | null; relative: number | null }>;
}

export function toNumber(value: Value | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * Joins the three per-release answers by release. A release seen only in errors or sessions is
 * still a row; events without a release are not a release and are left out. First seen is the
 * earliest minute any of the three saw. Newest releases first.
 */
export function toReleaseDetails(transactions: ReleaseTransactionsRow[], errors: ReleaseErrorsRow[], sessions: ReleaseSessionsRow[]): ReleaseDetail[] {
  const names = new Set([...transactions, ...errors, ...sessions].map((row) => row.release).filter((name) => name !== ''));
  const byName = <T extends { release: string }>(rows: T[]) => new Map(rows.map((row) => [row.release, row]));
  const tx = byName(transactions);
  const err = byName(errors);
  const ses = byName(sessions);
  const details = [...names].map((release): ReleaseDetail => {
    const t = tx.get(release);
    const e = err.get(release);
    const s = ses.get(release);
    const count = toNumber(t?.transactions) ?? 0;
    const errorCount = toNumber(e?.errors) ?? 0;
    const started = toNumber(s?.sessions) ?? 0;
    const sessionUsers = toNumber(s?.session_users) ?? 0;
    const firstSeen = [t?.first_seen, e?.first_seen, s?.first_seen].map(toNumber).filter((v): v is number => v !== null);
    return {
      release,
      first_seen: firstSeen.length > 0 ? Math.min(...firstSeen) : null,
      transactions: count,
      errors: errorCount,
      error_rate: count > 0 ? errorCount / count : null,
      failure_rate: count > 0 ? toNumber(t?.failure_rate) : null,
      users_affected: toNumber(e?.users_affected) ?? 0,
      crash_free_sessions: started > 0 ? 1 - (toNumber(s?.crashed) ?? 0) / started : null,
      crash_free_users: sessionUsers > 0 ? 1 - (toNumber(s?.crashed_users) ?? 0) / sessionUsers : null,
      p50: count > 0 ? toNumber(t?.latency[0]) : null,
      p95: count > 0 ? toNumber(t?.latency[1]) : null,
      apdex: count > 0 ? toNumber(t?.apdex) : null,
    };
  });
  return details.sort((a, b) => (b.first_seen ?? -1) - (a.first_seen ?? -1) || a.release.localeCompare(b.release));
}

export function toReleaseHealth(detail: ReleaseDetail): ReleaseHealth {
  const { p50: _p50, p95: _p95, apdex: _apdex, ...health } = detail;
  return health;
}

const COMPARED: Array<keyof ReleaseDetail> = [
  'transactions', 'errors', 'error_rate', 'failure_rate', 'users_affected', 'crash_free_sessions', 'crash_free_users', 'p50', 'p95', 'apdex',
];

export function compareReleases(base: ReleaseDetail, candidate: ReleaseDetail): ReleaseComparison {
  const change: ReleaseComparison['change'] = {};
  for (const metric of COMPARED) {
    const b = base[metric] as number | null;
    const c = candidate[metric] as number | null;
    const absolute = b === null || c === null ? null : c - b;
    change[metric] = { absolute, relative: absolute === null || b === 0 ? null : absolute / (b as number) };
  }
  return { base, candidate, change };
}

/** A release with no data in the range: every count 0, every rate null. */
export function emptyRelease(release: string): ReleaseDetail {
  return toReleaseDetails([{ release, first_seen: null, transactions: 0, failure_rate: null, latency: [], apdex: null }], [], [])[0];
}

export interface ReleaseSeriesPoint {
  t: number;
  release: string;
  transactions: number;
  errors: number;
  /** Errors per transaction in the bucket; null without transactions. */
  error_rate: number | null;
  failure_rate: number | null;
}

/** Every bucket of the range for every requested release, zeros and nulls where nothing happened. */
export function toReleaseSeries(
  transactions: Array<{ t: Value; release: string; transactions: Value; failures: Value }>,
  errors: Array<{ t: Value; release: string; errors: Value }>,
  releases: string[],
  range: { fromMs: number; toMs: number },
  intervalMs: number,
): ReleaseSeriesPoint[] {
  const key = (release: string, t: number) => `${release}\u0000${t}`;
  const tx = new Map(transactions.map((row) => [key(row.release, Number(row.t)), row]));
  const err = new Map(errors.map((row) => [key(row.release, Number(row.t)), row]));
  const points: ReleaseSeriesPoint[] = [];
  for (const release of releases) {
    for (let t = Math.floor(range.fromMs / intervalMs) * intervalMs; t < range.toMs; t += intervalMs) {
      const count = toNumber(tx.get(key(release, t))?.transactions) ?? 0;
      const failures = toNumber(tx.get(key(release, t))?.failures) ?? 0;
      const errorCount = toNumber(err.get(key(release, t))?.errors) ?? 0;
      points.push({ t, release, transactions: count, errors: errorCount, error_rate: count > 0 ? errorCount / count : null, failure_rate: count > 0 ? failures / count : null });
    }
  }
  return points;
}
