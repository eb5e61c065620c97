import { request } from '@pulse/testing';
import { freePorts } from '@pulse/local-infra';
import { QueryTestApp, startQueryApp } from '../testing/query-test-app';
import { postSql } from './testing/sql-requests';
import { inScope, seedSqlDatabase, SqlTestData } from './testing/sql-test-data';

/**
 * The caps of the SQL API on a real ClickHouse, each in an app of its own with that one cap set
 * low: result rows and bytes (whatever the blocks of the result), execution time and bytes read
 * are 400s saying which cap and what to do; an unreachable ClickHouse is a 503.
 */
jest.setTimeout(60_000);

describe('SQL API caps', () => {
  let data: SqlTestData;
  const apps: QueryTestApp[] = [];
  const appWith = async (env: Record<string, string | number>) => {
    const app = await startQueryApp({ database: data.database, env });
    apps.push(app);
    return app;
  };
  const ask = (app: QueryTestApp, sql: string) => postSql(app, { sql, from: data.range.fromMs, to: data.range.toMs });

  beforeAll(async () => {
    data = await seedSqlDatabase('pulse_sql_limits');
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await data?.client.close();
  });

  it('refuses a result over the row cap, and answers one at the cap', async () => {
    const app = await appWith({ SQL_MAX_RESULT_ROWS: 5 });
    expect(await ask(app, 'SELECT event_id FROM transactions LIMIT 6')).toEqual({ status: 400, body: { detail: 'the result has more than 5 rows; add a LIMIT' } });
    const atCap = await ask(app, 'SELECT event_id FROM transactions LIMIT 5');
    expect([atCap.status, atCap.body.rows]).toEqual([200, 5]);
    // The cap is on the answer: a subquery may produce more rows.
    const inScopeRows = inScope(data.records.transactions, (r) => r.timestampMs, data.range).length;
    const subquery = await ask(app, 'SELECT count() AS n FROM transactions WHERE event_id IN (SELECT event_id FROM transactions)');
    expect(subquery.body.data).toEqual([{ n: String(inScopeRows) }]);
  });

  it('refuses a result over the row cap that ClickHouse produces as one block', async () => {
    // ClickHouse checks max_result_rows between blocks: arrayJoin makes one block of 100,000 rows.
    const app = await appWith({});
    expect(await ask(app, 'SELECT arrayJoin(range(100000)) AS a')).toEqual({ status: 400, body: { detail: 'the result has more than 10000 rows; add a LIMIT' } });
    expect(await ask(app, 'SELECT arrayJoin(range(1000000)) AS a')).toEqual({ status: 400, body: { detail: 'the result has more than 10000 rows; add a LIMIT' } });
    const atCap = await ask(app, 'SELECT arrayJoin(range(10000)) AS a ORDER BY a DESC');
    expect([atCap.status, atCap.body.rows, atCap.body.data[0], atCap.body.data[9999]]).toEqual([200, 10000, { a: 9999 }, { a: 0 }]);
    // The SQL's own LIMIT and OFFSET still apply, and the scope still filters every read.
    const paged = await ask(app, 'SELECT arrayJoin(range(100000)) AS a LIMIT 3 OFFSET 5');
    expect(paged.body.data).toEqual([{ a: 5 }, { a: 6 }, { a: 7 }]);
    const inScopeRows = inScope(data.records.transactions, (r) => r.timestampMs, data.range).length;
    const scoped = await ask(app, 'SELECT count() AS n FROM (SELECT event_id, arrayJoin(range(3)) FROM transactions)');
    expect(scoped.body.data).toEqual([{ n: String(inScopeRows * 3) }]);
  });

  it('refuses an answer over the byte cap, however ClickHouse blocks it', async () => {
    const app = await appWith({ SQL_MAX_RESULT_BYTES: 1024 * 1024 });
    // 20 rows of 300,000 characters in one block: about 6 MB of JSON.
    expect(await ask(app, "SELECT leftPad('x', 300000, 'x') AS s, arrayJoin(range(20)) AS n")).toEqual({
      status: 400,
      body: { detail: 'the result is larger than 1 MiB; select fewer columns or add a LIMIT' },
    });
    const under = await ask(app, "SELECT leftPad('x', 300000, 'x') AS s, arrayJoin(range(2)) AS n");
    expect([under.status, under.body.rows]).toEqual([200, 2]);
  });

  it('stops a query at the time cap', async () => {
    const app = await appWith({ QUERY_MAX_EXECUTION_SECONDS: 1 });
    // Rows⁴ hashes (billions): minutes of work, stopped by ClickHouse after one second.
    const started = Date.now();
    const answer = await ask(
      app,
      'SELECT count() AS n FROM transactions AS a, transactions AS b, transactions AS c, transactions AS d ' +
        'WHERE cityHash64(a.event_id, b.event_id, c.event_id, d.event_id) % 1000 = 1',
    );
    expect(answer).toEqual({ status: 400, body: { detail: 'the query ran longer than 1 s; narrow the time range, add filters or simplify it' } });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a query that would read more than the byte cap', async () => {
    const app = await appWith({ SQL_MAX_BYTES_TO_READ: 4096 });
    expect(await ask(app, "SELECT count() AS n FROM transactions WHERE name != ''")).toEqual({
      status: 400,
      body: { detail: 'the query would read more than 4 KiB; narrow the time range or add filters' },
    });
  });

  it('answers 503 when ClickHouse cannot be reached', async () => {
    const [port] = await freePorts(1);
    const app = await appWith({ CLICKHOUSE_URL: `http://127.0.0.1:${port}` });
    const answer = await request(`${app.url}/api/v1/projects/1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.tokens[1]}` },
      body: JSON.stringify({ sql: 'SELECT count() FROM transactions', from: data.range.fromMs, to: data.range.toMs }),
    });
    expect([answer.status, answer.body, answer.headers.get('retry-after')]).toEqual([503, { detail: 'ClickHouse is unavailable; retry later' }, '5']);
  });
});
