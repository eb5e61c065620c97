import { errorRecord } from '@pulse/issues/testing';
import { actionIntervalOver, eventTriggerReason, frequencyVerdict, passesFilters, windowEndingAt } from './issue-rule-match';

describe('issue rule matching', () => {
  const record = errorRecord({ environment: 'production', release: '1.2.0', level: 'warning', platform: 'python', tags: { region: 'eu', plan: 'pro' } });

  it('passes an event only when every filter that is set matches', () => {
    expect(passesFilters({}, record)).toBe(true);
    expect(passesFilters({ environment: 'production', release: '1.2.0', platform: 'python', tags: { region: 'eu' } }, record)).toBe(true);
    expect(passesFilters({ environment: 'staging' }, record)).toBe(false);
    expect(passesFilters({ release: '1.2' }, record)).toBe(false);
    expect(passesFilters({ platform: 'node' }, record)).toBe(false);
    expect(passesFilters({ tags: { region: 'eu', plan: 'free' } }, record)).toBe(false);
    expect(passesFilters({ tags: { missing: '' } }, record)).toBe(false);
    expect(passesFilters({ tags: { toString: 'x' } }, record)).toBe(false);
  });

  it('keeps the level named and the more severe ones', () => {
    expect(passesFilters({ level: 'debug' }, record)).toBe(true);
    expect(passesFilters({ level: 'warning' }, record)).toBe(true);
    expect(passesFilters({ level: 'error' }, record)).toBe(false);
    expect(passesFilters({ level: 'error' }, { ...record, level: 'fatal' })).toBe(true);
  });

  it('counts the action interval from the last notification', () => {
    expect(actionIntervalOver(undefined, 30, 0)).toBe(true);
    expect(actionIntervalOver(1_000, 30, 1_000 + 30 * 60_000 - 1)).toBe(false);
    expect(actionIntervalOver(1_000, 30, 1_000 + 30 * 60_000)).toBe(true);
    expect(actionIntervalOver(1_000, 0, 1_000)).toBe(true);
  });

  it('ends the window at the event, its own millisecond included', () => {
    expect(windowEndingAt(100_000, 60)).toEqual({ fromMs: 40_001, toMs: 100_001 });
  });

  it('fires frequency triggers only past their threshold', () => {
    expect(frequencyVerdict({ type: 'event_frequency', count: 10, windowSeconds: 60 }, { events: 10, users: 1 })).toEqual({ fires: false, reason: '10 events in 60 s (more than 10)' });
    expect(frequencyVerdict({ type: 'event_frequency', count: 10, windowSeconds: 60 }, { events: 11, users: 1 }).fires).toBe(true);
    expect(frequencyVerdict({ type: 'user_frequency', count: 2, windowSeconds: 60 }, { events: 9, users: 3 })).toEqual({ fires: true, reason: '3 users in 60 s (more than 2)' });
    expect(frequencyVerdict({ type: 'session_percent', percent: 10, windowSeconds: 60 }, { events: 1, users: 1, sessions: 3 })).toEqual({
      fires: true,
      reason: '33.33% of 3 sessions in 60 s had an event (1 events; more than 10%)',
    });
    expect(frequencyVerdict({ type: 'session_percent', percent: 10, windowSeconds: 60 }, { events: 5, users: 1, sessions: 0 }).fires).toBe(false);
  });

  it('says why an escalation fired in words', () => {
    expect(eventTriggerReason('escalating', 'count')).toBe('the issue is escalating: it had more events than it was ignored for');
    expect(eventTriggerReason('escalating', 'unknown')).toBe('the issue is escalating: its ignore condition was met');
  });
});
