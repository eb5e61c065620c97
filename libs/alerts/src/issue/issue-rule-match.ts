import type { IssueTrigger } from '@pulse/notifiers';
import type { TimeRange } from '@pulse/analytics';
import type { ErrorRecord } from '@pulse/model';
import type { IssueRuleFilters, IssueRuleTrigger } from '../rules/alert-rule';

/**
 * The pure half of an issue rule's decision for one event (issue-alert-evaluator.ts does the
 * I/O): whether the event passes the rule's filters, whether the action interval is over, the
 * window a frequency trigger counts, and whether the counts are past the threshold, with the
 * sentence a notification gives as its reason.
 */

/** Severity order of ErrorRecord levels: a `level` filter keeps this one and the more severe. */
export const LEVEL_SEVERITY: Readonly<Record<ErrorRecord['level'], number>> = { debug: 0, info: 1, warning: 2, error: 3, fatal: 4 };

export type FrequencyTrigger = Extract<IssueRuleTrigger, { windowSeconds: number }>;

export function isFrequencyTrigger(trigger: IssueRuleTrigger): trigger is FrequencyTrigger {
  return trigger.type === 'event_frequency' || trigger.type === 'user_frequency' || trigger.type === 'session_percent';
}

/** True when every filter the rule sets matches the event (environment, release, platform exactly; level at least; every tag). */
export function passesFilters(filters: IssueRuleFilters, record: ErrorRecord): boolean {
  if (filters.environment !== undefined && record.environment !== filters.environment) return false;
  if (filters.release !== undefined && record.release !== filters.release) return false;
  if (filters.platform !== undefined && record.platform !== filters.platform) return false;
  if (filters.level !== undefined && (LEVEL_SEVERITY[record.level] ?? -1) < LEVEL_SEVERITY[filters.level]) return false;
  for (const [key, value] of Object.entries(filters.tags ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(record.tags, key) || record.tags[key] !== value) return false;
  }
  return true;
}

/** A rule notifies for an issue at most once per `actionIntervalMinutes`, counted from its last notification. */
export function actionIntervalOver(lastFiredAtMs: number | undefined, actionIntervalMinutes: number, nowMs: number): boolean {
  return lastFiredAtMs === undefined || nowMs - lastFiredAtMs >= actionIntervalMinutes * 60_000;
}

/** The `windowSeconds` ending at the event, the event's own millisecond included: [t + 1 − w, t + 1). */
export function windowEndingAt(timestampMs: number, windowSeconds: number): TimeRange {
  return { fromMs: timestampMs + 1 - windowSeconds * 1000, toMs: timestampMs + 1 };
}

/** What a frequency trigger counted in its window. `sessions`: only session_percent reads it. */
export interface WindowCounts {
  events: number;
  users: number;
  sessions?: number;
}

export interface Verdict {
  fires: boolean;
  reason: string;
}

/** Past the threshold ("more than"), and why. session_percent with no session in the window never fires (no rate to compare). */
export function frequencyVerdict(trigger: FrequencyTrigger, counts: WindowCounts): Verdict {
  const window = `${trigger.windowSeconds} s`;
  switch (trigger.type) {
    case 'event_frequency':
      return { fires: counts.events > trigger.count, reason: `${counts.events} events in ${window} (more than ${trigger.count})` };
    case 'user_frequency':
      return { fires: counts.users > trigger.count, reason: `${counts.users} users in ${window} (more than ${trigger.count})` };
    case 'session_percent': {
      const sessions = counts.sessions ?? 0;
      if (sessions === 0) return { fires: false, reason: `no session started in ${window}` };
      const percent = (counts.events / sessions) * 100;
      return { fires: percent > trigger.percent, reason: `${round(percent)}% of ${sessions} sessions in ${window} had an event (${counts.events} events; more than ${trigger.percent}%)` };
    }
  }
}

/** The reason of the event triggers, which fire on one fact rather than a count. */
export function eventTriggerReason(trigger: Exclude<IssueTrigger, FrequencyTrigger['type']>, escalationReason?: string): string {
  switch (trigger) {
    case 'new_issue':
      return 'a new issue: this event was its first';
    case 'regression':
      return 'the issue regressed: this event came after it was resolved';
    case 'escalating':
      return `the issue is escalating: ${ESCALATION_REASONS[escalationReason ?? ''] ?? 'its ignore condition was met'}`;
  }
}

/** The recorder's escalation reasons (issue_activity.details.reason of set_escalating). */
const ESCALATION_REASONS: Readonly<Record<string, string>> = {
  until: 'the time it was ignored for is over',
  count: 'it had more events than it was ignored for',
  users: 'more users had it than it was ignored for',
};

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
