import { ErrorRecord, RatedVitalName, SessionRecord, TransactionRecord, VITAL_THRESHOLDS, WebVitalRecord } from '@pulse/model';
import type { SeededRecords } from '@pulse/testing';

/**
 * Expected answers computed from the seeded records, the way metrics.md defines each metric, for
 * the Grafana tests. Exact for counts, shares and distinct users; quantiles are checked against
 * DDSketch bounds by the caller.
 */
export interface RecordFilters {
  release?: string;
  environment?: string;
  transaction?: string;
  browser?: string;
  os?: string;
}

export const FAILED = (r: TransactionRecord): boolean => !['ok', 'cancelled', 'unknown'].includes(r.status);
const APDEX_T = 300;

export class Expectations {
  constructor(
    private readonly records: SeededRecords,
    private readonly projectId: number,
  ) {}

  transactions(filters: RecordFilters, fromMs: number, toMs: number): TransactionRecord[] {
    return this.records.transactions.filter(
      (r) =>
        r.projectId === this.projectId &&
        r.timestampMs >= fromMs &&
        r.timestampMs < toMs &&
        (filters.release === undefined || r.release === filters.release) &&
        (filters.environment === undefined || r.environment === filters.environment) &&
        (filters.transaction === undefined || r.name === filters.transaction) &&
        (filters.browser === undefined || r.browserName === filters.browser) &&
        (filters.os === undefined || r.osName === filters.os),
    );
  }

  errors(filters: RecordFilters, fromMs: number, toMs: number): ErrorRecord[] {
    return this.records.errors.filter(
      (r) =>
        r.projectId === this.projectId &&
        r.timestampMs >= fromMs &&
        r.timestampMs < toMs &&
        (filters.release === undefined || r.release === filters.release) &&
        (filters.environment === undefined || r.environment === filters.environment),
    );
  }

  /** Samples of one vital; the `transaction` filter is the page, as the web vitals API reads it. */
  webVitals(vital: RatedVitalName, filters: RecordFilters, fromMs: number, toMs: number): WebVitalRecord[] {
    return this.records.webVitals.filter(
      (r) =>
        r.projectId === this.projectId &&
        r.vital === vital &&
        r.timestampMs >= fromMs &&
        r.timestampMs < toMs &&
        (filters.release === undefined || r.release === filters.release) &&
        (filters.environment === undefined || r.environment === filters.environment) &&
        (filters.transaction === undefined || r.page === filters.transaction) &&
        (filters.browser === undefined || r.browserName === filters.browser) &&
        (filters.os === undefined || r.osName === filters.os),
    );
  }

  /** Error events with the filters the error group list applies (all five). */
  errorEvents(filters: RecordFilters, fromMs: number, toMs: number): ErrorRecord[] {
    return this.errors(filters, fromMs, toMs).filter(
      (r) =>
        (filters.transaction === undefined || r.transaction === filters.transaction) &&
        (filters.browser === undefined || r.browserName === filters.browser) &&
        (filters.os === undefined || r.osName === filters.os),
    );
  }

  sessions(filters: RecordFilters, fromMs: number, toMs: number): SessionRecord[] {
    return this.records.sessions.filter(
      (r) =>
        r.projectId === this.projectId &&
        r.startedMs >= fromMs &&
        r.startedMs < toMs &&
        (filters.release === undefined || r.release === filters.release) &&
        (filters.environment === undefined || r.environment === filters.environment),
    );
  }

  /** Releases with any transaction, error or session in the range, as release health lists them. */
  releases(filters: RecordFilters, fromMs: number, toMs: number): string[] {
    const names = [...this.transactions(filters, fromMs, toMs), ...this.errors(filters, fromMs, toMs), ...this.sessions(filters, fromMs, toMs)].map((r) => r.release);
    return [...new Set(names)].filter((name) => name !== '').sort();
  }

