import { EventChoice, FingerprintTotals, IssueBreakdown, IssueFilters, IssueRef, QueryParameterError, ReadFailure, TimeRange } from '@pulse/analytics';
import type { Issue, IssueActivity } from '../issue';
import { cursorOf, MAX_LIST_CANDIDATES, parseCursor, parseIssueSort, parsePageSize } from './issue-list';
import type { IssueCandidateQuery, IssueEventSource, IssueSource } from './issue-read.ports';
import { IssueListRequest, IssueReader, parseEventChoice } from './issue-reader';
import { shortNumberIn } from './issue-view';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const RANGE: TimeRange = { fromMs: NOW - 14 * 24 * HOUR, toMs: NOW };

function issue(id: number, overrides: Partial<Issue> = {}): Issue {
  return {
    id,
    projectId: 1,
    shortNumber: id,
    title: `Error ${id}`,
    culprit: `handler${id}`,
    level: 'error',
    platform: 'javascript',
    status: 'unresolved',
    substatus: 'ongoing',
    substatusChangedAtMs: NOW - 30 * 24 * HOUR,
    statusDetails: {},
    statusChangedAtMs: NOW - 30 * 24 * HOUR,
    firstSeenMs: NOW - (100 - id) * HOUR,
    lastSeenMs: NOW - id * HOUR,
    firstRelease: '1.0.0',
    lastRelease: '',
    timesSeen: 10,
    groupingConfig: 'pulse:2026-01',
    firstEventId: null,
    hashes: [`h${id}`],
    ...overrides,
  };
}

/** Issues in memory; `list` applies the status and text as the store does. */
class FakeIssues implements IssueSource {
  readonly listQueries: IssueCandidateQuery[] = [];
  constructor(
    private readonly issues: Issue[],
    private readonly activities: IssueActivity[] = [],
  ) {}
  async get(projectId: number, id: number) {
    return this.issues.find((i) => i.projectId === projectId && i.id === id);
  }
  async getByShortNumber(projectId: number, n: number) {
    return this.issues.find((i) => i.projectId === projectId && i.shortNumber === n);
  }
  async list(projectId: number, query: IssueCandidateQuery) {
    this.listQueries.push(query);
    return this.issues
      .filter((i) => i.projectId === projectId && (query.status === undefined || i.status === query.status))
      .filter((i) => query.text === undefined || i.title.toLowerCase().includes(query.text.toLowerCase()))
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs)
      .slice(0, query.limit);
  }
  async activity(_projectId: number, issueId: number, limit = 100) {
    return this.activities.filter((a) => a.issueId === issueId).slice(0, limit);
  }
}

interface FakeEvent {
  eventId: string;
  trace: { traceId: string; spanId: string } | null;
}

/** Per-fingerprint totals and per-issue exact user counts, as given. */
class FakeEvents implements IssueEventSource<FakeEvent> {
  readonly userCountCalls: string[][] = [];
  readonly ranges: TimeRange[] = [];
  constructor(
    private readonly totals: FingerprintTotals[],
    private readonly exactUsers: Record<string, number> = {},
    private readonly events: Record<string, FakeEvent> = {},
  ) {}
  async fingerprintTotals(_projectId: number, _range: TimeRange, _filters: IssueFilters, options?: { fingerprints?: readonly string[]; limit?: number }) {
    return this.totals.filter((row) => options?.fingerprints?.includes(row.fingerprint) ?? true).slice(0, options?.limit);
  }
  async userCount(ref: IssueRef) {
    this.userCountCalls.push([...ref.hashes]);
    return this.exactUsers[ref.hashes.join(',')] ?? 0;
  }
  async breakdown(ref: IssueRef, range: TimeRange): Promise<IssueBreakdown> {
    this.ranges.push(range);
    const count = this.totals.filter((row) => ref.hashes.includes(row.fingerprint)).reduce((sum, row) => sum + row.count, 0);
    return { count, userCount: 3, byReleaseEnvironment: [], topTags: [] };
  }
  async event(ref: IssueRef, choice: EventChoice) {
    const key = typeof choice === 'string' ? `${ref.hashes[0]}:${choice}` : choice.eventId;
    return this.events[key];
  }
  async series() {
    return [{ timestampMs: NOW - HOUR, count: 4 }];
  }
}

const totals = (fingerprint: string, count: number, userCount = count): FingerprintTotals => ({ fingerprint, count, userCount, firstSeenMs: NOW - HOUR, lastSeenMs: NOW });
const projects = { project: (id: number) => (id === 1 ? { id: 1, name: 'shop' } : undefined) };

function reader(issues: FakeIssues, events: FakeEvents): IssueReader<FakeEvent> {
  return new IssueReader(issues, events, projects, { maxRangeDays: 90, now: () => NOW });
}

function request(overrides: Partial<IssueListRequest> = {}): IssueListRequest {
  return { projectId: 1, status: 'unresolved', filters: {}, range: RANGE, sort: 'lastSeen', limit: 25, offset: 0, ...overrides };
}

