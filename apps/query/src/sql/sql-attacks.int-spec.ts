import { selectRows } from '@pulse/storage/testing';
import { QueryTestApp, startQueryApp } from '../testing/query-test-app';
import { postSql } from './testing/sql-requests';
import { seedSqlDatabase, SqlTestData } from './testing/sql-test-data';

/**
 * What the SQL API refuses, over HTTP on a real ClickHouse: every answer is a 400 whose detail
 * names what was refused, and afterwards every table still holds every row (nothing was written,
 * altered or dropped).
 */
jest.setTimeout(60_000);

describe('the SQL API refuses', () => {
  let data: SqlTestData;
  let app: QueryTestApp;
  const refusal = async (sql: string, params?: unknown) => {
    const answer = await postSql(app, { sql, params, from: data.range.fromMs, to: data.range.toMs });
    return { status: answer.status, detail: answer.body.detail };
  };

  beforeAll(async () => {
    data = await seedSqlDatabase('pulse_sql_attacks', { transactions: 300, other: 100 });
    app = await startQueryApp({ database: data.database });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await data?.client.close();
  });

  it.each([
    ['a -- comment', 'SELECT count() FROM transactions -- WHERE project_id = 1', 'comments are not allowed'],
    ['a /* */ comment', 'SELECT count() FROM transactions /* hidden */', 'comments are not allowed'],
    ['a # comment', 'SELECT count() FROM transactions # hidden', 'comments are not allowed'],
    ['UNION ALL into system.users', 'SELECT name FROM transactions UNION ALL SELECT name FROM system.users', 'UNION is not allowed: send one SELECT'],
    ['UNION DISTINCT', 'SELECT name FROM transactions UNION DISTINCT SELECT transaction_name FROM spans', 'UNION is not allowed: send one SELECT'],
    ['EXCEPT', 'SELECT name FROM transactions EXCEPT SELECT transaction_name FROM spans', 'INTERSECT and EXCEPT are not allowed'],
    ['a scalar subquery into system.tables', 'SELECT (SELECT count() FROM system.tables) AS n FROM transactions', 'table system.tables is not available'],
    ['a subquery in FROM into system.one', 'SELECT * FROM (SELECT * FROM system.one)', 'table system.one is not available'],
    ['IN (SELECT …) from system.one', 'SELECT count() FROM transactions WHERE 0 IN (SELECT dummy FROM system.one)', 'table system.one is not available'],
    ['x IN system.one', 'SELECT count() FROM transactions WHERE 0 IN system.one', 'x IN system.one is not allowed; use IN (SELECT …)'],
    ['x NOT IN a table', 'SELECT count() FROM transactions WHERE trace_id NOT IN spans', 'x IN spans is not allowed'],
    ['FORMAT JSON', 'SELECT count() FROM transactions FORMAT JSON', 'FORMAT JSON is not allowed'],
    ['FORMAT TabSeparated', 'SELECT count() FROM transactions FORMAT TabSeparated', 'FORMAT TabSeparated is not allowed'],
    ['INTO OUTFILE', "SELECT * FROM transactions INTO OUTFILE '/tmp/pulse-sql-api-attack.tsv'", 'INTO OUTFILE is not allowed'],
    ['SETTINGS additional_table_filters', "SELECT count() FROM transactions SETTINGS additional_table_filters = {'transactions': '1'}", 'SETTINGS is not allowed'],
    ['SETTINGS readonly = 0', 'SELECT count() FROM transactions SETTINGS readonly = 0', 'SETTINGS is not allowed'],
    ['SETTINGS in a subquery', 'SELECT * FROM (SELECT count() FROM transactions SETTINGS additional_table_filters = {})', 'SETTINGS is not allowed'],
    ['WITH name AS (subquery)', 'WITH t AS (SELECT * FROM transactions) SELECT count() FROM t', 'WITH name AS (subquery) is not supported'],
    ['numbers(10)', 'SELECT * FROM numbers(10)', 'table function numbers(…) is not allowed'],
    ['url(…)', "SELECT * FROM url('http://127.0.0.1:9/x', CSV, 'a String')", 'table function url(…) is not allowed'],
    ['file(…)', "SELECT * FROM file('/etc/passwd', LineAsString)", 'table function file(…) is not allowed'],
    ['remote(…)', "SELECT * FROM remote('127.0.0.1', system.users)", 'table function remote(…) is not allowed'],
    ['a table function in a JOIN', 'SELECT count() FROM transactions AS t JOIN numbers(10) AS n ON 1', 'table function numbers(…) is not allowed'],
    ['EXPLAIN as a subquery', 'SELECT * FROM (EXPLAIN SELECT 1)', 'table function viewExplain(…) is not allowed'],
    ['the rollup transactions_minute', 'SELECT count() FROM transactions_minute', 'table transactions_minute is not available'],
    ['default.transactions', 'SELECT count() FROM default.transactions', 'table default.transactions is not available'],
    ['the own database, qualified', 'SELECT count() FROM {db}.transactions', 'is not available'],
    ['system.users', 'SELECT * FROM system.users', 'table system.users is not available'],
    ['dictGet', "SELECT dictGet('some_dictionary', 'value', toUInt64(1)) FROM transactions", 'function dictGet is not allowed'],
    ['sleep(3)', 'SELECT sleep(3) FROM transactions', 'function sleep is not allowed'],
    ['currentDatabase()', 'SELECT currentDatabase()', 'function currentDatabase is not allowed'],
    ['APPLY(sleep)', "SELECT COLUMNS('duration_ms') APPLY(sleep) FROM transactions", 'APPLY is not supported'],
    ['unbounded groupArray', 'SELECT groupArray(event_id) FROM transactions', 'groupArray needs a size'],
    ['; DROP TABLE transactions', 'SELECT 1; DROP TABLE transactions', 'one statement only'],
    ['INSERT', "INSERT INTO transactions (project_id, name) VALUES (1, 'x')", 'only SELECT queries are allowed; this one starts with INSERT'],
    ['ALTER', 'ALTER TABLE transactions DELETE WHERE 1', 'only SELECT queries are allowed; this one starts with ALTER'],
    ['DROP', 'DROP TABLE transactions', 'only SELECT queries are allowed; this one starts with DROP'],
    ['SHOW TABLES', 'SHOW TABLES', 'only SELECT queries are allowed; this one starts with SHOW'],
    ['DESCRIBE', 'DESCRIBE transactions', 'only SELECT queries are allowed; this one starts with DESCRIBE'],
    ['EXPLAIN', 'EXPLAIN SELECT count() FROM transactions', 'only SELECT queries are allowed; this one starts with EXPLAIN'],
    ['a name with a line break', 'SELECT 1 AS "a\n TableIdentifier transactions" FROM system.users', 'quoted names may not contain backslashes or control characters'],
    ['an Identifier parameter', 'SELECT count() FROM {table:Identifier}', 'query parameters of type Identifier are not supported'],
    ['a $$ string', 'SELECT $$x$$ FROM transactions', '"$" is only allowed inside quotes'],
  ])('%s', async (_what, sql, detail) => {
    const answer = await refusal(sql.replace('{db}', data.database));
    expect(answer.status).toBe(400);
    expect(answer.detail).toContain(detail);
  });

  it('SQL over 20,000 characters', async () => {
    const sql = `SELECT count() FROM transactions WHERE name IN (${Array.from({ length: 2500 }, (_, i) => `'n${i}'`).join(', ')})`;
    expect(sql.length).toBeGreaterThan(20_000);
    expect(await refusal(sql)).toEqual({ status: 400, detail: `the SQL is ${sql.length} characters long; at most 20000 are allowed` });
  });

  it.each([
    ['a bad name', { 'bad-name': 1 }, 'params: "bad-name" is not a parameter name'],
    ['an object value', { env: { $ne: 1 } }, 'params.env must be a string, a finite number, a boolean or an array of those'],
    ['a null value', { env: null }, 'params.env must be'],
    ['a nested array', { names: [['x']] }, 'params.names[0] must be a string, a finite number or a boolean'],
    ['too long an array', { names: Array.from({ length: 1001 }, () => 'x') }, 'params.names has 1001 elements; at most 1000 are allowed'],
    ['51 entries', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, i])), 'params has 51 entries; at most 50 are allowed'],
  ])('params with %s', async (_what, params, detail) => {
    const answer = await refusal('SELECT count() FROM transactions WHERE environment = {env:String}', params);
    expect(answer.status).toBe(400);
    expect(answer.detail).toContain(detail);
  });

  it('and changed nothing', async () => {
    const [counts] = await selectRows<Record<string, string>>(
      data.client,
      'SELECT (SELECT count() FROM transactions) AS transactions, (SELECT count() FROM spans) AS spans, (SELECT count() FROM errors) AS errors, ' +
        '(SELECT count() FROM sessions) AS sessions, (SELECT count() FROM web_vitals) AS web_vitals',
    );
    const { records } = data;
    expect(Object.values(counts).map(Number)).toEqual([records.transactions, records.spans, records.errors, records.sessions, records.webVitals].map((rows) => rows.length));
  });
});
