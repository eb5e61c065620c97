import { createClient } from '@clickhouse/client';
import { ClickHouseRowWriter, Tables, toErrorRow, toSessionRow, toTransactionRow } from '@pulse/storage';
import { request, SeededRecords, seededRecords, testInfra } from '@pulse/testing';
import { E2EStack } from './support/e2e-stack';

/**
 * The query app as a client sees it: the built service on a database filled through the row
 * mapping, the exact response shapes, tokens (401/403 on every route) and 400s that say what
 * was wrong. The numbers themselves are checked in libs/analytics/src/*.int-spec.ts; here a
 * few are checked against the records to prove the wiring.
 */
jest.setTimeout(120_000);

// Recent, so the rows are well inside their retention (a past date would expire some day).
const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000;
const range = { from: new Date(START).toISOString(), to: String(START + 4 * 3_600_000) };

describe('query API', () => {
  // The seeded records belong to projects 1, 2 and 3.
  const stack = new E2EStack([{ id: 1 }, { id: 2 }]);
  const [project, other] = stack.projects;
  let records: SeededRecords;

  const get = (path: string, params: Record<string, string>, token: string | null = project.token, projectId = project.id) =>
    request<unknown>(`${stack.app('query').url}/api/v1/projects/${projectId}/${path}?${new URLSearchParams(params)}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    await stack.start({}, ['query']);
    records = seededRecords(5, { startMs: START, minutes: 200, transactions: 6000, errors: 1500, sessions: 800, sessionAggregates: 50 });
    const { clickhouse } = testInfra();
    const client = createClient({ url: clickhouse.url, username: clickhouse.user, password: clickhouse.password, database: stack.database });
    const writer = new ClickHouseRowWriter(client);
    await writer.insert(Tables.transactions, records.transactions.map((r) => toTransactionRow(r, 90)), 'q-t');
    await writer.insert(Tables.errors, records.errors.map((r) => toErrorRow(r, 90)), 'q-e');
    await writer.insert(Tables.sessions, records.sessions.map((r) => toSessionRow(r, 90)), 'q-s');
    await client.close();
  });

  afterAll(() => stack.stop());

  const mine = <T extends { projectId: number }>(rows: T[]) => rows.filter((r) => r.projectId === project.id);

  it('GET releases: one row per release in the documented shape', async () => {
    const result = await get('releases', range);
    expect(result.status).toBe(200);
    const rows = result.body as Array<Record<string, unknown>>;
    const releases = new Set([...mine(records.transactions), ...mine(records.errors), ...mine(records.sessions)].map((r) => r.release));
    expect(rows.map((r) => r.release).sort()).toEqual([...releases].sort());
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        ['crash_free_sessions', 'crash_free_users', 'error_rate', 'errors', 'failure_rate', 'first_seen', 'release', 'transactions', 'users_affected'],
      );
      expect(row.transactions).toBe(mine(records.transactions).filter((r) => r.release === row.release).length);
      expect(row.errors).toBe(mine(records.errors).filter((r) => r.release === row.release).length);
      expect(typeof row.first_seen).toBe('number');
    }
  });

  it('GET releases/compare: both releases and the change of each metric', async () => {
    const result = await get('releases/compare', { ...range, base: '1.0.0', candidate: '2.0.0' });
    expect(result.status).toBe(200);
    const body = result.body as { base: Record<string, number>; candidate: Record<string, number>; change: Record<string, { absolute: number; relative: number }> };
    expect(body.base.release).toBe('1.0.0');
    expect(body.candidate.release).toBe('2.0.0');
    expect(body.change.transactions.absolute).toBe(body.candidate.transactions - body.base.transactions);
    expect(Object.keys(body.change).sort()).toEqual(['apdex', 'crash_free_sessions', 'crash_free_users', 'error_rate', 'errors', 'failure_rate', 'p50', 'p95', 'transactions', 'users_affected']);
    const missing = await get('releases/compare', { ...range, base: '1.0.0', candidate: '9.9.9' });
    expect(missing.body).toMatchObject({ candidate: { release: '9.9.9', transactions: 0, error_rate: null } });
  });

  it('GET transactions: a sorted page of transaction names', async () => {
    const result = await get('transactions', { ...range, sort: 'p95', order: 'desc', limit: '2' });
    expect(result.status).toBe(200);
    const body = result.body as { total: number; limit: number; offset: number; data: Array<Record<string, number>> };
    const names = new Set(mine(records.transactions).map((r) => r.name));
    expect(body).toMatchObject({ total: names.size, limit: 2, offset: 0 });
    expect(body.data).toHaveLength(2);
    expect(body.data[0].p95).toBeGreaterThanOrEqual(body.data[1].p95);
    expect(Object.keys(body.data[0]).sort()).toEqual(['apdex', 'count', 'failure_rate', 'p50', 'p95', 'tpm', 'transaction', 'user_misery', 'users']);
  });

  it('GET transactions/series and transactions/latency agree on counts', async () => {
    const series = await get('transactions/series', { ...range, interval: '1h', percentiles: '95' });
    const latency = await get('transactions/latency', { ...range, interval: '1h', percentiles: '95' });
    expect(series.status).toBe(200);
    const points = (series.body as { series: Array<{ count: number; p95: number | null }> }).series;
    const latencyBody = latency.body as { count: number; series: Array<{ count: number; p95: number | null }> };
    expect(points.map((p) => p.count)).toEqual(latencyBody.series.map((p) => p.count));
    expect(points.map((p) => p.p95)).toEqual(latencyBody.series.map((p) => p.p95));
    expect(latencyBody.count).toBe(mine(records.transactions).length);
  });

  it.each(['releases', 'releases/compare', 'releases/series', 'transactions', 'transactions/series', 'transactions/latency'])('%s: 401 without a token, 403 for another project', async (path) => {
    expect((await get(path, range, null)).status).toBe(401);
    expect((await get(path, range, 'tok_unknown_unknown')).status).toBe(401);
    expect((await get(path, range, other.token)).status).toBe(403);
  });

  it.each([
    ['transactions', { sort: 'p95;DROP' }, /sort=.* must be one of/],
    ['transactions', { limit: '0' }, /limit=.* must be an integer/],
    ['transactions', { enviroment: 'production' }, /property enviroment should not exist/],
    ['transactions', { apdex_threshold: '-1' }, /apdex_threshold/],
    ['transactions/series', { group_by: 'os' }, /group_by/],
    ['releases', { os: 'Linux' }, /releases can be filtered by release and environment, not os/],
    ['releases/compare', { base: '1.0.0', candidate: '1.0.0' }, /must differ/],
    ['transactions/latency', { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, /at most \d+ days/],
    ['transactions/latency', { tag: 'no-colon' }, /key:value/],
  ])('%s with %j is a 400 that says why', async (path, params, detail) => {
    const result = await get(path, { ...range, ...params } as Record<string, string>);
    expect(result.status).toBe(400);
    expect((result.body as { detail: string }).detail).toMatch(detail);
  });
});