  /** The first minute a release appears in transactions, errors or sessions (started). */
  firstSeenMinute(release: string, filters: RecordFilters, fromMs: number, toMs: number): number {
    const scoped = { ...filters, release };
    const times = [
      ...this.transactions(scoped, fromMs, toMs).map((r) => r.timestampMs),
      ...this.errors(scoped, fromMs, toMs).map((r) => r.timestampMs),
      ...this.sessions(scoped, fromMs, toMs).map((r) => r.startedMs),
    ];
    return Math.floor(Math.min(...times) / 60_000) * 60_000;
  }

  /** Every value of a dimension in the project and range (as the rollups see them: any record kind). */
  dimension(name: 'release' | 'environment' | 'transaction', fromMs: number, toMs: number): string[] {
    const tx = this.transactions({}, fromMs, toMs);
    if (name === 'transaction') return [...new Set(tx.map((r) => r.name))].sort();
    const vitals = this.records.webVitals.filter((r) => r.projectId === this.projectId && r.timestampMs >= fromMs && r.timestampMs < toMs);
    const all = [...tx, ...this.errors({}, fromMs, toMs), ...this.sessions({}, fromMs, toMs), ...vitals];
    return [...new Set(all.map((r) => r[name]))].filter((value) => value !== '').sort();
  }
}

export function failureRate(tx: TransactionRecord[]): number | null {
  return tx.length === 0 ? null : tx.filter(FAILED).length / tx.length;
}

export function apdex(tx: TransactionRecord[]): number | null {
  if (tx.length === 0) return null;
  const satisfied = tx.filter((r) => r.durationMs <= APDEX_T).length;
  const tolerated = tx.filter((r) => r.durationMs > APDEX_T && r.durationMs <= 4 * APDEX_T).length;
  return (satisfied + tolerated / 2) / tx.length;
}

export function users(records: Array<{ userId: string }>): number {
  return new Set(records.filter((r) => r.userId !== '').map((r) => r.userId)).size;
}

export function userMisery(tx: TransactionRecord[]): number | null {
  if (tx.length === 0) return null;
  const miserable = users(tx.filter((r) => r.durationMs > 4 * APDEX_T));
  return (miserable + 5.8875) / (users(tx) + 5.8875 + 111.8625);
}

export function crashFreeSessions(sessions: SessionRecord[]): number | null {
  const started = sessions.filter((s) => s.init).reduce((sum, s) => sum + s.quantity, 0);
  const crashed = sessions.filter((s) => s.status === 'crashed').reduce((sum, s) => sum + s.quantity, 0);
  return started === 0 ? null : 1 - crashed / started;
}

export function sortedDurations(tx: TransactionRecord[]): number[] {
  return tx.map((r) => r.durationMs).sort((a, b) => a - b);
}

export function sortedValues(samples: WebVitalRecord[]): number[] {
  return samples.map((r) => r.value).sort((a, b) => a - b);
}

/** Shares of good / needs-improvement / poor samples with the thresholds of metrics.md. */
export function ratingShares(vital: RatedVitalName, samples: WebVitalRecord[]): { good: number; needs_improvement: number; poor: number } | null {
  if (samples.length === 0) return null;
  const { good, poor } = VITAL_THRESHOLDS[vital];
  const share = (test: (v: number) => boolean) => samples.filter((r) => test(r.value)).length / samples.length;
  return { good: share((v) => v <= good), needs_improvement: share((v) => v > good && v <= poor), poor: share((v) => v > poor) };
}

const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);

/**
 * Where ClickHouse's DDSketch answer for level q of vital samples must fall: the DDSketch bound,
 * widened above by one bucket (γ) when the upper sample is below 1 (CLS): ClickHouse keys a value
 * by `static_cast<int>(log_γ x)`, which truncates toward zero, so below 1 it answers one bucket
 * high (libs/analytics/src/web-vitals.int-spec.ts checks this on the server).
 */
export function vitalBounds(sorted: number[], q: number): { low: number; high: number } {
  const rank = q * (sorted.length - 1);
  const upper = sorted[Math.ceil(rank)];
  const high = (1 + ALPHA) * upper;
  return { low: (1 - ALPHA) * sorted[Math.floor(rank)], high: upper < 1 ? high * GAMMA : high };
}
