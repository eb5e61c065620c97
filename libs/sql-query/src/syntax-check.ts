import type { AstNode } from './explain-tree';
import { checkFunction } from './function-allow-list';
import { isLogicalTable, LOGICAL_TABLES } from './logical-tables';
import { SqlRefusal } from './sql-refusal';

/**
 * Node types a SELECT over the logical tables is made of. Anything else (statements other than
 * SELECT, `SETTINGS`, `WITH x AS (subquery)`, INTERSECT/EXCEPT, `APPLY(fn)`, and whatever a
 * future ClickHouse adds) is refused: what this check does not know, it does not let through.
 */
const SELECT_NODE_TYPES = new Set([
  'SelectWithUnionQuery', 'SelectQuery', 'ExpressionList', 'Subquery',
  'TablesInSelectQuery', 'TablesInSelectQueryElement', 'TableExpression', 'TableIdentifier', 'TableJoin', 'ArrayJoin', 'SampleRatio',
  'Identifier', 'Literal', 'Function', 'OrderByElement', 'InterpolateElement', 'WindowDefinition', 'WindowListElement',
  'Asterisk', 'QualifiedAsterisk', 'ColumnsRegexpMatcher', 'ColumnsListMatcher', 'QualifiedColumnsRegexpMatcher', 'QualifiedColumnsListMatcher',
  'ColumnsTransformerList', 'ColumnsExceptTransformer', 'ColumnsReplaceTransformer', 'ColumnsReplaceTransformer::Replacement',
]);

/** Why a known node type is refused, in the user's words. */
const REFUSED_NODE_TYPES: Record<string, string> = {
  Set: 'SETTINGS is not allowed: the service sets the query settings',
  WithElement: 'WITH name AS (subquery) is not supported; put the subquery in FROM',
  SelectIntersectExceptQuery: 'INTERSECT and EXCEPT are not allowed: send one SELECT',
  ColumnsApplyTransformer: 'APPLY is not supported: call the function on the columns',
};

/** The IN family: with a bare name on the right, ClickHouse reads a whole table (`x IN system.one`). */
const IN_FUNCTIONS = new Set(['in', 'notin', 'globalin', 'globalnotin', 'nullin', 'notnullin', 'globalnullin', 'globalnotnullin']);

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const TABLE_LIST = LOGICAL_TABLES.join(', ');

/**
 * Validates ClickHouse's syntax tree of the user's SQL (see parseExplainAst): one SELECT, no
 * UNION, no FORMAT / INTO OUTFILE / SETTINGS, tables only the logical ones by their plain names,
 * no table functions, no `IN <table>`, functions only from the allow-list. Throws SqlRefusal
 * naming the first thing refused.
 */
export function checkSyntaxTree(root: AstNode): void {
  if (root.type !== 'SelectWithUnionQuery') throw new SqlRefusal(`only SELECT queries are allowed; this is ${describeStatement(root)}`);
  checkRootClauses(root);
  visit(root, undefined);
}

/** Children of the root after the SELECTs: `FORMAT x` (an Identifier), `INTO OUTFILE 'f'` (a Literal). */
function checkRootClauses(root: AstNode): void {
  const extra = root.children.slice(1);
  if (extra.some((node) => node.type === 'Literal')) throw new SqlRefusal('INTO OUTFILE is not allowed: the answer is the response body');
  const format = extra.find((node) => node.type === 'Identifier');
  if (format) throw new SqlRefusal(`FORMAT ${format.detail} is not allowed: the answer is always JSON`);
  if (extra.length > 0) throw new SqlRefusal('only one plain SELECT is allowed');
}

function visit(node: AstNode, parent: AstNode | undefined): void {
  checkNode(node, parent);
  for (const child of node.children) visit(child, node);
}

function checkNode(node: AstNode, parent: AstNode | undefined): void {
  const refused = REFUSED_NODE_TYPES[node.type];
  if (refused) throw new SqlRefusal(refused);
  if (!SELECT_NODE_TYPES.has(node.type)) throw new SqlRefusal(`${node.type} (line ${node.line} of the syntax tree) is not supported by the SQL API`);
  switch (node.type) {
    case 'SelectWithUnionQuery':
      return checkSingleSelect(node);
    case 'TableIdentifier':
      if (!isLogicalTable(node.detail)) {
        throw new SqlRefusal(`table ${node.detail} is not available; the SQL API reads ${TABLE_LIST}, written without a database`);
      }
      return;
    case 'Function':
      if (parent?.type === 'TableExpression') {
        throw new SqlRefusal(`table function ${node.detail}(…) is not allowed; read from ${TABLE_LIST}`);
      }
      return checkFunctionCall(node);
  }
}

/** A SelectWithUnionQuery holds a list of SELECTs: exactly one, or it is a UNION. */
function checkSingleSelect(node: AstNode): void {
  const selects = node.children[0];
  if (selects?.type !== 'ExpressionList') throw new SqlRefusal(`the query could not be checked: unexpected syntax tree at line ${node.line}`);
  if (selects.children.length !== 1) throw new SqlRefusal('UNION is not allowed: send one SELECT');
  const only = selects.children[0];
  if (only.type !== 'SelectQuery' && only.type !== 'SelectIntersectExceptQuery') {
    throw new SqlRefusal(`the query could not be checked: unexpected ${only.type} at line ${only.line}`);
  }
}

function checkFunctionCall(node: AstNode): void {
  const name = node.detail;
  if (!FUNCTION_NAME.test(name)) throw new SqlRefusal(`function ${name} is not allowed`);
  // f(args) has one ExpressionList child; a parametric call f(params)(args) has two.
  const verdict = checkFunction(name, node.children.length === 2);
  if (!verdict.allowed) throw new SqlRefusal(verdict.reason);
  if (IN_FUNCTIONS.has(name.toLowerCase())) {
    const right = node.children[0]?.children[1];
    if (right?.type === 'Identifier') throw new SqlRefusal(`x IN ${right.detail} is not allowed; use IN (SELECT …)`);
  }
}

/** `InsertQuery` → `INSERT`, `ShowTables` → `SHOW TABLES`: what the user wrote, roughly. */
function describeStatement(node: AstNode): string {
  const words = node.type.replace(/Query$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  return node.type === 'Explain' ? 'EXPLAIN' : words;
}
