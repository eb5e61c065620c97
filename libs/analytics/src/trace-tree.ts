/** A row of a trace waterfall: a transaction (segment) or a span, linked by span ids. */
export interface WaterfallNode {
  spanId: string;
  /** '' for the root of the trace. */
  parentSpanId: string;
  startMs: number;
}

export interface PlacedNode<T> {
  node: T;
  /** 0 for a root; a child is one deeper than its parent. */
  depth: number;
}

/**
 * Orders the rows of a trace for a waterfall: depth first, the children of each row (and the
 * roots) by start time, ties in input order. Rows form one tree by parent span id; a row whose
 * parent is not among them (not sent, sampled out, outside the range or cut by a row limit)
 * becomes a root. Every row appears exactly once, whatever the data: the first row of a duplicated
 * span id is the parent of its children, and rows caught in a parent cycle (never reached from a
 * root) are placed by starting a new root at the earliest of them.
 */
export function waterfallOrder<T extends WaterfallNode>(nodes: readonly T[]): Array<PlacedNode<T>> {
  const indexOf = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (node.spanId !== '' && !indexOf.has(node.spanId)) indexOf.set(node.spanId, i);
  });
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  nodes.forEach((node, i) => {
    const parent = node.parentSpanId === '' ? undefined : indexOf.get(node.parentSpanId);
    if (parent === undefined || parent === i) {
      roots.push(i);
    } else {
      const siblings = children.get(parent) ?? [];
      siblings.push(i);
      children.set(parent, siblings);
    }
  });
  const byStart = (a: number, b: number): number => nodes[a].startMs - nodes[b].startMs || a - b;
  for (const siblings of children.values()) siblings.sort(byStart);

  const placed: Array<PlacedNode<T>> = [];
  const visited = new Set<number>();
  const walk = (root: number): void => {
    // Iterative: a long chain of nested spans must not exhaust the call stack.
    const stack: Array<{ index: number; depth: number }> = [{ index: root, depth: 0 }];
    while (stack.length > 0) {
      const { index, depth } = stack.pop() as { index: number; depth: number };
      if (visited.has(index)) continue;
      visited.add(index);
      placed.push({ node: nodes[index], depth });
      const next = children.get(index) ?? [];
      for (let k = next.length - 1; k >= 0; k--) stack.push({ index: next[k], depth: depth + 1 });
    }
  };
  for (const root of roots.sort(byStart)) walk(root);
  if (placed.length < nodes.length) {
    const unreached = nodes.map((_, i) => i).filter((i) => !visited.has(i)).sort(byStart);
    for (const start of unreached) walk(start);
  }
  return placed;
}
