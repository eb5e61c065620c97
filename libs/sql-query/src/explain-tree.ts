import { SqlRefusal } from './sql-refusal';

/**
 * One node of ClickHouse's `EXPLAIN AST` output, e.g. the line
 * `   Function quantile (alias p) (children 2)` is type `Function`, detail `quantile`, alias `p`
 * and two children (the argument list, then the parameter list).
 */
export interface AstNode {
  type: string;
  /** What follows the type: a function or table name, a literal, an identifier; '' for none. */
  detail: string;
  alias?: string;
  children: AstNode[];
  /** 1-based line of the output, for messages. */
  line: number;
}

/** Indentation (one space per level), the node type (`ColumnsReplaceTransformer::Replacement` too), the rest. */
const LINE = /^( *)([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)?)(?: +(.*))?$/s;
const CHILDREN = /^(.*?) *\(children (\d+)\)$/s;
const ALIAS = /^(.*?) \(alias (.*)\)$/s;

/**
 * The tree of an `EXPLAIN AST` output, one line per node, each level indented one space more than
 * its parent. String literals are printed escaped on one line, and the text checks keep line
 * breaks out of names, so every line is a node. The parse is strict all the same: a line that is
 * no node, a jump of more than one level, a second root, or a node whose children differ from the
 * `(children N)` ClickHouse printed for it means the output is not what this parser understands,
 * and the query is refused rather than half-checked.
 */
export function parseExplainAst(lines: readonly string[]): AstNode {
  if (lines.length === 0) throw unreadable(0, 'no output');
  const stack: AstNode[] = [];
  const declared = new Map<AstNode, number>();
  let root: AstNode | undefined;
  lines.forEach((text, index) => {
    const lineNo = index + 1;
    const match = LINE.exec(text);
    if (!match) throw unreadable(lineNo, text);
    const depth = match[1].length;
    const { node, children } = readNode(match[2], match[3] ?? '', lineNo);
    declared.set(node, children);
    if (depth === 0) {
      if (root) throw new SqlRefusal('one statement only');
      root = node;
    } else {
      const parent = stack[depth - 1];
      if (!parent || depth > stack.length) throw unreadable(lineNo, text);
      parent.children.push(node);
    }
    stack.length = depth;
    stack.push(node);
  });
  for (const [node, count] of declared) {
    if (node.children.length !== count) throw unreadable(node.line, `${node.type} declares ${count} children and has ${node.children.length}`);
  }
  return root as AstNode;
}

function readNode(type: string, rest: string, line: number): { node: AstNode; children: number } {
  let text = rest;
  let children = 0;
  const counted = CHILDREN.exec(text);
  if (counted) {
    text = counted[1];
    children = Number(counted[2]);
  }
  const aliased = ALIAS.exec(text);
  const node: AstNode = { type, detail: (aliased ? aliased[1] : text).trim(), children: [], line };
  if (aliased) node.alias = aliased[2];
  return { node, children };
}

function unreadable(line: number, what: string): SqlRefusal {
  return new SqlRefusal(`the query could not be checked: unexpected syntax tree at line ${line} (${what.slice(0, 80)})`);
}
