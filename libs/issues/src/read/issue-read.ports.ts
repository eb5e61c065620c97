import type { EventChoice, FingerprintTotals, IssueBreakdown, IssueFilters, IssueRef, TimeRange } from '@pulse/analytics';
import type { Issue, IssueActivity, IssueStatus, IssueSubstatus } from '../issue';

/**
 * What the issue read side needs from its two stores, as narrow structural types: the issue store
 * of PostgreSQL (IssueStore) and the issue events of ClickHouse (IssueEventsService of
 * @pulse/analytics) satisfy them as they are, and the unit specs pass plain fakes.
 */

/** Candidates of a list, most recently seen first (IssueStore.list). */
export interface IssueCandidateQuery {
  status?: IssueStatus;
  substatus?: IssueSubstatus;
  /** A title/culprit substring. */
  text?: string;
  limit: number;
}

export interface IssueSource {
  get(projectId: number, issueId: number): Promise<Issue | undefined>;
  getByShortNumber(projectId: number, shortNumber: number): Promise<Issue | undefined>;
  list(projectId: number, query: IssueCandidateQuery): Promise<Issue[]>;
  activity(projectId: number, issueId: number, limit?: number): Promise<IssueActivity[]>;
}

/** The part of an event detail (ErrorEventDetail) the read side looks at: its trace; the rest passes through. */
export interface TracedEvent {
  trace: { traceId: string; spanId: string } | null;
}

export interface IssueEventSource<Event extends TracedEvent> {
  fingerprintTotals(
    projectId: number,
    range: TimeRange,
    filters: IssueFilters,
    options?: { fingerprints?: readonly string[]; limit?: number },
  ): Promise<FingerprintTotals[]>;
  userCount(issue: IssueRef, range: TimeRange, filters: IssueFilters): Promise<number>;
  breakdown(issue: IssueRef, range: TimeRange, filters: IssueFilters): Promise<IssueBreakdown>;
  event(issue: IssueRef, choice: EventChoice, range: TimeRange): Promise<Event | undefined>;
  series(issue: IssueRef, range: TimeRange, intervalMs: number, filters: IssueFilters): Promise<Array<{ timestampMs: number; count: number }>>;
}

/** The project names short ids are made of (ProjectRegistry of @pulse/config). */
export interface ProjectNames {
  project(id: number): { id: number; name: string } | undefined;
}