describe('IssueReader.list', () => {
  it('sums an issue’s events over its hashes and leaves out issues without events in the range', async () => {
    const issues = new FakeIssues([issue(1, { hashes: ['a', 'b'] }), issue(2), issue(3)]);
    const events = new FakeEvents([totals('a', 5, 2), totals('b', 7, 3), totals('h2', 1)], { 'a,b': 4 });
    const page = await reader(issues, events).list(request());
    expect(page.issues.map((i) => [i.id, i.count, i.userCount])).toEqual([
      ['1', '12', 4],
      ['2', '1', 1],
    ]);
    expect(events.userCountCalls).toEqual([['a', 'b']]);
    expect(page.hits).toBe(2);
  });

  it('reads exact users only for a hash that had events: one hash with events keeps its own count', async () => {
    const events = new FakeEvents([totals('a', 5, 2)]);
    const page = await reader(new FakeIssues([issue(1, { hashes: ['a', 'b'] })]), events).list(request());
    expect(page.issues[0].userCount).toBe(2);
    expect(events.userCountCalls).toEqual([]);
  });

  it.each([
    ['lastSeen', ['1', '2', '3']],
    ['firstSeen', ['3', '2', '1']],
    ['events', ['2', '3', '1']],
    ['users', ['3', '1', '2']],
  ] as const)('sorts by %s', async (sort, ids) => {
    const issues = new FakeIssues([issue(1), issue(2), issue(3, { hashes: ['x', 'y'] })]);
    const events = new FakeEvents([totals('h1', 1, 5), totals('h2', 9, 1), totals('x', 2, 1), totals('y', 2, 1)], { 'x,y': 8 });
    const page = await reader(issues, events).list(request({ sort }));
    expect(page.issues.map((i) => i.id)).toEqual(ids);
  });

  it('pages with Sentry-shaped cursors', async () => {
    const all = [1, 2, 3, 4, 5].map((id) => issue(id));
    const events = new FakeEvents(all.map((i) => totals(i.hashes[0], 1)));
    const first = await reader(new FakeIssues(all), events).list(request({ limit: 2 }));
    expect(first.issues.map((i) => i.id)).toEqual(['1', '2']);
    expect(first.next).toEqual({ cursor: '0:2:0', results: true });
    expect(first.previous.results).toBe(false);
    const last = await reader(new FakeIssues(all), events).list(request({ limit: 2, offset: parseCursor(cursorOf(4)) }));
    expect(last.issues.map((i) => i.id)).toEqual(['5']);
    expect(last.next.results).toBe(false);
    expect(last.previous).toEqual({ cursor: '0:2:1', results: true });
  });

  it('passes status and text to the store; status all asks for every status', async () => {
    const issues = new FakeIssues([issue(1), issue(2, { status: 'resolved', title: 'Timeout' })]);
    const events = new FakeEvents([totals('h1', 1), totals('h2', 1)]);
    expect((await reader(issues, events).list(request({ status: 'all' }))).issues.map((i) => i.id)).toEqual(['1', '2']);
    expect((await reader(issues, events).list(request({ status: 'all', query: 'time' }))).issues.map((i) => i.id)).toEqual(['2']);
    expect(issues.listQueries.map((q) => q.status)).toEqual([undefined, undefined]);
  });

  it('puts the issue of a short id first, whatever its status, then the issues whose text matches', async () => {
    const issues = new FakeIssues([issue(1, { title: 'Cannot load shop-11' }), issue(2), issue(33, { status: 'resolved' })]);
    const events = new FakeEvents([totals('h1', 1), totals('h2', 1), totals('h33', 1)]);
    const page = await reader(issues, events).list(request({ query: 'shop-11' }));
    expect(page.issues.map((i) => [i.id, i.shortId])).toEqual([
      ['33', 'SHOP-11'],
      ['1', 'SHOP-1'],
    ]);
  });

  it('refuses, rather than cuts, a list of too many candidates', async () => {
    const many = Array.from({ length: MAX_LIST_CANDIDATES }, (_, i) => issue(i + 1));
    await expect(reader(new FakeIssues(many), new FakeEvents([])).list(request())).rejects.toThrow(/narrow it/);
    const wide = [issue(1, { hashes: Array.from({ length: MAX_LIST_CANDIDATES }, (_, i) => `f${i}`) })];
    await expect(reader(new FakeIssues(wide), new FakeEvents([])).list(request())).rejects.toThrow(QueryParameterError);
  });

  it('shapes issues as Sentry does', async () => {
    const page = await reader(new FakeIssues([issue(1, { lastRelease: '1.2.0' })]), new FakeEvents([totals('h1', 3)])).list(request());
    expect(page.issues[0]).toMatchObject({
      id: '1',
      shortId: 'SHOP-1',
      count: '3',
      firstRelease: { version: '1.0.0' },
      lastRelease: { version: '1.2.0' },
      project: { id: '1', name: 'shop' },
      firstSeen: new Date(NOW - 99 * HOUR).toISOString(),
    });
    const fresh = await reader(new FakeIssues([issue(1, { lastRelease: '', substatus: 'new', substatusChangedAtMs: NOW - 8 * 24 * HOUR })]), new FakeEvents([totals('h1', 3)])).list(
      request(),
    );
    expect(fresh.issues[0]).toMatchObject({ lastRelease: null, substatus: 'ongoing' });
  });
});

