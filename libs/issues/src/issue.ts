/**
 * The issue entity as the rest of Pulse sees it: the types the issue processor writes and the
 * query API reads (PostgreSQL schema: libs/state/migrations/0001_issues.sql). Names follow
 * Sentry's issue API, so that its users' scripts carry over.
 */

export const ISSUE_STATUSES = ['unresolved', 'resolved', 'ignored'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/**
 * Unresolved: new (first seen in the last 7 days), ongoing, regressed (came back after a
 * resolution, for 7 days), escalating (an ignore condition was met). Ignored: archived_forever,
 * archived_until_condition_met. Resolved: none.
 */
export const ISSUE_SUBSTATUSES = ['new', 'ongoing', 'regressed', 'escalating', 'archived_forever', 'archived_until_condition_met'] as const;
export type IssueSubstatus = (typeof ISSUE_SUBSTATUSES)[number];

/** `new` and `regressed` read as `ongoing` once this old (Sentry's 7 days). */
export const SUBSTATUS_FADES_AFTER_MS = 7 * 24 * 3_600_000;

/** How long an issue stays ignored: any that is set must be met before it comes back (as escalating). */
export interface IgnoreCondition {
  /** Comes back at this time (ms since the epoch). `ignoreDuration` (minutes) in the API becomes this. */
  untilMs?: number;
  /** Comes back after this many events (within `windowMinutes` when set). */
  count?: number;
  windowMinutes?: number;
  /** Comes back once this many distinct users were affected (within `userWindowMinutes` when set). */
  userCount?: number;
  userWindowMinutes?: number;
}

/** A status change as the API asks for it (parsed from Sentry's body shape). */
export type StatusChange =
  | { status: 'unresolved' }
  | { status: 'resolved'; resolution: { kind: 'resolved' } | { kind: 'in_next_release' } | { kind: 'in_release'; release: string } }
  | { status: 'ignored'; ignore: IgnoreCondition };

/** `statusDetails` as the API shows it (Sentry's names). */
export interface StatusDetails {
  inNextRelease?: boolean;
  inRelease?: string;
  ignoreUntil?: string;
  ignoreCount?: number;
  ignoreWindow?: number;
  ignoreUserCount?: number;
  ignoreUserWindow?: number;
}

/** One issue as stored, times in ms since the epoch. */
export interface Issue {
  id: number;
  projectId: number;
  shortNumber: number;
  title: string;
  culprit: string;
  level: string;
  platform: string;
  status: IssueStatus;
  /** As stored; `effectiveSubstatus` applies the 7-day fade. */
  substatus: IssueSubstatus | null;
  substatusChangedAtMs: number;
  statusDetails: StatusDetails;
  statusChangedAtMs: number;
  firstSeenMs: number;
  lastSeenMs: number;
  firstRelease: string;
  lastRelease: string;
  timesSeen: number;
  groupingConfig: string;
  /** The event that opened the issue (null for issues opened before it was recorded). */
  firstEventId: string | null;
  /** Every hash that leads to this issue (its events in ClickHouse have one of them as `fingerprint`). */
  hashes: string[];
}

/** One entry of an issue's history. */
export interface IssueActivity {
  id: number;
  issueId: number;
  kind: 'first_seen' | 'set_status' | 'set_regression' | 'set_escalating';
  actor: string;
  atMs: number;
  fromStatus: IssueStatus | null;
  fromSubstatus: IssueSubstatus | null;
  toStatus: IssueStatus | null;
  toSubstatus: IssueSubstatus | null;
  details: Record<string, unknown>;
}

/** The substatus as it reads now: `new` and `regressed` fade to `ongoing` after 7 days. */
export function effectiveSubstatus(issue: Pick<Issue, 'substatus' | 'substatusChangedAtMs'>, nowMs: number): IssueSubstatus | null {
  const fades = issue.substatus === 'new' || issue.substatus === 'regressed';
  return fades && nowMs - issue.substatusChangedAtMs >= SUBSTATUS_FADES_AFTER_MS ? 'ongoing' : issue.substatus;
}

/** Sentry's short-id alphabet (Crockford's base 32: no I, L, O, U). */
const SHORT_ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `PULSE-1`, `MY-SHOP-1A`: the project name as a slug in capitals, then the short number in base 32. */
export function shortIdOf(projectName: string, shortNumber: number): string {
  const slug = projectName.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'PROJECT';
  let n = shortNumber;
  let digits = '';
  do {
    digits = SHORT_ID_ALPHABET[n % 32] + digits;
    n = Math.floor(n / 32);
  } while (n > 0);
  return `${slug}-${digits}`;
}

/**
 * The short number of a short id (`PULSE-1A` → 42), the inverse of shortIdOf's base 32; the slug
 * before the last `-` is not checked here. Undefined for anything that is not one (lower case is
 * accepted, as people type it).
 */
export function parseShortId(shortId: string): number | undefined {
  const match = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*-([0-9A-Za-z]{1,10})$/.exec(shortId);
  if (!match) return undefined;
  let n = 0;
  for (const digit of match[1].toUpperCase()) {
    const value = SHORT_ID_ALPHABET.indexOf(digit);
    if (value < 0) return undefined;
    n = n * 32 + value;
  }
  return n;
}
