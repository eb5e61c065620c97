import type { ClickHouseClient } from '@clickhouse/client';
import { MigratedDatabase, migratedDatabase, selectRows } from '@pulse/storage/testing';
import { ALLOWED_FUNCTION_NAMES } from './function-allow-list';
import { AST_FIXTURES, ExplainFixture, FIXTURE_DATABASE, QUERY_TREE_FIXTURES } from './testing/explain-fixtures';

/**
 * The unit specs check trees captured from ClickHouse; this runs every captured statement again
 * on the ClickHouse of the test run (a migrated, empty database) and expects the same output, so
 * a server that prints its trees differently fails here rather than in production. It also checks
 * that every allow-listed function exists.
 */
jest.setTimeout(60_000);

describe('ClickHouse prints what the SQL API checks expect', () => {
  let db: MigratedDatabase;

  beforeAll(async () => {
    db = await migratedDatabase('pulse_sql_fixtures');
  }, 60_000);
  afterAll(() => db?.client.close());

  // As the service sends them: no FORMAT appended (it would belong to the explained SELECT).
  const explain = async (client: ClickHouseClient, kind: string, { sql, params }: ExplainFixture): Promise<string[]> => {
    const { stream } = await client.exec({ query: `EXPLAIN ${kind} ${sql}`, query_params: params, clickhouse_settings: { default_format: 'JSONEachRow' } });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { explain: string }).explain);
  };

  it.each(AST_FIXTURES.map((item) => [item.name, item] as const))('EXPLAIN AST: %s', async (_name, item) => {
    expect(await explain(db.client, 'AST', item)).toEqual(item.lines);
  });

  it.each(QUERY_TREE_FIXTURES.map((item) => [item.name, item] as const))('EXPLAIN QUERY TREE: %s', async (_name, item) => {
    const lines = await explain(db.client, 'QUERY TREE', item);
    expect(lines.map((line) => line.replaceAll(`${db.database}.`, `${FIXTURE_DATABASE}.`))).toEqual(item.lines);
  });

  it('knows every allow-listed function', async () => {
    const known = await selectRows<{ name: string; case_insensitive: number }>(db.client, 'SELECT name, case_insensitive FROM system.functions');
    const exact = new Set(known.map((row) => row.name));
    const folded = new Set(known.filter((row) => Number(row.case_insensitive) === 1).map((row) => row.name.toLowerCase()));
    const missing = ALLOWED_FUNCTION_NAMES.filter((name) => !exact.has(name) && !folded.has(name.toLowerCase()));
    expect(missing).toEqual([]);
  });
});
