import { EventChoice, IssueFilters, IssueRef, QueryParameterError, ReadFailure, TimeRange } from '@pulse/analytics';
import type { Issue, IssueStatus, IssueSubstatus } from '../issue';
import { checkListSize, countIssues, CountedIssue, IssueSort, MAX_LIST_CANDIDATES, needsExactUsers, pageOf, sortIssues } from './issue-list';
import type { IssueEventSource, IssueSource, ProjectNames, TracedEvent } from './issue-read.ports';
import { activityView, IssueDetail, issueSummary, IssueSummary, shortNumberIn, withTrace, WithTrace } from './issue-view';

/**
 * The issue read API without HTTP: an issue's mutable state (status, lifetime first/last seen)
 * comes from PostgreSQL, its events from ClickHouse, where each event carries one of the issue's
 * hashes as `fingerprint`. Lists are computed over fewer than MAX_LIST_CANDIDATES issues and as
 * many fingerprints, and refuse (400) rather than cut a longer list short: a cut list would sort wrong.
 */

export interface IssueListRequest {
  projectId: number;
  /** `all`: every status. */
  status: IssueStatus | 'all';
  substatus?: IssueSubstatus;
  /** A title/culprit substring, or a short id (that issue first, whatever its status). */
  query?: string;
  filters: IssueFilters;
  range: TimeRange;
  sort: IssueSort;
  limit: number;
  offset: number;
}

export interface IssueListPage {
  issues: IssueSummary[];
  /** Issues of the whole list (X-Hits). */
  hits: number;
  previous: { cursor: string; results: boolean };
  next: { cursor: string; results: boolean };
}

export interface IssueSeriesRequest {
  range: TimeRange;
  intervalMs: number;
  filters: IssueFilters;
}

/** The activity entries a detail shows (newest). */
export const DETAIL_ACTIVITY = 50;

/** Exact user counts (of issues with events under several hashes) read at the same time. */
const USER_COUNT_CONCURRENCY = 4;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface IssueReaderOptions {
  /** QUERY_MAX_RANGE_DAYS: the longest range a detail reads. */
  maxRangeDays: number;
  now?: () => number;
}

export class IssueReader<Event extends TracedEvent> {
  private readonly now: () => number;

  constructor(
    private readonly issues: IssueSource,
    private readonly events: IssueEventSource<Event>,
    private readonly projects: ProjectNames,
    private readonly options: IssueReaderOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Issues with events in the range and filters, sorted and paged (GET issues). */
  async list(request: IssueListRequest): Promise<IssueListPage> {
    const projectName = this.projectName(request.projectId);
    const exact = await this.exactMatch(request.projectId, projectName, request.query);
    const matches = await this.issues.list(request.projectId, {
      status: request.status === 'all' ? undefined : request.status,
      substatus: request.substatus,
      text: request.query,
      limit: MAX_LIST_CANDIDATES,
    });
    checkListSize('issues', matches.length);
    const candidates = exact === undefined ? matches : [exact, ...matches.filter((issue) => issue.id !== exact.id)];
    const fingerprints = candidates.flatMap((issue) => issue.hashes);
    checkListSize('fingerprints', fingerprints.length);
    const totals =
      fingerprints.length === 0
        ? []
        : await this.events.fingerprintTotals(request.projectId, request.range, request.filters, { fingerprints, limit: MAX_LIST_CANDIDATES });
    checkListSize('fingerprints', totals.length);

    let counted = countIssues(candidates, totals);
    // Users are distinct per fingerprint; an issue's users over several are read exactly. Sorting
    // by users needs them all; any other sort only those of the page.
    if (request.sort === 'users') counted = await this.exactUsers(request, counted);
    const sorted = sortIssues(counted, request.sort);
    const pinned = exact === undefined ? sorted : [...sorted.filter((c) => c.issue.id === exact.id), ...sorted.filter((c) => c.issue.id !== exact.id)];
    const page = pageOf(pinned, request.offset, request.limit);
    const items = request.sort === 'users' ? page.items : await this.exactUsers(request, page.items);
    const nowMs = this.now();
    return {
      issues: items.map((c) => issueSummary(c.issue, projectName, c, nowMs)),
      hits: page.hits,
      previous: page.previous,
      next: page.next,
    };
  }

  /** One issue by numeric id or short id; not_found (404) when the project has no such issue. */
  async find(projectId: number, idOrShortId: string): Promise<Issue> {
    const projectName = this.projectName(projectId);
    const text = idOrShortId.trim();
    let issue: Issue | undefined;
    if (/^\d{1,15}$/.test(text)) issue = await this.issues.get(projectId, Number(text));
    else {
      const shortNumber = shortNumberIn(projectName, text);
      if (shortNumber === undefined) throw new QueryParameterError(`issue ${JSON.stringify(idOrShortId)} is neither an issue id nor a short id of project ${projectName}`);
      issue = await this.issues.getByShortNumber(projectId, shortNumber);
    }
    if (issue === undefined || issue.projectId !== projectId) throw new ReadFailure('not_found', `project ${projectId} has no issue ${idOrShortId}`);
    return issue;
  }

  /** The issue with its latest event, its lifetime breakdown and its latest activity (GET issues/:issueId). */
  async detail(projectId: number, idOrShortId: string): Promise<IssueDetail<Event>> {
    const issue = await this.find(projectId, idOrShortId);
    const range = this.lifetimeRange(issue);
    const ref = refOf(issue);
    const [stats, latest, activity] = await Promise.all([
      this.events.breakdown(ref, range, {}),
      this.events.event(ref, 'latest', range),
      this.issues.activity(projectId, issue.id, DETAIL_ACTIVITY),
    ]);
    return {
      ...issueSummary(issue, this.projectName(projectId), stats, this.now()),
      latestEvent: latest === undefined ? null : withTrace(projectId, latest),
      stats: { ...stats, range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() } },
      activity: activity.map(activityView),
    };
  }

