import { LOGICAL_TABLES } from './logical-tables';
import { SqlRefusal } from './sql-refusal';

const TABLE_LINE = /^\s*TABLE id: /;
/**
 * ClickHouse's one-row constant table, which the analyzer reads for a SELECT without FROM
 * (`SELECT now()`). It holds no data; naming it in the SQL is refused by the syntax check.
 */
const IMPLICIT_TABLE = 'system.one';
const TABLE_FUNCTION_LINE = /^\s*TABLE_FUNCTION id: /;
const TABLE_NAME = /table_name: ([^,\s]+)/g;
const TABLE_FUNCTION_NAME = /table_function_name: ([^,\s]+)/;

/**
 * The second, independent check, on ClickHouse's `EXPLAIN QUERY TREE` (the analyzer's tree, with
 * aliases and subqueries resolved to the storage they read): every `TABLE` line must name
 * `<database>.<logical table>` (or IMPLICIT_TABLE), and no `TABLE_FUNCTION` line may appear. Node
 * lines start with their kind after the indentation; user text (aliases, constants) only follows
 * on the same line, so matching the start of a line cannot be fooled by it, and every
 * `table_name:` on a TABLE line must pass.
 */
export function checkQueryTree(lines: readonly string[], database: string): void {
  const allowed = new Set([...LOGICAL_TABLES.map((table) => `${database}.${table}`), IMPLICIT_TABLE]);
  for (const line of lines) {
    if (TABLE_FUNCTION_LINE.test(line)) {
      const name = TABLE_FUNCTION_NAME.exec(line)?.[1] ?? 'unknown';
      throw new SqlRefusal(`table function ${name}(…) is not allowed; read from ${LOGICAL_TABLES.join(', ')}`);
    }
    if (!TABLE_LINE.test(line)) continue;
    const names = [...line.matchAll(TABLE_NAME)].map((match) => match[1]);
    if (names.length === 0) throw new SqlRefusal(`the query could not be checked: a table without a name in the query tree (${line.trim().slice(0, 80)})`);
    const outside = names.find((name) => !allowed.has(name));
    if (outside !== undefined) throw new SqlRefusal(`table ${outside} is not available; the SQL API reads ${LOGICAL_TABLES.join(', ')}`);
  }
}
