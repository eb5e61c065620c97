import { QueryTestApp, startQueryApp, TOKEN_OF_PROJECT } from '../testing/query-test-app';
import { postSql, SqlBody } from './testing/sql-requests';
import { inScope, seedSqlDatabase, SqlTestData } from './testing/sql-test-data';

/**
 * The SQL API over HTTP on a real ClickHouse with generated rows of three projects, before, in
 * and after the queried range: authentication, the exact answer shape, aggregates against values
 * computed here, and that no SQL sees another project's rows or rows outside [from, to).
 */
jest.setTimeout(60_000);

describe('POST /api/v1/projects/:projectId/query', () => {
  let data: SqlTestData;
  let app: QueryTestApp;
  const query = (body: Omit<SqlBody, 'from' | 'to'>, options?: Parameters<typeof postSql>[2]) =>
    postSql(app, { from: data.range.fromMs, to: data.range.toMs, ...body }, options);
  const transactions = () => inScope(data.records.transactions, (r) => r.timestampMs, data.range);
  const spans = () => inScope(data.records.spans, (r) => r.timestampMs, data.range);

  beforeAll(async () => {
    data = await seedSqlDatabase('pulse_sql_api');
    // A week, so that eight days are too long a range.
    app = await startQueryApp({ database: data.database, env: { QUERY_MAX_RANGE_DAYS: 7 } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await data?.client.close();
  });

  describe('authentication', () => {
    it('answers 401 without a token', async () => {
      const answer = await query({ sql: 'SELECT 1' }, { token: null });
      expect(answer).toEqual({ status: 401, body: { detail: 'missing bearer token: send Authorization: Bearer <token>' } });
    });

    it("answers 403 for a token of another project", async () => {
      const answer = await query({ sql: 'SELECT 1' }, { token: TOKEN_OF_PROJECT[2] });
      expect(answer).toEqual({ status: 403, body: { detail: 'this token has no access to project 1' } });
    });
  });

  describe('the request body', () => {
    it.each([
      ['no from', { sql: 'SELECT 1', to: 1 }, 'from must be an ISO-8601 string or epoch milliseconds'],
      ['an unknown field', { sql: 'SELECT 1', from: 0, to: 1, database: 'system' }, 'property database should not exist'],
      ['no sql', { from: 0, to: 1 }, 'sql must be a string'],
      ['params that are no object', { sql: 'SELECT 1', from: 0, to: 1, params: [1] }, 'params must be an object'],
      ['to before from', { sql: 'SELECT 1', from: 2000, to: 1000 }, 'to must be after from'],
      ['too long a range', { sql: 'SELECT 1', from: '2026-01-01T00:00:00Z', to: '2026-01-09T00:00:00Z' }, 'the time range may span at most 7 days'],
    ])('answers 400 for %s', async (_what, body, detail) => {
      const answer = await postSql(app, body as SqlBody);
      expect(answer.status).toBe(400);
      expect(answer.body.detail).toContain(detail);
    });

    it('takes from and to as ISO-8601, epoch milliseconds or digits', async () => {
      const { fromMs, toMs } = data.range;
      for (const [from, to] of [[new Date(fromMs).toISOString(), new Date(toMs).toISOString()], [fromMs, toMs], [String(fromMs), String(toMs)]]) {
        const answer = await postSql(app, { sql: 'SELECT count() AS n FROM transactions', from, to });
        expect(answer.body.data).toEqual([{ n: String(transactions().length) }]);
      }
    });
  });

  it('answers with exactly meta, data, rows and statistics; 64-bit integers as strings', async () => {
    const answer = await query({ sql: 'SELECT count() AS n, sum(duration_ms) AS total, max(duration_ms) AS longest FROM transactions' });
    const expected = transactions().map((r) => r.durationMs);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['meta', 'data', 'rows', 'statistics']);
    expect(answer.body.meta).toEqual([
      { name: 'n', type: 'UInt64' },
      { name: 'total', type: 'Float64' },
      { name: 'longest', type: 'Float64' },
    ]);
    expect(answer.body.data).toEqual([{ n: String(expected.length), total: expected.reduce((a, b) => a + b, 0), longest: Math.max(...expected) }]);
    expect(answer.body.rows).toBe(1);
    expect(Object.keys(answer.body.statistics ?? {})).toEqual(['elapsed_ms', 'rows_read', 'bytes_read']);
    expect(answer.body.statistics?.elapsed_ms).toBeGreaterThanOrEqual(0);
    expect(answer.body.statistics?.rows_read).toBeGreaterThan(0);
    expect(answer.body.statistics?.bytes_read).toBeGreaterThan(0);
  });

  it('groups as computed from the records', async () => {
    const answer = await query({ sql: 'SELECT name, count() AS n, sum(duration_ms) AS total FROM transactions GROUP BY name ORDER BY name' });
    const groups = new Map<string, { n: number; total: number }>();
    for (const r of transactions()) {
      const group = groups.get(r.name) ?? { n: 0, total: 0 };
      groups.set(r.name, { n: group.n + 1, total: group.total + r.durationMs });
    }
    const expected = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, { n, total }]) => ({ name, n: String(n), total }));
    expect(answer.body.data).toEqual(expected);
  });

  it('binds params to {name:Type} placeholders, arrays included', async () => {
    const answer = await query({
      sql: 'SELECT count() AS n FROM transactions WHERE environment = {env:String} AND duration_ms >= {min:Float64} AND name IN {names:Array(String)}',
      params: { env: 'production', min: 250, names: ['GET /', '/checkout'] },
    });
    const expected = transactions().filter((r) => r.environment === 'production' && r.durationMs >= 250 && ['GET /', '/checkout'].includes(r.name));
    expect(answer.body.data).toEqual([{ n: String(expected.length) }]);
  });

  it('answers a SELECT without FROM, and a scalar WITH', async () => {
    expect((await query({ sql: 'SELECT 1 + 1 AS two' })).body.data).toEqual([{ two: 2 }]);
    const durations = transactions().map((r) => r.durationMs);
    const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
    const answer = await query({ sql: 'WITH (SELECT avg(duration_ms) FROM transactions) AS mean SELECT count() AS n FROM transactions WHERE duration_ms > mean' });
    expect(answer.body.data).toEqual([{ n: String(durations.filter((d) => d > mean).length) }]);
  });

  it("answers ClickHouse's own message for a mistake in the SQL", async () => {
    const unknownColumn = await query({ sql: 'SELECT no_such_column FROM transactions' });
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.detail).toMatch(/no_such_column/);
    const unboundParameter = await query({ sql: 'SELECT count() FROM transactions WHERE name = {name:String}' });
    expect(unboundParameter).toMatchObject({ status: 400, body: { detail: expect.stringMatching(/Substitution `name` is not set/) } });
  });

  describe('scope: only project 1 and [from, to), whatever the SQL', () => {
    const isInRange = (ms: unknown) => Number(ms) >= data.range.fromMs && Number(ms) < data.range.toMs;

    it('holds for a plain SELECT of every row', async () => {
      const answer = await query({ sql: 'SELECT project_id, toUnixTimestamp64Milli(timestamp) AS t FROM transactions' });
      expect(answer.body.data).toHaveLength(transactions().length);
      expect(answer.body.data.every((row) => row.project_id === '1' && isInRange(row.t))).toBe(true);
    });

    it('holds when the SQL asks for another project, or for everything', async () => {
      for (const sql of [
        'SELECT count() AS n FROM transactions WHERE project_id = 2',
        'SELECT count() AS n FROM transactions WHERE timestamp < fromUnixTimestamp64Milli({from:Int64})',
      ]) {
        const answer = await query({ sql, params: { from: data.range.fromMs } });
        expect(answer.body.data).toEqual([{ n: '0' }]);
      }
      const everything = await query({ sql: 'SELECT count() AS n FROM transactions AS t WHERE t.project_id = 2 OR 1 = 1' });
      expect(everything.body.data).toEqual([{ n: String(transactions().length) }]);
    });

    it('holds in a subquery in FROM', async () => {
      const answer = await query({
        sql: 'SELECT groupUniqArray(project_id) AS projects, count() AS n, min(t) AS first, max(t) AS last FROM (SELECT project_id, toUnixTimestamp64Milli(timestamp) AS t FROM transactions AS inner_rows)',
      });
      const times = transactions().map((r) => r.timestampMs);
      expect(answer.body.data).toEqual([{ projects: ['1'], n: String(times.length), first: String(Math.min(...times)), last: String(Math.max(...times)) }]);
    });

    it('holds in IN (SELECT …)', async () => {
      const other = await query({ sql: 'SELECT count() AS n FROM spans WHERE transaction_name IN (SELECT transaction_name FROM spans WHERE project_id = 2)' });
      expect(other.body.data).toEqual([{ n: '0' }]);
      const own = await query({ sql: 'SELECT count() AS n FROM transactions WHERE event_id IN (SELECT event_id FROM transactions)' });
      expect(own.body.data).toEqual([{ n: String(transactions().length) }]);
    });

    it('holds on both sides of a JOIN of two tables', async () => {
      const answer = await query({
        sql:
          'SELECT count() AS n, groupUniqArray(t.project_id) AS tp, groupUniqArray(s.project_id) AS sp, ' +
          'min(least(toUnixTimestamp64Milli(t.timestamp), toUnixTimestamp64Milli(s.timestamp))) AS first, ' +
          'max(greatest(toUnixTimestamp64Milli(t.timestamp), toUnixTimestamp64Milli(s.timestamp))) AS last ' +
          'FROM transactions AS t INNER JOIN spans AS s ON s.transaction_name = t.name',
      });
      const spansPerName = new Map<string, number>();
      for (const s of spans()) spansPerName.set(s.transactionName, (spansPerName.get(s.transactionName) ?? 0) + 1);
      const pairs = transactions().reduce((sum, t) => sum + (spansPerName.get(t.name) ?? 0), 0);
      expect(pairs).toBeGreaterThan(0);
      const [row] = answer.body.data;
      expect(row).toMatchObject({ n: String(pairs), tp: ['1'], sp: ['1'] });
      expect(isInRange(row.first) && isInRange(row.last)).toBe(true);
    });

    it('holds in scalar subqueries and under aliases named like other tables', async () => {
      const answer = await query({
        sql:
          'SELECT (SELECT count() FROM errors) AS errors, (SELECT count() FROM web_vitals AS transactions) AS vitals, ' +
          '(SELECT max(toUnixTimestamp64Milli(timestamp)) FROM errors WHERE project_id != 1 OR 1) AS last_error, count() AS spans FROM spans AS errors',
      });
      const errors = inScope(data.records.errors, (r) => r.timestampMs, data.range);
      const vitals = inScope(data.records.webVitals, (r) => r.timestampMs, data.range);
      expect(answer.body.data).toEqual([
        {
          errors: String(errors.length),
          vitals: String(vitals.length),
          last_error: String(Math.max(...errors.map((r) => r.timestampMs))),
          spans: String(spans().length),
        },
      ]);
    });

    it('scopes sessions by the time they started, not by the update', async () => {
      const answer = await query({ sql: 'SELECT count() AS n, sum(quantity) AS quantity FROM sessions' });
      const sessions = inScope(data.records.sessions, (r) => r.startedMs, data.range);
      const byUpdateTime = inScope(data.records.sessions, (r) => r.timestampMs, data.range);
      expect(byUpdateTime.filter((r) => !sessions.includes(r))).not.toEqual([]);
      expect(sessions.filter((r) => !byUpdateTime.includes(r))).not.toEqual([]);
      expect(answer.body.data).toEqual([{ n: String(sessions.length), quantity: String(sessions.reduce((sum, r) => sum + r.quantity, 0)) }]);
    });

    it('follows the project of the URL for a token of that project', async () => {
      const answer = await query({ sql: 'SELECT groupUniqArray(project_id) AS projects, count() AS n FROM transactions' }, { projectId: 2, token: TOKEN_OF_PROJECT[2] });
      const expected = inScope(data.records.transactions, (r) => r.timestampMs, data.range, 2);
      expect(answer.body.data).toEqual([{ projects: ['2'], n: String(expected.length) }]);
    });
  });
});