  /** One event of the issue: `latest`, `oldest` or an event id (GET issues/:issueId/events/:eventId). */
  async event(projectId: number, idOrShortId: string, eventId: string): Promise<WithTrace<Event>> {
    const choice = parseEventChoice(eventId);
    const issue = await this.find(projectId, idOrShortId);
    const event = await this.events.event(refOf(issue), choice, this.lifetimeRange(issue));
    if (event === undefined) throw new ReadFailure('not_found', `issue ${idOrShortId} has no event ${eventId} within the retention and QUERY_MAX_RANGE_DAYS`);
    return withTrace(projectId, event);
  }

  /** Events of the issue per bucket (Grafana's issue.events). */
  async eventCounts(projectId: number, idOrShortId: string, request: IssueSeriesRequest): Promise<Array<{ timestampMs: number; count: number }>> {
    const issue = await this.find(projectId, idOrShortId);
    return this.events.series(refOf(issue), request.range, request.intervalMs, request.filters);
  }

  /** eventCounts with ISO-8601 times (GET issues/:issueId/series). */
  async series(projectId: number, idOrShortId: string, request: IssueSeriesRequest): Promise<{ points: Array<{ timestamp: string; count: number }> }> {
    const points = await this.eventCounts(projectId, idOrShortId, request);
    return { points: points.map((point) => ({ timestamp: new Date(point.timestampMs).toISOString(), count: point.count })) };
  }

  /**
   * [first seen − 1 min, last seen + 1 min], at most QUERY_MAX_RANGE_DAYS ending there: the
   * events of an issue older than that are not read (nor are those past their retention).
   */
  lifetimeRange(issue: Issue): TimeRange {
    const toMs = issue.lastSeenMs + MINUTE_MS;
    return { fromMs: Math.max(0, issue.firstSeenMs - MINUTE_MS, toMs - this.options.maxRangeDays * DAY_MS), toMs };
  }

  private projectName(projectId: number): string {
    const project = this.projects.project(projectId);
    if (project === undefined) throw new ReadFailure('not_found', `no project ${projectId}`);
    return project.name;
  }

  private async exactMatch(projectId: number, projectName: string, query: string | undefined): Promise<Issue | undefined> {
    const shortNumber = query === undefined ? undefined : shortNumberIn(projectName, query);
    return shortNumber === undefined ? undefined : this.issues.getByShortNumber(projectId, shortNumber);
  }

  /** The issues with the user counts of those with events under several hashes read exactly. */
  private async exactUsers(request: IssueListRequest, counted: readonly CountedIssue[]): Promise<CountedIssue[]> {
    const result = [...counted];
    const pending = result.map((c, index) => ({ c, index })).filter(({ c }) => needsExactUsers(c));
    const worker = async (): Promise<void> => {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const ref = { projectId: request.projectId, hashes: next.c.hashesWithEvents };
        result[next.index] = { ...next.c, userCount: await this.events.userCount(ref, request.range, request.filters) };
      }
    };
    await Promise.all(Array.from({ length: USER_COUNT_CONCURRENCY }, worker));
    return result;
  }
}

function refOf(issue: Issue): IssueRef {
  return { projectId: issue.projectId, hashes: issue.hashes };
}

/** `latest`, `oldest` or an event id of 32 hex characters (dashes of a UUID allowed). */
export function parseEventChoice(raw: string): EventChoice {
  if (raw === 'latest' || raw === 'oldest') return raw;
  const hex = raw.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new QueryParameterError(`event ${JSON.stringify(raw)} must be latest, oldest or an event id of 32 hex characters`);
  return { eventId: hex };
}
