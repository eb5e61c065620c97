import { effectiveSubstatus, Issue, IssueActivity, IssueStatus, IssueSubstatus, parseShortId, shortIdOf, StatusDetails } from '../issue';
import type { IssueBreakdown } from '@pulse/analytics';
import type { TracedEvent } from './issue-read.ports';

/**
 * Issues as the API answers them, field names after Sentry's issue API (`id` and `count` are
 * strings there, releases are `{"version": …}` objects): a script written against Sentry reads
 * Pulse's answers unchanged.
 */

export interface IssueSummary {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: IssueStatus;
  substatus: IssueSubstatus | null;
  statusDetails: StatusDetails;
  platform: string;
  /** Events in the range and filters, as a string (Sentry's). */
  count: string;
  /** Distinct users in the range and filters. */
  userCount: number;
  /** Lifetime, ISO-8601. */
  firstSeen: string;
  lastSeen: string;
  firstRelease: { version: string } | null;
  lastRelease: { version: string } | null;
  project: { id: string; name: string };
}

/** The trace an event belongs to and where to read it. */
export interface EventTrace {
  traceId: string;
  spanId: string;
  link: string;
}

export type WithTrace<Event extends TracedEvent> = Omit<Event, 'trace'> & { trace: EventTrace | null };

export interface IssueDetail<Event extends TracedEvent> extends IssueSummary {
  latestEvent: WithTrace<Event> | null;
  stats: IssueBreakdown & { range: { from: string; to: string } };
  activity: ActivityView[];
}

/** One entry of an issue's history (Sentry's activity shape; `user` is the actor). */
export interface ActivityView {
  id: string;
  type: IssueActivity['kind'];
  user: string;
  dateCreated: string;
  data: {
    fromStatus: IssueStatus | null;
    toStatus: IssueStatus | null;
    fromSubstatus: IssueSubstatus | null;
    toSubstatus: IssueSubstatus | null;
    statusDetails: Record<string, unknown>;
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();
const release = (version: string): { version: string } | null => (version === '' ? null : { version });

export function issueSummary(issue: Issue, projectName: string, counts: { count: number; userCount: number }, nowMs: number): IssueSummary {
  return {
    id: String(issue.id),
    shortId: shortIdOf(projectName, issue.shortNumber),
    title: issue.title,
    culprit: issue.culprit,
    level: issue.level,
    status: issue.status,
    substatus: effectiveSubstatus(issue, nowMs),
    statusDetails: issue.statusDetails,
    platform: issue.platform,
    count: String(counts.count),
    userCount: counts.userCount,
    firstSeen: iso(issue.firstSeenMs),
    lastSeen: iso(issue.lastSeenMs),
    firstRelease: release(issue.firstRelease),
    lastRelease: release(issue.lastRelease),
    project: { id: String(issue.projectId), name: projectName },
  };
}

export function activityView(entry: IssueActivity): ActivityView {
  return {
    id: String(entry.id),
    type: entry.kind,
    user: entry.actor,
    dateCreated: iso(entry.atMs),
    data: { fromStatus: entry.fromStatus, toStatus: entry.toStatus, fromSubstatus: entry.fromSubstatus, toSubstatus: entry.toSubstatus, statusDetails: entry.details },
  };
}

/** The event with where to read its trace (GET traces/:traceId of the query API); null when the SDK sent none. */
export function withTrace<Event extends TracedEvent>(projectId: number, event: Event): WithTrace<Event> {
  const trace = event.trace === null ? null : { ...event.trace, link: `/api/v1/projects/${projectId}/traces/${event.trace.traceId}` };
  return { ...event, trace };
}

/**
 * The short number of `text` when it is a short id of this project (`SHOP-1A`, any case), else
 * undefined: parseShortId does not check the slug, so the number is written back and compared.
 */
export function shortNumberIn(projectName: string, text: string): number | undefined {
  const shortNumber = parseShortId(text.trim());
  return shortNumber !== undefined && shortIdOf(projectName, shortNumber) === text.trim().toUpperCase() ? shortNumber : undefined;
}