describe('IssueReader detail, event and series', () => {
  const activity: IssueActivity = {
    id: 7,
    issueId: 1,
    kind: 'first_seen',
    actor: 'system',
    atMs: NOW - 99 * HOUR,
    fromStatus: null,
    fromSubstatus: null,
    toStatus: 'unresolved',
    toSubstatus: 'new',
    details: {},
  };
  const latest = { eventId: 'e'.repeat(32), trace: { traceId: 't'.repeat(32), spanId: 's'.repeat(16) } };

  it('answers an issue by id or short id with its latest event, trace link, lifetime stats and activity', async () => {
    const events = new FakeEvents([totals('h1', 3)], {}, { 'h1:latest': latest });
    const detail = await reader(new FakeIssues([issue(1)], [activity]), events).detail(1, 'SHOP-1');
    expect(detail.latestEvent).toEqual({ ...latest, trace: { ...latest.trace, link: `/api/v1/projects/1/traces/${latest.trace.traceId}` } });
    expect(detail.stats.count).toBe(3);
    expect(detail.count).toBe('3');
    expect(detail.activity).toEqual([{ id: '7', type: 'first_seen', user: 'system', dateCreated: new Date(activity.atMs).toISOString(), data: expect.objectContaining({ toSubstatus: 'new' }) }]);
    expect(events.ranges[0]).toEqual({ fromMs: NOW - 99 * HOUR - 60_000, toMs: NOW - HOUR + 60_000 });
    expect((await reader(new FakeIssues([issue(1)]), events).detail(1, '1')).id).toBe('1');
  });

  it('clips the lifetime range to QUERY_MAX_RANGE_DAYS ending at the last event', () => {
    const old = issue(1, { firstSeenMs: NOW - 400 * 24 * HOUR, lastSeenMs: NOW });
    expect(reader(new FakeIssues([]), new FakeEvents([])).lifetimeRange(old)).toEqual({ fromMs: NOW + 60_000 - 90 * 24 * HOUR, toMs: NOW + 60_000 });
  });

  it('is not_found for an unknown issue, another project’s issue or an unknown project; a 400 for a malformed id', async () => {
    const issues = new FakeIssues([issue(1), issue(2, { projectId: 2 })]);
    const r = reader(issues, new FakeEvents([]));
    await expect(r.detail(1, '99')).rejects.toThrow(ReadFailure);
    await expect(r.detail(1, '2')).rejects.toThrow(/no issue 2/);
    await expect(r.detail(1, 'BLOG-2')).rejects.toThrow(QueryParameterError);
    await expect(r.detail(5, '1')).rejects.toThrow(/no project 5/);
  });

  it('answers latest, oldest or an event id, and not_found for an event it does not have', async () => {
    const oldest = { eventId: 'a'.repeat(32), trace: null };
    const events = new FakeEvents([], {}, { 'h1:oldest': oldest, ['b'.repeat(32)]: { eventId: 'b'.repeat(32), trace: null } });
    const r = reader(new FakeIssues([issue(1)]), events);
    expect(await r.event(1, '1', 'oldest')).toEqual({ ...oldest, trace: null });
    expect((await r.event(1, '1', 'B'.repeat(32))).eventId).toBe('b'.repeat(32));
    await expect(r.event(1, '1', 'latest')).rejects.toThrow(/has no event latest/);
    await expect(r.event(1, '1', 'newest')).rejects.toThrow(QueryParameterError);
  });

  it('answers a series with ISO timestamps', async () => {
    const answer = await reader(new FakeIssues([issue(1)]), new FakeEvents([])).series(1, '1', { range: RANGE, intervalMs: HOUR, filters: {} });
    expect(answer).toEqual({ points: [{ timestamp: new Date(NOW - HOUR).toISOString(), count: 4 }] });
  });
});

describe('parameters', () => {
  it('parses sorts, page sizes, cursors, event choices and short ids, naming what is wrong', () => {
    expect(parseIssueSort(undefined)).toBe('lastSeen');
    expect(() => parseIssueSort('priority')).toThrow(/sort="priority" must be one of lastSeen, firstSeen, events, users/);
    expect(parsePageSize(undefined)).toBe(25);
    expect(() => parsePageSize('101')).toThrow(/1 to 100/);
    expect(parseCursor('0:50:0')).toBe(50);
    expect(() => parseCursor('50')).toThrow(/Link header/);
    expect(parseEventChoice('0123456789abcdef-0123456789abcdef'.replace('-', ''))).toEqual({ eventId: '0123456789abcdef0123456789abcdef' });
    expect(shortNumberIn('My Shop', 'my-shop-1a')).toBe(42);
    expect(shortNumberIn('shop', 'BLOG-1')).toBeUndefined();
    expect(shortNumberIn('shop', 'Timeout')).toBeUndefined();
  });
});
