import captured from './explain-fixtures.json';

/**
 * Outputs of ClickHouse 26.7 for the SQL API's checks, captured with `EXPLAIN AST <sql>` and
 * `EXPLAIN QUERY TREE <sql>` (one element per output line, as the JSONEachRow rows give them; the
 * test database renamed to `pulse`). The unit specs check these trees without a server;
 * sql-fixtures.int-spec.ts runs every statement again against the ClickHouse of the test run and
 * fails when its output differs, so the fixtures cannot drift from what the server prints.
 * The captured output itself is data, in explain-fixtures.json (`ast`, `queryTree`), checked as
 * it is read.
 */
export interface ExplainFixture {
  name: string;
  sql: string;
  params?: Record<string, string | string[]>;
  lines: string[];
}

/** The database the query-tree fixtures were renamed to. */
export const FIXTURE_DATABASE = 'pulse';

export const AST_FIXTURES: ExplainFixture[] = readFixtures(captured.ast, 'ast');

export const QUERY_TREE_FIXTURES: ExplainFixture[] = readFixtures(captured.queryTree, 'queryTree');

/** A fixture by name; fails loudly on a typo. */
export function fixture(list: ExplainFixture[], name: string): ExplainFixture {
  const found = list.find((item) => item.name === name);
  if (!found) throw new Error(`no fixture named ${name}`);
  return found;
}

/** One list of the JSON file as ExplainFixtures; a hand edit that breaks the shape fails here, naming the entry. */
function readFixtures(list: readonly unknown[], kind: string): ExplainFixture[] {
  return list.map((item, index) => {
    const { name, sql, params, lines } = item as Record<string, unknown>;
    const where = `explain-fixtures.json ${kind}[${index}]`;
    if (typeof name !== 'string' || typeof sql !== 'string') throw new Error(`${where}: name and sql must be strings`);
    if (!isStringList(lines)) throw new Error(`${where} (${name}): lines must be a list of strings`);
    if (params === undefined) return { name, sql, lines };
    if (!isParams(params)) throw new Error(`${where} (${name}): params must map names to a string or a list of strings`);
    return { name, sql, params, lines };
  });
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

function isParams(value: unknown): value is Record<string, string | string[]> {
  return typeof value === 'object' && value !== null && Object.values(value).every((entry) => typeof entry === 'string' || isStringList(entry));
}
