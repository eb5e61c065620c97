import { parseExplainAst } from './explain-tree';
import { SqlRefusal } from './sql-refusal';
import { checkSyntaxTree } from './syntax-check';
import { AST_FIXTURES, fixture } from './testing/explain-fixtures';

const check = (name: string) => () => checkSyntaxTree(parseExplainAst(fixture(AST_FIXTURES, name).lines));

/** A tree of `SELECT <expression>` around the given lines (indented for the SELECT list). */
function selectOf(...expression: string[]): string[] {
  return [
    'SelectWithUnionQuery (children 1)',
    ' ExpressionList (children 1)',
    '  SelectQuery (children 1)',
    '   ExpressionList (children 1)',
    ...expression.map((line) => `    ${line}`),
  ];
}

describe('checkSyntaxTree on real EXPLAIN AST outputs', () => {
  it.each([
    'aggregate with a parameter',
    'join of two tables',
    'subquery in FROM and IN (SELECT …)',
    'scalar WITH',
    'window function',
    'lambda, map element and JSON',
    'bounded groupArray',
    'array parameter',
    'string that looks like a tree',
    'FROM first',
  ])('accepts %s', (name) => {
    expect(check(name)).not.toThrow();
  });

  it.each([
    ['UNION ALL into system.users', 'UNION is not allowed: send one SELECT'],
    ['INTERSECT', 'INTERSECT and EXCEPT are not allowed: send one SELECT'],
    ['FORMAT', 'FORMAT TabSeparated is not allowed'],
    ['INTO OUTFILE', 'INTO OUTFILE is not allowed'],
    ['SETTINGS', 'SETTINGS is not allowed'],
    ['SETTINGS in a subquery', 'SETTINGS is not allowed'],
    ['WITH name AS (subquery)', 'WITH name AS (subquery) is not supported; put the subquery in FROM'],
    ['table function numbers', 'table function numbers(…) is not allowed'],
    ['table function url', 'table function url(…) is not allowed'],
    ['subquery into system.tables', 'table system.tables is not available'],
    ['IN a table', 'x IN system.one is not allowed; use IN (SELECT …)'],
    ['rollup table', 'table transactions_minute is not available'],
    ['qualified table', 'table default.transactions is not available'],
    ['dictGet', 'function dictGet is not allowed'],
    ['sleep', 'function sleep is not allowed'],
    ['unbounded groupArray', 'groupArrayIf needs a size: write groupArrayIf(N)(x)'],
    ['APPLY', 'APPLY is not supported'],
    ['EXPLAIN as a subquery', 'table function viewExplain(…) is not allowed'],
    ['INSERT', 'only SELECT queries are allowed; this is INSERT'],
    ['DROP', 'only SELECT queries are allowed; this is DROP'],
    ['SHOW TABLES', 'only SELECT queries are allowed; this is SHOW TABLES'],
    ['EXPLAIN', 'only SELECT queries are allowed; this is EXPLAIN'],
  ])('refuses %s: "%s"', (name, detail) => {
    expect(check(name)).toThrow(SqlRefusal);
    expect(check(name)).toThrow(detail);
  });

  it('refuses every IN form with a name on the right', () => {
    for (const name of ['notIn', 'globalIn', 'globalNotIn', 'nullIn', 'notNullIn', 'globalNullIn', 'globalNotNullIn']) {
      const tree = selectOf(`Function ${name} (children 1)`, ' ExpressionList (children 2)', '  Identifier x', '  Identifier system.one');
      expect(() => checkSyntaxTree(parseExplainAst(tree))).toThrow('x IN system.one is not allowed');
    }
  });

  it('refuses node types it does not know', () => {
    const tree = selectOf('SomethingNew (children 1)', ' Identifier x');
    expect(() => checkSyntaxTree(parseExplainAst(tree))).toThrow('SomethingNew (line 5 of the syntax tree) is not supported by the SQL API');
  });

  it('refuses a function whose printed name is no plain name', () => {
    expect(() => checkSyntaxTree(parseExplainAst(selectOf('Function count x (children 1)', ' ExpressionList')))).toThrow('function count x is not allowed');
  });
});
