/**
 * What a batch's events do to an issue's status, as pure functions over the issue's state and the
 * events in the order they were received (the recorder loads the state under a row lock, asks
 * here, and writes the answer).
 *
 * Time: "after the resolve" compares an event's `receivedAtMs` (the ingest host's clock when the
 * event arrived) with `resolved_at` / `status_changed_at` (PostgreSQL's now() when the API changed
 * the status). Both clocks are assumed NTP-synchronized; a skew of a few milliseconds only moves
 * which of two nearly simultaneous actions counts as first. This is what settles the race between
 * a resolve and an event in flight, whichever transaction commits first: an event received before
 * the resolve was part of what the user resolved, and never regresses the issue.
 */
import type { IssueStatus, IssueSubstatus } from '../issue';
import type { WorkflowEvent } from './event-groups';
import { compareReleases, ReleaseInfo } from './release-order';

export type ResolutionKind = 'resolved' | 'in_release' | 'in_next_release';

/** The columns of an issue the status rules read. */
export interface IssueWorkflowState {
  status: IssueStatus;
  substatus: IssueSubstatus | null;
  statusChangedAtMs: number;
  resolvedAtMs: number | null;
  resolutionKind: ResolutionKind | null;
  /** For in_release and in_next_release: the newest release the resolution covers. */
  resolutionRelease: string | null;
  ignoreUntilMs: number | null;
  ignoreCount: number | null;
  ignoreWindowMin: number | null;
  ignoreUserCount: number | null;
  ignoreUserWindowMin: number | null;
}

/** How one issue's ignore condition has been met so far: counted events per minute and users. */
export interface IgnoreCounts {
  /**
   * Events per minute (ms since the epoch, a multiple of 60 000): at least the minutes of the
   * window; without a window, any keys (their sum is what counts).
   */
  minutes: Map<number, number>;
  /** Users and when they were last seen (ms). */
  users: Map<string, number>;
  /** Users counted that are not in `users` (loaded as a number when no window applies). */
  otherUsers: number;
}

export type EscalationReason = 'until' | 'count' | 'users';

export type StatusOutcome =
  | { kind: 'unchanged' }
  | { kind: 'regressed'; event: WorkflowEvent }
  | { kind: 'escalated'; event: WorkflowEvent; reason: EscalationReason }
  /** Still ignored; what this batch adds to the counts of its condition: events per minute, users' last seen. */
  | { kind: 'counted'; addedMinutes: Map<number, number>; seenUsers: Map<string, number> };

export const MINUTE_MS = 60_000;

export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/** Whether an ignored issue counts its events and users (a count or user condition is set). */
export function countsIgnoredEvents(state: IssueWorkflowState): boolean {
  return state.status === 'ignored' && (state.ignoreCount !== null || state.ignoreUserCount !== null);
}

/**
 * The first event of `events` that regresses a resolved issue, or null. `releaseOf` gives a
 * release's first-seen time (a release never seen yet, such as the one named in "resolved in
 * 2.0" before 2.0 ships, is taken as first seen in the future: newer than every known release).
 */
export function regressingEvent(state: IssueWorkflowState, events: readonly WorkflowEvent[], releaseOf: (version: string) => ReleaseInfo): WorkflowEvent | null {
  if (state.status !== 'resolved' || state.resolvedAtMs === null) return null;
  const resolvedAtMs = state.resolvedAtMs;
  for (const event of events) {
    if (event.receivedAtMs <= resolvedAtMs) continue;
    if (regresses(state, event, releaseOf)) return event;
  }
  return null;
}

function regresses(state: IssueWorkflowState, event: WorkflowEvent, releaseOf: (version: string) => ReleaseInfo): boolean {
  if (state.resolutionKind === 'resolved' || state.resolutionKind === null) return true;
  // An event without a release cannot be placed before or after the release the resolution
  // covers. It regresses: a fix that did not reach it is the likelier story, and a false
  // regression costs one click while a missed one hides a live problem.
  if (event.release === '') return true;
  // in_next_release with no release known at the time: every release is newer than none.
  if (state.resolutionRelease === null || state.resolutionRelease === '') return true;
  return compareReleases(releaseOf(event.release), releaseOf(state.resolutionRelease)) > 0;
}

/**
 * Ignore conditions over the events received after the issue was ignored, in order: escalated by
 * the first event at which `ignore_until` has passed or a count or user threshold is reached
 * (within its window when set), else the updated counts (only when a count or user condition is set).
 */
export function ignoreOutcome(state: IssueWorkflowState, events: readonly WorkflowEvent[], counts: IgnoreCounts): StatusOutcome {
  if (state.status !== 'ignored') return { kind: 'unchanged' };
  const counting = countsIgnoredEvents(state);
  const minutes = new Map(counts.minutes);
  const users = new Map(counts.users);
  const addedMinutes = new Map<number, number>();
  const seenUsers = new Map<string, number>();
  for (const event of events) {
    if (event.receivedAtMs <= state.statusChangedAtMs) continue;
    if (state.ignoreUntilMs !== null && event.receivedAtMs >= state.ignoreUntilMs) return { kind: 'escalated', event, reason: 'until' };
    if (!counting) continue;
    const minute = minuteOf(event.receivedAtMs);
    minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
    addedMinutes.set(minute, (addedMinutes.get(minute) ?? 0) + 1);
    if (event.userId !== '') {
      users.set(event.userId, Math.max(users.get(event.userId) ?? 0, event.receivedAtMs));
      seenUsers.set(event.userId, Math.max(seenUsers.get(event.userId) ?? 0, event.receivedAtMs));
    }
    if (state.ignoreCount !== null && eventsInWindow(minutes, minute, state.ignoreWindowMin) >= state.ignoreCount) return { kind: 'escalated', event, reason: 'count' };
    if (state.ignoreUserCount !== null && usersInWindow(users, counts.otherUsers, event.receivedAtMs, state.ignoreUserWindowMin) >= state.ignoreUserCount) {
      return { kind: 'escalated', event, reason: 'users' };
    }
  }
  return counting ? { kind: 'counted', addedMinutes, seenUsers } : { kind: 'unchanged' };
}

/** Events of the window that ends with `minute` (it and the `windowMin - 1` before it); all when no window. */
export function eventsInWindow(minutes: ReadonlyMap<number, number>, minute: number, windowMin: number | null): number {
  const from = windowMin === null ? Number.NEGATIVE_INFINITY : minute - (windowMin - 1) * MINUTE_MS;
  let total = 0;
  for (const [at, events] of minutes) if (at >= from && at <= minute) total += events;
  return total;
}

/** Distinct users seen in the `windowMin` minutes up to `atMs`; all of them when no window. */
export function usersInWindow(users: ReadonlyMap<string, number>, otherUsers: number, atMs: number, windowMin: number | null): number {
  if (windowMin === null) return users.size + otherUsers;
  const from = atMs - windowMin * MINUTE_MS;
  let total = 0;
  for (const lastSeenMs of users.values()) if (lastSeenMs > from) total++;
  return total;
}

/** The outcome of a batch's events for an existing issue. */
export function statusOutcome(state: IssueWorkflowState, events: readonly WorkflowEvent[], releaseOf: (version: string) => ReleaseInfo, counts: IgnoreCounts): StatusOutcome {
  if (state.status === 'resolved') {
    const event = regressingEvent(state, events, releaseOf);
    return event ? { kind: 'regressed', event } : { kind: 'unchanged' };
  }
  if (state.status === 'ignored' && state.substatus !== 'archived_forever') return ignoreOutcome(state, events, counts);
  return { kind: 'unchanged' };
}
