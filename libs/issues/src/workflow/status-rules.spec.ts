import type { WorkflowEvent } from './event-groups';
import { IgnoreCounts, IssueWorkflowState, MINUTE_MS, statusOutcome, usersInWindow } from './status-rules';

const T = Date.UTC(2026, 11, 7, 12, 0, 0);
const base: IssueWorkflowState = {
  status: 'unresolved',
  substatus: 'ongoing',
  statusChangedAtMs: T,
  resolvedAtMs: null,
  resolutionKind: null,
  resolutionRelease: null,
  ignoreUntilMs: null,
  ignoreCount: null,
  ignoreWindowMin: null,
  ignoreUserCount: null,
  ignoreUserWindowMin: null,
};
const event = (receivedAtMs: number, release = '', userId = '', eventId = `e${receivedAtMs}`): WorkflowEvent => ({ eventId, receivedAtMs, release, userId });
const FIRST_SEEN: Record<string, number> = { '1.0.0': 1, '1.1.0': 2, '2.0.0': 3, abc: 4, def: 5 };
const releaseOf = (version: string) => ({ version, firstSeenMs: FIRST_SEEN[version] ?? Number.POSITIVE_INFINITY });
const noCounts = (): IgnoreCounts => ({ minutes: new Map(), users: new Map(), otherUsers: 0 });
const outcome = (state: Partial<IssueWorkflowState>, events: WorkflowEvent[], counts = noCounts()) => statusOutcome({ ...base, ...state }, events, releaseOf, counts);
const resolved = (kind: IssueWorkflowState['resolutionKind'], release: string | null = null): Partial<IssueWorkflowState> => ({
  status: 'resolved',
  substatus: null,
  resolvedAtMs: T,
  resolutionKind: kind,
  resolutionRelease: release,
});

describe('regressions', () => {
  it('a plain resolve regresses on the first event received after it, never on one received before', () => {
    expect(outcome(resolved('resolved'), [event(T - 1), event(T)])).toEqual({ kind: 'unchanged' });
    expect(outcome(resolved('resolved'), [event(T - 5), event(T + 1, '', '', 'late'), event(T + 2)])).toEqual({ kind: 'regressed', event: event(T + 1, '', '', 'late') });
  });

  it('in_release X stays resolved for releases up to X and regresses for newer ones', () => {
    expect(outcome(resolved('in_release', '1.1.0'), [event(T + 1, '1.0.0'), event(T + 2, '1.1.0')]).kind).toBe('unchanged');
    expect(outcome(resolved('in_release', '1.1.0'), [event(T + 1, '2.0.0')]).kind).toBe('regressed');
    // A release not seen yet is newer than every known one: resolving in it covers them all.
    expect(outcome(resolved('in_release', '3.0.0-next'), [event(T + 1, 'def')]).kind).toBe('unchanged');
  });

  it('in_next_release covers the latest release at the time, and regresses for a newer one', () => {
    expect(outcome(resolved('in_next_release', 'abc'), [event(T + 1, 'abc')]).kind).toBe('unchanged');
    expect(outcome(resolved('in_next_release', 'abc'), [event(T + 1, 'def')]).kind).toBe('regressed');
    expect(outcome(resolved('in_next_release', null), [event(T + 1, 'abc')]).kind).toBe('regressed');
  });

  it('an event without a release regresses a release resolution (it cannot be placed)', () => {
    expect(outcome(resolved('in_release', '2.0.0'), [event(T + 1)]).kind).toBe('regressed');
    expect(outcome(resolved('in_next_release', '2.0.0'), [event(T + 1)]).kind).toBe('regressed');
  });

  it('unresolved and archived_forever issues are left alone', () => {
    expect(outcome({}, [event(T + 1)]).kind).toBe('unchanged');
    expect(outcome({ status: 'ignored', substatus: 'archived_forever' }, [event(T + 1)]).kind).toBe('unchanged');
  });
});

describe('ignore conditions', () => {
  const ignored = (conditions: Partial<IssueWorkflowState>): Partial<IssueWorkflowState> => ({ status: 'ignored', substatus: 'archived_until_condition_met', ...conditions });

  it('escalates once ignore_until has passed, counting only events received after the ignore', () => {
    expect(outcome(ignored({ ignoreUntilMs: T + 10 * MINUTE_MS }), [event(T + 1)]).kind).toBe('unchanged');
    expect(outcome(ignored({ ignoreUntilMs: T + 10 * MINUTE_MS }), [event(T + 10 * MINUTE_MS)])).toEqual({ kind: 'escalated', event: event(T + 10 * MINUTE_MS), reason: 'until' });
  });

  it('counts events up to the threshold, and keeps the counts while it is not reached', () => {
    const counted = outcome(ignored({ ignoreCount: 3 }), [event(T - 1), event(T + 1), event(T + 2)]);
    expect(counted).toEqual({ kind: 'counted', addedMinutes: new Map([[T, 2]]), seenUsers: new Map() });
    const prior: IgnoreCounts = { minutes: new Map([[T, 2]]), users: new Map(), otherUsers: 0 };
    expect(outcome(ignored({ ignoreCount: 3 }), [event(T + 3, '', '', 'third')], prior)).toEqual({ kind: 'escalated', event: event(T + 3, '', '', 'third'), reason: 'count' });
  });

  it('counts only the events of the window', () => {
    const prior: IgnoreCounts = { minutes: new Map([[T, 5]]), users: new Map(), otherUsers: 0 };
    const later = T + 10 * MINUTE_MS;
    expect(outcome(ignored({ ignoreCount: 6, ignoreWindowMin: 10 }), [event(later)], prior).kind).toBe('counted');
    expect(outcome(ignored({ ignoreCount: 6, ignoreWindowMin: 11 }), [event(later)], prior).kind).toBe('escalated');
  });

  it('escalates on distinct users, within the user window when set', () => {
    const events = [event(T + 1, '', 'a'), event(T + 2, '', 'a'), event(T + 3, '', 'b')];
    expect(outcome(ignored({ ignoreUserCount: 3 }), events)).toEqual({ kind: 'counted', addedMinutes: new Map([[T, 3]]), seenUsers: new Map([['a', T + 2], ['b', T + 3]]) });
    expect(outcome(ignored({ ignoreUserCount: 3 }), events, { minutes: new Map(), users: new Map(), otherUsers: 1 }).kind).toBe('escalated');
    const old: IgnoreCounts = { minutes: new Map(), users: new Map([['c', T - 60 * MINUTE_MS]]), otherUsers: 0 };
    expect(outcome(ignored({ ignoreUserCount: 3, ignoreUserWindowMin: 30 }), events, old).kind).toBe('counted');
    expect(outcome(ignored({ ignoreUserCount: 3, ignoreUserWindowMin: 90 }), events, old).kind).toBe('escalated');
  });

  it('reads the user window as the minutes before the event', () => {
    const users = new Map([['a', T], ['b', T + 5 * MINUTE_MS]]);
    expect(usersInWindow(users, 0, T + 5 * MINUTE_MS, 5)).toBe(1);
    expect(usersInWindow(users, 0, T + 5 * MINUTE_MS, 6)).toBe(2);
    expect(usersInWindow(users, 3, T, null)).toBe(5);
  });
});
