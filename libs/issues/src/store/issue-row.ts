/**
 * The one mapping between an `issues` row (libs/state/migrations/0001_issues.sql) and the Issue
 * the rest of Pulse sees: every read of issues selects ISSUE_COLUMNS and maps with issueFromRow,
 * so that a column is named in one place. `pg` returns bigint as a string (it may exceed 2^53 in
 * general; ids and counts here do not) and timestamptz as a Date.
 */
import type { Issue, IssueActivity, IssueStatus, IssueSubstatus, StatusDetails } from '../issue';

/** What a query answers for ISSUE_COLUMNS. */
export interface IssueRowShape {
  id: string;
  project_id: string;
  short_number: string;
  title: string;
  culprit: string;
  level: string;
  platform: string;
  status: IssueStatus;
  substatus: IssueSubstatus | null;
  substatus_changed_at: Date;
  status_details: StatusDetails;
  status_changed_at: Date;
  first_seen: Date;
  last_seen: Date;
  first_release: string;
  last_release: string;
  times_seen: string;
  grouping_config: string;
  first_event_id: string | null;
  /** array_agg of the issue's hashes, sorted. */
  hashes: string[];
}

/** The select list of an issue, from `issues AS i`; the hashes aggregated from issue_hashes. */
export const ISSUE_COLUMNS = `i.id, i.project_id, i.short_number, i.title, i.culprit, i.level, i.platform, i.status, i.substatus,
  i.substatus_changed_at, i.status_details, i.status_changed_at, i.first_seen, i.last_seen, i.first_release, i.last_release,
  i.times_seen, i.grouping_config, i.first_event_id,
  COALESCE((SELECT array_agg(h.hash ORDER BY h.hash) FROM issue_hashes h WHERE h.issue_id = i.id), '{}'::text[]) AS hashes`;

export function issueFromRow(row: IssueRowShape): Issue {
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    shortNumber: Number(row.short_number),
    title: row.title,
    culprit: row.culprit,
    level: row.level,
    platform: row.platform,
    status: row.status,
    substatus: row.substatus,
    substatusChangedAtMs: row.substatus_changed_at.getTime(),
    statusDetails: row.status_details,
    statusChangedAtMs: row.status_changed_at.getTime(),
    firstSeenMs: row.first_seen.getTime(),
    lastSeenMs: row.last_seen.getTime(),
    firstRelease: row.first_release,
    lastRelease: row.last_release,
    timesSeen: Number(row.times_seen),
    groupingConfig: row.grouping_config,
    firstEventId: row.first_event_id,
    hashes: row.hashes,
  };
}

/** What a query answers for ACTIVITY_COLUMNS. */
export interface ActivityRowShape {
  id: string;
  issue_id: string;
  kind: IssueActivity['kind'];
  actor: string;
  at: Date;
  from_status: IssueStatus | null;
  from_substatus: IssueSubstatus | null;
  to_status: IssueStatus | null;
  to_substatus: IssueSubstatus | null;
  details: Record<string, unknown>;
}

export const ACTIVITY_COLUMNS = 'id, issue_id, kind, actor, at, from_status, from_substatus, to_status, to_substatus, details';

export function activityFromRow(row: ActivityRowShape): IssueActivity {
  return {
    id: Number(row.id),
    issueId: Number(row.issue_id),
    kind: row.kind,
    actor: row.actor,
    atMs: row.at.getTime(),
    fromStatus: row.from_status,
    fromSubstatus: row.from_substatus,
    toStatus: row.to_status,
    toSubstatus: row.to_substatus,
    details: row.details,
  };
}
