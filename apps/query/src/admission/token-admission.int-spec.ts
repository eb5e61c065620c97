import { waitUntil } from '@pulse/local-infra';
import { MetricsRegistry } from '@pulse/platform';
import { MigratedDatabase, migratedDatabase } from '@pulse/storage/testing';
import { request } from '@pulse/testing';
import { postSql, SqlAnswer } from '../sql/testing/sql-requests';
import { QueryTestApp, startQueryApp, TOKEN_OF_PROJECT } from '../testing/query-test-app';
import { TokenAdmission } from './token-admission';
import { TOKEN_ADMISSION } from './token-admission.interceptor';

/**
 * Per-token admission in the real app over the real ClickHouse: while project 1's token holds its
 * one slot with a heavy query, its further reads on every path (SQL API, analytics, Grafana) are
 * 429s with Retry-After, and project 2's token is answered before that heavy query ends.
 */
jest.setTimeout(60_000);

/** The reported shape, at a size that runs until max_execution_time stops it. */
const HEAVY_SQL =
  'SELECT count() AS n FROM (SELECT arrayJoin(range(1000000)) AS a) AS x CROSS JOIN (SELECT arrayJoin(range(100000)) AS b) AS y WHERE cityHash64(a, b) = 0';

describe('per-token admission of tenant reads', () => {
  let db: MigratedDatabase;
  let app: QueryTestApp;
  const range = { from: Date.now() - 3_600_000, to: Date.now() };

  beforeAll(async () => {
    db = await migratedDatabase('pulse_admission', { quiet: true });
    app = await startQueryApp({
      database: db.database,
      // One slot, no queue: the second read of the token is refused at once. One thread and a
      // short time cap keep the heavy query from taking the machine.
      env: { QUERY_MAX_CONCURRENT_PER_TOKEN: 1, QUERY_MAX_QUEUED_PER_TOKEN: 0, QUERY_MAX_EXECUTION_SECONDS: 4, QUERY_MAX_THREADS: 1 },
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db?.client.close();
  });

  it('refuses a busy token on every read path and still answers another token', async () => {
    const admission = app.app.get<TokenAdmission>(TOKEN_ADMISSION);
    let heavyAnswer: SqlAnswer | undefined;
    const heavy = postSql(app, { sql: HEAVY_SQL, ...range }).then((answer) => (heavyAnswer = answer));
    await waitUntil('the heavy query to hold its slot', async () => admission.running === 1, { timeoutMs: 10_000, intervalMs: 20 });

    const auth = { authorization: `Bearer ${TOKEN_OF_PROJECT[1]}` };
    const refused = [
      await postSql(app, { sql: 'SELECT 1 AS one', ...range }),
      await request(`${app.url}/api/v1/projects/1/transactions/latency?from=${range.from}&to=${range.to}`, { headers: auth }),
      await request(`${app.url}/api/v1/projects/1/grafana/variable`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ payload: { target: 'releases' } }),
      }),
    ];
    for (const answer of refused) {
      expect([answer.status, answer.body]).toEqual([429, { detail: 'this token already has 1 queries running and 0 waiting; retry after 1 s' }]);
    }
    const withHeaders = await request(`${app.url}/api/v1/projects/1/transactions/latency?from=${range.from}&to=${range.to}`, { headers: auth });
    expect(withHeaders.headers.get('retry-after')).toBe('1');

    const other = await postSql(app, { sql: 'SELECT 1 AS one', ...range }, { projectId: 2, token: TOKEN_OF_PROJECT[2] });
    expect([other.status, other.body.data]).toEqual([200, [{ one: 1 }]]);
    // The other token's answer came while the heavy query still held project 1's slot.
    expect(heavyAnswer).toBeUndefined();

    await heavy;
    expect(heavyAnswer?.status).toBe(400);
    expect(heavyAnswer?.body.detail).toMatch(/^the query ran longer than 4 s/);
    await waitUntil('the slot to be free', async () => admission.running === 0, { timeoutMs: 10_000, intervalMs: 20 });
    const again = await postSql(app, { sql: 'SELECT 1 AS one', ...range });
    expect(again.status).toBe(200);

    const refusals = await app.app.get(MetricsRegistry).registry.getSingleMetric('pulse_query_read_refusals_total')?.get();
    expect(refusals?.values).toEqual([{ labels: { reason: 'token_busy' }, value: 4 }]);
    // Tokens are secrets: no metric names one.
    expect(await app.app.get(MetricsRegistry).registry.metrics()).not.toContain(TOKEN_OF_PROJECT[1]);
  });
});
