import { shortIdOf } from '@pulse/issues';
import type { ErrorRecord } from '@pulse/model';
import type { IssueAlertNotification, IssueTrigger } from '@pulse/notifiers';
import type { IssueRuleDefinition, StoredAlertRule } from '../rules/alert-rule';
import type { AlertedIssue } from './issue-alert.queries';

/**
 * What an issue alert says (IssueAlertNotification of @pulse/notifiers): the issue as its row
 * reads when the alert is decided, the event that fired it as the SDK sent it, and the outbox key
 * base that names the facts, so that deciding the same alert again enqueues nothing.
 */

export interface IssueAlertFacts {
  rule: StoredAlertRule<IssueRuleDefinition>;
  issue: AlertedIssue;
  /** The short id's prefix (the project's name). */
  projectName: string;
  record: ErrorRecord;
  trigger: IssueTrigger;
  reason: string;
  incidentId: number;
  atMs: number;
  /** Distinct users in the window, when a user_frequency trigger counted them. */
  userCount?: number;
}

/** `issue:<rule>:<issue>:new_issue` (once per issue), else `issue:<rule>:<issue>:<trigger>:<event>`. */
export function issueAlertKeyBase(ruleId: number, issueId: number, trigger: IssueTrigger, eventId: string): string {
  return trigger === 'new_issue' ? `issue:${ruleId}:${issueId}:new_issue` : `issue:${ruleId}:${issueId}:${trigger}:${eventId}`;
}

export function issueAlertNotification(facts: IssueAlertFacts): IssueAlertNotification {
  const { rule, issue, record } = facts;
  // The chain is stored outermost last (Sentry's order): the exception the user saw.
  const outermost = record.exceptions.at(-1);
  return {
    kind: 'issue',
    action: 'triggered',
    projectId: issue.projectId,
    rule: { id: rule.id, name: rule.definition.name },
    at: new Date(facts.atMs).toISOString(),
    link: `/api/v1/projects/${issue.projectId}/issues/${issue.id}`,
    incidentId: facts.incidentId,
    trigger: facts.trigger,
    reason: facts.reason,
    issue: {
      id: issue.id,
      shortId: shortIdOf(facts.projectName, issue.shortNumber),
      title: issue.title,
      culprit: issue.culprit,
      level: issue.level,
      platform: issue.platform,
      status: issue.status,
      substatus: issue.substatus,
      firstSeen: new Date(issue.firstSeenMs).toISOString(),
      lastSeen: new Date(issue.lastSeenMs).toISOString(),
      count: issue.timesSeen,
      ...(facts.userCount === undefined ? {} : { userCount: facts.userCount }),
    },
    event: {
      eventId: record.eventId,
      timestamp: new Date(record.timestampMs).toISOString(),
      release: record.release,
      environment: record.environment,
      level: record.level,
      platform: record.platform,
      transaction: record.transaction,
      exceptionType: outermost?.type ?? '',
      exceptionValue: outermost?.value ?? '',
      tags: { ...record.tags },
    },
  };
}
