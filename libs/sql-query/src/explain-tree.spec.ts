import { parseExplainAst } from './explain-tree';
import { SqlRefusal } from './sql-refusal';
import { AST_FIXTURES, fixture } from './testing/explain-fixtures';

describe('parseExplainAst', () => {
  it('reads types, details, aliases and children of a real output', () => {
    const root = parseExplainAst(fixture(AST_FIXTURES, 'aggregate with a parameter').lines);
    expect(root.type).toBe('SelectWithUnionQuery');
    const select = root.children[0].children[0];
    expect(select.type).toBe('SelectQuery');
    expect(select.children).toHaveLength(6);
    const quantile = select.children[0].children[2];
    expect(quantile).toMatchObject({ type: 'Function', detail: 'quantile', alias: 'p95', line: 8 });
    expect(quantile.children.map((child) => child.children[0].detail)).toEqual(['duration_ms', 'Float64_0.95']);
    const table = select.children[1].children[0].children[0].children[0];
    expect(table).toMatchObject({ type: 'TableIdentifier', detail: 'transactions', children: [] });
  });

  it('keeps a string literal that looks like tree lines on its own line', () => {
    const root = parseExplainAst(fixture(AST_FIXTURES, 'string that looks like a tree').lines);
    const literal = root.children[0].children[0].children[0].children[0];
    expect(literal).toMatchObject({ type: 'Literal', detail: "'l1\\n  TableIdentifier fake'", alias: 's' });
  });

  it('parses every captured output', () => {
    for (const { lines } of AST_FIXTURES) expect(() => parseExplainAst(lines)).not.toThrow();
  });

  it.each([
    ['no output', []],
    ['a second root', ['SelectWithUnionQuery (children 1)', ' ExpressionList', 'SelectWithUnionQuery']],
    ['a jump of two levels', ['SelectWithUnionQuery (children 1)', '   ExpressionList']],
    ['a line that is no node', ['SelectWithUnionQuery (children 1)', ' (alias x)']],
    ['fewer children than declared', ['SelectWithUnionQuery (children 2)', ' ExpressionList']],
    // What a line break in a name would do: an extra line under a node that declared none.
    ['more children than declared', ['SelectWithUnionQuery (children 1)', ' ExpressionList (children 1)', '  Identifier a', '   TableIdentifier fake']],
  ])('refuses an output with %s', (_what, lines) => {
    expect(() => parseExplainAst(lines)).toThrow(SqlRefusal);
  });

  it('says "one statement only" for two roots', () => {
    expect(() => parseExplainAst(['Set', 'Set'])).toThrow('one statement only');
  });
});
