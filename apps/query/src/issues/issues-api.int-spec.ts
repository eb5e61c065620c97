import type { ErrorRecord } from '@pulse/model';
import { seededDatabase, SeededDatabase } from '@pulse/analytics/testing';
import { FreshDatabase, freshDatabase, request } from '@pulse/testing';
import type { Pool } from 'pg';
import { QueryTestApp, startQueryApp } from '../testing/query-test-app';

/**
 * The issue read API over HTTP on a real PostgreSQL (issues inserted directly) and a real
 * ClickHouse (error rows whose fingerprints are the issues' hashes): list filters, sorts and
 * pages, the detail with its latest event, one event, the series, and the 404s and 400s.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const BASE = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 3_600_000;
const at = (minutes: number): number => BASE + minutes * MINUTE;
const hash = (letter: string): string => letter.repeat(32);
const TRACE = '0123456789abcdef0123456789abcdef';

let sequence = 0;
function error(projectId: number, fingerprint: string, minute: number, overrides: Partial<ErrorRecord> = {}): ErrorRecord {
  sequence += 1;
  return {
    projectId,
    eventId: sequence.toString(16).padStart(32, '0'),
    timestampMs: at(minute),
    level: 'error',
    platform: 'javascript',
    title: 'TypeError: x is undefined',
    message: '',
    culprit: 'app.js in render',
    fingerprint,
    groupingConfig: 'pulse:2026-06',
    secondaryFingerprint: '',
    handled: true,
    exceptions: [],
    transaction: '/checkout',
    traceId: '',
    spanId: '',
    release: '1.0.0',
    environment: 'production',
    dist: '',
    userId: '',
    browserName: 'Chrome',
    osName: 'Windows',
    sdkName: 'sentry.javascript.browser',
    sdkVersion: '8.0.0',
    tags: {},
    eventJson: JSON.stringify({ breadcrumbs: { values: [{ category: 'ui.click', message: 'button#buy' }] } }),
    receivedAtMs: at(minute),
    ...overrides,
  };
}

// Issue 1 (SHOP-1): events under two hashes, users u1–u3 and u1, u4 (4 distinct, 5 summed).
const A1 = [1, 2, 3].map((i) => error(1, hash('a'), 10 + i, { userId: `u${i}` }));
const A2 = [error(1, hash('b'), 90, { userId: 'u1', release: '1.1.0', environment: 'staging' })];
const A_LATEST = error(1, hash('b'), 100, { userId: 'u4', release: '1.1.0', environment: 'staging', traceId: TRACE, spanId: 'abcdefabcdefabcd' });
// Issue 2 (SHOP-2): ten events of one user.
const B = Array.from({ length: 10 }, (_, i) => error(1, hash('c'), 20 + i, { userId: 'u9', title: 'Timeout: upstream' }));
// Issue 3 (SHOP-3), resolved: one event. Issue 4 (SHOP-4): none. Issue 5 of project 2: one event.
const C = [error(1, hash('d'), 30)];
const E = [error(2, hash('f'), 40)];

interface IssueRow {
  projectId: number;
  shortNumber: number;
  title: string;
  status: 'unresolved' | 'resolved';
  firstSeenMinute: number;
  lastSeenMinute: number;
  hashes: string[];
  lastRelease?: string;
}

async function insertIssue(pool: Pool, row: IssueRow): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO issues (project_id, short_number, title, culprit, level, platform, status, substatus, substatus_changed_at,
       status_changed_at, first_seen, last_seen, first_release, last_release, times_seen, grouping_config)
     VALUES ($1, $2, $3, 'app.js in render', 'error', 'javascript', $4, $5, now(), now(),
       to_timestamp($6::double precision / 1000), to_timestamp($7::double precision / 1000), '1.0.0', $8, 1, 'pulse:2026-06')
     RETURNING id`,
    [row.projectId, row.shortNumber, row.title, row.status, row.status === 'resolved' ? null : 'new', at(row.firstSeenMinute), at(row.lastSeenMinute), row.lastRelease ?? ''],
  );
  const id = Number(rows[0].id);
  for (const value of row.hashes) {
    await pool.query(`INSERT INTO issue_hashes (project_id, hash, issue_id, grouping_config) VALUES ($1, $2, $3, 'pulse:2026-06')`, [row.projectId, value, id]);
  }
  await pool.query(`INSERT INTO issue_activity (issue_id, project_id, kind, actor, to_status, to_substatus) VALUES ($1, $2, 'first_seen', 'system', 'unresolved', 'new')`, [
    id,
    row.projectId,
  ]);
  return id;
}

interface IssueAnswer {
  id: string;
  shortId: string;
  count: string;
  userCount: number;
  status: string;
  lastRelease: { version: string } | null;
}

describe('issue read API over HTTP', () => {
  let pg: FreshDatabase;
  let ch: SeededDatabase;
  let app: QueryTestApp;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    pg = await freshDatabase('p7_issues_api');
    const records = { startMs: BASE, minutes: 1 };
    ch = await seededDatabase('p7_issues_api', 1, records, { errors: [...A1, ...A2, A_LATEST, ...B, ...C, ...E] });
    ids.a = await insertIssue(pg.pool, { projectId: 1, shortNumber: 1, title: 'TypeError: x is undefined', status: 'unresolved', firstSeenMinute: 11, lastSeenMinute: 100, hashes: [hash('a'), hash('b')], lastRelease: '1.1.0' });
    ids.b = await insertIssue(pg.pool, { projectId: 1, shortNumber: 2, title: 'Timeout: upstream', status: 'unresolved', firstSeenMinute: 5, lastSeenMinute: 60, hashes: [hash('c')] });
    ids.c = await insertIssue(pg.pool, { projectId: 1, shortNumber: 3, title: 'RangeError', status: 'resolved', firstSeenMinute: 30, lastSeenMinute: 30, hashes: [hash('d')] });
    ids.d = await insertIssue(pg.pool, { projectId: 1, shortNumber: 4, title: 'Quiet', status: 'unresolved', firstSeenMinute: 1, lastSeenMinute: 2, hashes: [hash('e')] });
    ids.e = await insertIssue(pg.pool, { projectId: 2, shortNumber: 1, title: 'Other project', status: 'unresolved', firstSeenMinute: 40, lastSeenMinute: 40, hashes: [hash('f')] });
    app = await startQueryApp({ database: ch.database, env: { DATABASE_URL: pg.url } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await ch?.client.command({ query: `DROP DATABASE IF EXISTS ${ch.database}` });
    await ch?.client.close();
    await pg?.drop();
  });

  const get = <T>(path: string) => request<T>(`${app.url}/api/v1/projects/1/${path}`, { headers: { authorization: `Bearer ${app.tokens[1]}` } });
  const list = async (parameters: string): Promise<IssueAnswer[]> => {
    const answer = await get<IssueAnswer[]>(`issues?${parameters}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const shortIds = (issues: IssueAnswer[]) => issues.map((issue) => issue.shortId);

  it('lists unresolved issues with events in the range, summing hashes and counting users exactly', async () => {
    const issues = await list('');
    expect(issues.map((issue) => [issue.id, issue.shortId, issue.count, issue.userCount])).toEqual([
      [String(ids.a), 'SHOP-1', '5', 4],
      [String(ids.b), 'SHOP-2', '10', 1],
    ]);
    expect(issues[0]).toMatchObject({ status: 'unresolved', lastRelease: { version: '1.1.0' }, project: { id: '1', name: 'shop' }, substatus: 'new' });
  });

  it('sorts, filters by status, release, environment and text, and finds short ids', async () => {
    expect(shortIds(await list('sort=events'))).toEqual(['SHOP-2', 'SHOP-1']);
    expect(shortIds(await list('sort=users'))).toEqual(['SHOP-1', 'SHOP-2']);
    expect(shortIds(await list('sort=firstSeen'))).toEqual(['SHOP-1', 'SHOP-2']);
    expect(shortIds(await list('status=all'))).toEqual(['SHOP-1', 'SHOP-2', 'SHOP-3']);
    expect(shortIds(await list('status=resolved'))).toEqual(['SHOP-3']);
    expect((await list('release=1.1.0')).map((issue) => [issue.shortId, issue.count, issue.userCount])).toEqual([['SHOP-1', '2', 2]]);
    expect((await list('environment=production&sort=events')).map((issue) => [issue.shortId, issue.count])).toEqual([
      ['SHOP-2', '10'],
      ['SHOP-1', '3'],
    ]);
    expect(shortIds(await list('query=timeout'))).toEqual(['SHOP-2']);
    expect(shortIds(await list('query=shop-3'))).toEqual(['SHOP-3']);
    expect(await list(`from=${at(0)}&to=${at(11)}`)).toEqual([]);
  });

  it('pages with Sentry’s Link header and X-Hits', async () => {
    const first = await get<IssueAnswer[]>('issues?limit=1&sort=events');
    expect(shortIds(first.body)).toEqual(['SHOP-2']);
    expect(first.headers.get('x-hits')).toBe('2');
    const link = first.headers.get('link') ?? '';
    expect(link).toContain('rel="next"; results="true"; cursor="0:1:0"');
    expect(link).toContain('rel="previous"; results="false"');
    const second = await get<IssueAnswer[]>('issues?limit=1&sort=events&cursor=0:1:0');
    expect(shortIds(second.body)).toEqual(['SHOP-1']);
    expect(second.headers.get('link')).toContain('rel="next"; results="false"; cursor="0:2:0"');
  });

  it.each([
    ['sort=priority', 'sort="priority" must be one of lastSeen, firstSeen, events, users'],
    ['status=open', 'status="open" must be one of unresolved, resolved, ignored or all'],
    ['limit=500', 'limit="500" must be an integer from 1 to 100'],
    ['cursor=abc', 'cursor="abc" is not a cursor of this API (take it from the Link header)'],
    ['substatus=fresh', 'substatus="fresh" must be one of new, ongoing, regressed, escalating, archived_forever, archived_until_condition_met'],
  ])('answers 400 for %s', async (parameter, detail) => {
    expect(await get(`issues?${parameter}`)).toMatchObject({ status: 400, body: { detail } });
  });

  it('answers an issue by id or short id with its latest event, lifetime stats and activity', async () => {
    const answer = await get<Record<string, unknown>>('issues/shop-1');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: String(ids.a), shortId: 'SHOP-1', count: '5', userCount: 4, stats: { count: 5, userCount: 4 } });
    expect(answer.body.latestEvent).toMatchObject({
      eventId: A_LATEST.eventId,
      release: '1.1.0',
      trace: { traceId: TRACE, spanId: 'abcdefabcdefabcd', link: `/api/v1/projects/1/traces/${TRACE}` },
      breadcrumbs: [{ category: 'ui.click', message: 'button#buy' }],
    });
    expect(answer.body.activity).toEqual([expect.objectContaining({ type: 'first_seen', user: 'system', data: expect.objectContaining({ toStatus: 'unresolved' }) })]);
    expect((await get<{ shortId: string }>(`issues/${ids.b}`)).body.shortId).toBe('SHOP-2');
  });

  it('answers 404 for an unknown issue and for another project’s, 400 for a malformed id', async () => {
    expect(await get('issues/999999')).toMatchObject({ status: 404, body: { detail: 'project 1 has no issue 999999' } });
    expect((await get(`issues/${ids.e}`)).status).toBe(404);
    expect((await get('issues/SHOP-ZZZ9')).status).toBe(404);
    expect((await get('issues/BLOG-1')).status).toBe(400);
  });

  it('answers the latest, the oldest or one event of an issue', async () => {
    expect((await get<{ eventId: string }>(`issues/${ids.a}/events/latest`)).body.eventId).toBe(A_LATEST.eventId);
    expect((await get<{ eventId: string; trace: unknown }>(`issues/${ids.a}/events/oldest`)).body).toMatchObject({ eventId: A1[0].eventId, trace: null });
    expect((await get<{ eventId: string }>(`issues/SHOP-1/events/${A2[0].eventId}`)).body.eventId).toBe(A2[0].eventId);
    expect((await get(`issues/${ids.a}/events/${B[0].eventId}`)).status).toBe(404);
    expect((await get(`issues/${ids.d}/events/latest`)).status).toBe(404);
    expect(await get(`issues/${ids.a}/events/newest`)).toMatchObject({ status: 400 });
  });

  it('answers the series of an issue under the series limits', async () => {
    const answer = await get<{ points: Array<{ timestamp: string; count: number }> }>(`issues/SHOP-1/series?from=${at(0)}&to=${at(120)}&interval=1h`);
    expect(answer.status).toBe(200);
    expect(answer.body.points.reduce((sum, point) => sum + point.count, 0)).toBe(5);
    expect(Date.parse(answer.body.points[0].timestamp)).toBeGreaterThanOrEqual(at(0) - 3_600_000);
    const staging = await get<{ points: Array<{ count: number }> }>(`issues/SHOP-1/series?from=${at(0)}&to=${at(120)}&environment=staging`);
    expect(staging.body.points.reduce((sum, point) => sum + point.count, 0)).toBe(2);
    expect((await get(`issues/SHOP-1/series?from=${at(0)}`)).status).toBe(400);
  });

  it('answers the Grafana target issue.events, the issue named by its payload', async () => {
    const post = (target: Record<string, unknown>, filters: unknown[] = []) =>
      request<Array<{ target: string; datapoints: Array<[number | null, number]> }>>(`${app.url}/api/v1/projects/1/grafana/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.tokens[1]}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          range: { from: new Date(at(0)).toISOString(), to: new Date(at(120)).toISOString() },
          intervalMs: 600_000,
          targets: [{ refId: 'A', ...target }],
          filters,
        }),
      });
    const answer = await post({ target: 'issue.events', payload: { issue: 'SHOP-1', environment: 'staging' } });
    expect(answer.status).toBe(200);
    expect(answer.body[0].target).toBe('events issue=SHOP-1 environment=staging');
    expect(answer.body[0].datapoints.reduce((sum, [value]) => sum + (value ?? 0), 0)).toBe(2);
    expect(await post({ target: 'issue.events' })).toMatchObject({ status: 400, body: { detail: expect.stringContaining('needs the payload issue') } });
    const browser = await post({ target: 'issue.events', payload: { issue: 'SHOP-1' } }, [{ key: 'browser', operator: '=', value: 'Chrome' }]);
    expect(browser).toMatchObject({ status: 400, body: { detail: 'A (issue.events): issue.events can be filtered by release and environment, not browser' } });
    expect((await post({ target: 'issue.events', payload: { issue: 'SHOP-99' } })).status).toBe(404);
  });

  it('needs a token of the project', async () => {
    expect((await request(`${app.url}/api/v1/projects/1/issues`)).status).toBe(401);
    const other = await request(`${app.url}/api/v1/projects/1/issues`, { headers: { authorization: `Bearer ${app.tokens[2]}` } });
    expect(other.status).toBe(403);
  });
});
