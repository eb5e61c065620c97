import { seedIssue, seedRelease } from '@pulse/issues/testing';
import { FreshDatabase, freshDatabase, request } from '@pulse/testing';
import { QueryTestApp, READ_ONLY_TOKEN, startQueryApp } from '../testing/query-test-app';

/**
 * The issue write API over HTTP on a real PostgreSQL (issues inserted directly): PUT one issue
 * (by id and short id) and in bulk, Sentry's bodies and answers, the 400s, 404s and the 403 of a
 * read-only token, and the activity the changes leave. ClickHouse is not read by these endpoints.
 */
jest.setTimeout(60_000);

interface StatusAnswer {
  status: string;
  substatus: string | null;
  statusDetails: Record<string, unknown>;
}
interface ActivityAnswer {
  id: string;
  type: string;
  user: string;
  dateCreated: string;
  data: { fromStatus: string | null; toStatus: string | null; fromSubstatus: string | null; toSubstatus: string | null; statusDetails: Record<string, unknown> };
}

describe('issue status API over HTTP', () => {
  let pg: FreshDatabase;
  let app: QueryTestApp;

  beforeAll(async () => {
    pg = await freshDatabase('p6b_status_api');
    app = await startQueryApp({ database: 'default', env: { DATABASE_URL: pg.url } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await pg?.drop();
  });

  const put = <T>(path: string, body: unknown, token: string = app.tokens[1]) =>
    request<T>(`${app.url}/api/v1/projects/1/${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = <T>(path: string, token: string = app.tokens[1]) => request<T>(`${app.url}/api/v1/projects/1/${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('changes one issue by id or short id and answers Sentry’s status fields', async () => {
    const id = await seedIssue(pg.pool, { projectId: 1, shortNumber: 42 });
    await seedRelease(pg.pool, 1, '1.2.0');
    const answers: Array<[unknown, StatusAnswer]> = [
      [{ status: 'resolved' }, { status: 'resolved', substatus: null, statusDetails: {} }],
      [{ status: 'resolvedInNextRelease' }, { status: 'resolved', substatus: null, statusDetails: { inNextRelease: true } }],
      [{ status: 'resolved', statusDetails: { inRelease: '1.2.0' } }, { status: 'resolved', substatus: null, statusDetails: { inRelease: '1.2.0' } }],
      [{ status: 'ignored', statusDetails: { ignoreCount: 100, ignoreWindow: 60 } }, { status: 'ignored', substatus: 'archived_until_condition_met', statusDetails: { ignoreCount: 100, ignoreWindow: 60 } }],
      [{ status: 'ignored' }, { status: 'ignored', substatus: 'archived_forever', statusDetails: {} }],
      [{ status: 'unresolved' }, { status: 'unresolved', substatus: 'ongoing', statusDetails: {} }],
    ];
    for (const [index, [body, expected]] of answers.entries()) {
      const answer = await put<StatusAnswer>(`issues/${index % 2 === 0 ? id : 'SHOP-1A'}`, body);
      expect([answer.status, answer.body]).toEqual([200, expected]);
    }
    const ignoredFor = await put<StatusAnswer>(`issues/${id}`, { status: 'ignored', statusDetails: { ignoreDuration: 30 } });
    expect(Date.parse(String(ignoredFor.body.statusDetails.ignoreUntil)) - Date.now()).toBeGreaterThan(29 * 60_000);

    const activity = await get<ActivityAnswer[]>(`issues/SHOP-1A/activity`);
    expect(activity.status).toBe(200);
    expect(activity.body).toHaveLength(answers.length + 1);
    expect(activity.body[1]).toMatchObject({
      type: 'set_status',
      user: expect.stringMatching(/^token:[0-9a-f]{8}$/),
      data: { fromStatus: 'ignored', fromSubstatus: 'archived_forever', toStatus: 'unresolved', toSubstatus: 'ongoing', statusDetails: {} },
    });
    expect(activity.body[3].data.statusDetails).toEqual({ ignoreCount: 100, ignoreWindow: 60 });
    expect(JSON.stringify(activity.body)).not.toContain(app.tokens[1]);
  });

  it('changes issues in bulk, all or none', async () => {
    const a = await seedIssue(pg.pool, { projectId: 1 });
    const b = await seedIssue(pg.pool, { projectId: 1 });
    const elsewhere = await seedIssue(pg.pool, { projectId: 2 });
    const refused = await put(`issues?id=${a}&id=${elsewhere}&id=${b}`, { status: 'resolved' });
    expect([refused.status, refused.body]).toEqual([404, { detail: `project 1 has no issue ${elsewhere}` }]);
    expect((await get<ActivityAnswer[]>(`issues/${a}/activity`)).body).toEqual([]);

    const changed = await put<StatusAnswer>(`issues?id=${a}&id=${b}`, { status: 'ignored', statusDetails: { ignoreUserCount: 3 } });
    expect([changed.status, changed.body]).toEqual([200, { status: 'ignored', substatus: 'archived_until_condition_met', statusDetails: { ignoreUserCount: 3 } }]);
    for (const id of [a, b]) expect((await get<ActivityAnswer[]>(`issues/${id}/activity`)).body.map((entry) => entry.data.toStatus)).toEqual(['ignored']);

    const none = await put('issues', { status: 'resolved' });
    expect([none.status, none.body]).toEqual([400, { detail: 'name the issues to change: ?id=1&id=2 (a change of every issue is not offered)' }]);
    const tooMany = await put(`issues?${Array.from({ length: 101 }, (_, i) => `id=${i + 1}`).join('&')}`, { status: 'resolved' });
    expect([tooMany.status, tooMany.body]).toEqual([400, { detail: 'at most 100 issues per change, not 101' }]);
  });

  it('answers 400 for a change that makes no sense and 404 for an unknown issue', async () => {
    const id = await seedIssue(pg.pool, { projectId: 1 });
    const cases: Array<[unknown, number, RegExp]> = [
      [{ status: 'muted' }, 400, /status must be one of unresolved, resolved, ignored, resolvedInNextRelease/],
      [{ status: 'ignored', statusDetails: { inRelease: '1.2.0' } }, 400, /inRelease cannot go with status "ignored"/],
      [{ status: 'ignored', statusDetails: { ignoreCount: -5 } }, 400, /ignoreCount must not be less than 1/],
      [{ status: 'ignored', statusDetails: { ignoreCount: 5, ignoreWindow: 20_000 } }, 400, /ignoreWindow must not be greater than 10080/],
      [{ status: 'ignored', statusDetails: { ignoreUntil: '2020-01-01T00:00:00Z' } }, 400, /ignoreUntil 2020-01-01T00:00:00Z is not in the future/],
      [{ status: 'resolved', statusDetails: { inRelease: 'nightly' } }, 400, /inRelease "nightly" is neither semver nor a release this project has seen/],
    ];
    for (const [body, status, detail] of cases) {
      const answer = await put<{ detail: string; causes?: string[] }>(`issues/${id}`, body);
      expect([answer.status, [answer.body.detail, ...(answer.body.causes ?? [])].join('; ')]).toEqual([status, expect.stringMatching(detail)]);
    }
    expect((await put(`issues/999999`, { status: 'resolved' })).status).toBe(404);
    expect((await put(`issues/SHOP-ZZZZ`, { status: 'resolved' })).status).toBe(404);
    expect((await get(`issues/999999/activity`)).status).toBe(404);
    expect((await get<ActivityAnswer[]>(`issues/${id}/activity`)).body).toEqual([]);
  });

  it('refuses a change to a read-only token with 403 and lets it read the activity', async () => {
    const id = await seedIssue(pg.pool, { projectId: 1 });
    const refused = await put(`issues/${id}`, { status: 'resolved' }, READ_ONLY_TOKEN.token);
    expect([refused.status, refused.body]).toEqual([403, { detail: 'this token may not change anything (scopes: read)' }]);
    expect((await put(`issues?id=${id}`, { status: 'resolved' }, READ_ONLY_TOKEN.token)).status).toBe(403);
    const activity = await get<ActivityAnswer[]>(`issues/${id}/activity`, READ_ONLY_TOKEN.token);
    expect([activity.status, activity.body]).toEqual([200, []]);
    expect((await put(`issues/${id}`, { status: 'resolved' }, app.tokens[2])).status).toBe(403);
  });
});
