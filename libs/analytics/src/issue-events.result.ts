import { ISSUE_TAG_COLUMNS, IssueTagKey } from './issue-events.query';
import type { TimeRange } from './time-range';

/**
 * Shapes the answers of the issue reads (issue-events.query.ts): numbers from ClickHouse's
 * 64-bit strings, epoch ms times, tag values grouped by key in a fixed key order, and a series
 * with every bucket of the range (zeros included) so charts never join distant points.
 */

/** ClickHouse's JSON gives 64-bit integers as strings (or numbers, depending on the settings). */
type Int64 = number | string;

export interface FingerprintTotals {
  fingerprint: string;
  count: number;
  /** Distinct non-empty user ids (uniq: exact below 65,536 distinct users). */
  userCount: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface ReleaseEnvironmentTotals {
  release: string;
  environment: string;
  count: number;
  userCount: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface TagValueCount {
  value: string;
  count: number;
}

export interface IssueTagSummary {
  key: IssueTagKey;
  values: TagValueCount[];
}

export interface IssueBreakdown {
  count: number;
  /** Exact distinct users across every hash of the issue. */
  userCount: number;
  byReleaseEnvironment: ReleaseEnvironmentTotals[];
  topTags: IssueTagSummary[];
}

export interface FingerprintTotalsRow {
  fingerprint: string;
  count: Int64;
  users: Int64;
  first_seen: Int64;
  last_seen: Int64;
}

export interface IssueTotalsRow {
  count: Int64;
  users: Int64;
}

export interface ReleaseEnvironmentRow {
  release: string;
  environment: string;
  count: Int64;
  users: Int64;
  first_seen: Int64;
  last_seen: Int64;
}

export interface TagValueRow {
  key: string;
  value: string;
  count: Int64;
}

export interface SeriesRow {
  t: Int64;
  count: Int64;
}

export function toFingerprintTotals(rows: FingerprintTotalsRow[]): FingerprintTotals[] {
  return rows.map((row) => ({
    fingerprint: row.fingerprint,
    count: Number(row.count),
    userCount: Number(row.users),
    firstSeenMs: Number(row.first_seen),
    lastSeenMs: Number(row.last_seen),
  }));
}

export function toIssueBreakdown(totals: IssueTotalsRow | undefined, pairs: ReleaseEnvironmentRow[], tags: TagValueRow[]): IssueBreakdown {
  const keys = Object.keys(ISSUE_TAG_COLUMNS) as IssueTagKey[];
  return {
    count: Number(totals?.count ?? 0),
    userCount: Number(totals?.users ?? 0),
    byReleaseEnvironment: pairs.map((row) => ({
      release: row.release,
      environment: row.environment,
      count: Number(row.count),
      userCount: Number(row.users),
      firstSeenMs: Number(row.first_seen),
      lastSeenMs: Number(row.last_seen),
    })),
    topTags: keys.map((key) => ({ key, values: tags.filter((row) => row.key === key).map((row) => ({ value: row.value, count: Number(row.count) })) })),
  };
}

/** Every bucket from the one holding `fromMs` to the last starting before `toMs`. */
export function toIssueSeries(rows: SeriesRow[], range: TimeRange, intervalMs: number): Array<{ timestampMs: number; count: number }> {
  const counts = new Map(rows.map((row) => [Number(row.t), Number(row.count)]));
  const series: Array<{ timestampMs: number; count: number }> = [];
  for (let t = Math.floor(range.fromMs / intervalMs) * intervalMs; t < range.toMs; t += intervalMs) series.push({ timestampMs: t, count: counts.get(t) ?? 0 });
  return series;
}
