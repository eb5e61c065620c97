import { FingerprintTotals, QueryParameterError } from '@pulse/analytics';
import type { Issue } from '../issue';

/**
 * The pure part of listing issues: an issue's events are spread over its hashes (one fingerprint
 * per grouping config it was seen with), so the range's totals of every fingerprint are summed per
 * issue, issues without events in the range drop out, and the rest is sorted and paged. Sentry's
 * sorts and its cursor shape (`0:<offset>:0`), so that its users' scripts carry over.
 */

export const ISSUE_SORTS = ['lastSeen', 'firstSeen', 'events', 'users'] as const;
export type IssueSort = (typeof ISSUE_SORTS)[number];

/** Candidates (issues of PostgreSQL) and fingerprints (of ClickHouse) one list reads: fewer than this. */
export const MAX_LIST_CANDIDATES = 10_000;

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** An issue with its events in the range and filters. */
export interface CountedIssue {
  issue: Issue;
  count: number;
  /** Exact when `hashesWithEvents` has one entry; else the sum until made exact (userCount). */
  userCount: number;
  hashesWithEvents: string[];
}

/** Sums the fingerprints' totals per issue; issues without events are left out. */
export function countIssues(candidates: readonly Issue[], totals: readonly FingerprintTotals[]): CountedIssue[] {
  const byHash = new Map<string, FingerprintTotals>();
  for (const row of totals) byHash.set(row.fingerprint, row);
  const counted: CountedIssue[] = [];
  for (const issue of candidates) {
    let count = 0;
    let userCount = 0;
    const hashesWithEvents: string[] = [];
    for (const hash of issue.hashes) {
      const row = byHash.get(hash);
      if (row === undefined || row.count <= 0) continue;
      count += row.count;
      userCount += row.userCount;
      hashesWithEvents.push(hash);
    }
    if (count > 0) counted.push({ issue, count, userCount, hashesWithEvents });
  }
  return counted;
}

/** Whether the issue's user count is a sum over several fingerprints (a user may be in more than one). */
export function needsExactUsers(counted: CountedIssue): boolean {
  return counted.hashesWithEvents.length > 1;
}

const SORT_KEYS: Record<IssueSort, (counted: CountedIssue) => number> = {
  lastSeen: (counted) => counted.issue.lastSeenMs,
  firstSeen: (counted) => counted.issue.firstSeenMs,
  events: (counted) => counted.count,
  users: (counted) => counted.userCount,
};

/** Descending by the sort's value, ties by the newest issue (highest id) first; a new array. */
export function sortIssues(counted: readonly CountedIssue[], sort: IssueSort): CountedIssue[] {
  const key = SORT_KEYS[sort];
  return [...counted].sort((a, b) => key(b) - key(a) || b.issue.id - a.issue.id);
}

export function parseIssueSort(raw: string | undefined): IssueSort {
  if (raw === undefined || raw === '') return 'lastSeen';
  if (!(ISSUE_SORTS as readonly string[]).includes(raw)) throw new QueryParameterError(`sort=${JSON.stringify(raw)} must be one of ${ISSUE_SORTS.join(', ')}`);
  return raw as IssueSort;
}

export function parsePageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const size = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new QueryParameterError(`limit=${JSON.stringify(raw)} must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return size;
}

/** Sentry's cursor `<value>:<offset>:<is_prev>`; only the offset means something here. */
export function cursorOf(offset: number): string {
  return `0:${offset}:0`;
}

/** The offset a cursor stands for; no cursor is the first page. */
export function parseCursor(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const match = /^\d{1,13}:(\d{1,7}):[01]$/.exec(raw);
  if (!match) throw new QueryParameterError(`cursor=${JSON.stringify(raw)} is not a cursor of this API (take it from the Link header)`);
  return Number(match[1]);
}

/** One page and where the previous and next ones start. */
export interface IssuePageWindow<T> {
  items: T[];
  hits: number;
  offset: number;
  previous: { cursor: string; results: boolean };
  next: { cursor: string; results: boolean };
}

export function pageOf<T>(all: readonly T[], offset: number, size: number): IssuePageWindow<T> {
  const items = all.slice(offset, offset + size);
  return {
    items,
    hits: all.length,
    offset,
    previous: { cursor: `0:${Math.max(0, offset - size)}:1`, results: offset > 0 },
    next: { cursor: cursorOf(offset + size), results: offset + size < all.length },
  };
}

/**
 * A list that read as many as it may read (`limit` rows: there may be more) is refused with a 400
 * asking to narrow it, never cut short silently: a cut list would count and sort wrong.
 */
export function checkListSize(what: string, size: number): void {
  if (size >= MAX_LIST_CANDIDATES) {
    throw new QueryParameterError(
      `this list reads ${MAX_LIST_CANDIDATES} ${what} or more; narrow it with status, query, release, environment or a shorter time range (from, to)`,
    );
  }
}
