import { waterfallOrder } from './trace-tree';

const node = (spanId: string, parentSpanId: string, startMs: number) => ({ spanId, parentSpanId, startMs });
const order = (nodes: Array<ReturnType<typeof node>>) => waterfallOrder(nodes).map(({ node: n, depth }) => `${n.spanId}@${depth}`);

describe('waterfallOrder', () => {
  it('walks depth first, children by start time, whatever the input order', () => {
    const nodes = [
      node('b2', 'a', 30),
      node('c1', 'b1', 15),
      node('a', '', 0),
      node('b1', 'a', 10),
      node('c2', 'b1', 12),
    ];
    expect(order(nodes)).toEqual(['a@0', 'b1@1', 'c2@2', 'c1@2', 'b2@1']);
  });

  it('nests a child transaction under the span of another transaction that called it', () => {
    // Transaction t1 (span ids are the tree's ids), its span s1, and transaction t2 whose parent is s1.
    const nodes = [node('t1', '', 0), node('s1', 't1', 5), node('t2', 's1', 6), node('s2', 't2', 7), node('s3', 't1', 50)];
    expect(order(nodes)).toEqual(['t1@0', 's1@1', 't2@2', 's2@3', 's3@1']);
  });

  it('makes a row whose parent is missing a root, placed among the roots by start time', () => {
    const nodes = [node('a', '', 0), node('orphan', 'gone', 5), node('b', 'a', 10), node('child', 'orphan', 6)];
    expect(order(nodes)).toEqual(['a@0', 'b@1', 'orphan@0', 'child@1']);
  });

  it('keeps input order for equal start times and treats a self-parent as a root', () => {
    expect(order([node('x', 'x', 0), node('y', '', 0), node('z', 'y', 1)])).toEqual(['x@0', 'y@0', 'z@1']);
  });

  it('places every row of a parent cycle once instead of looping', () => {
    const nodes = [node('root', '', 0), node('p', 'q', 20), node('q', 'p', 10), node('r', 'q', 30)];
    expect(order(nodes)).toEqual(['root@0', 'q@0', 'p@1', 'r@1']);
    const selfContained = [node('a', 'b', 1), node('b', 'c', 2), node('c', 'a', 3)];
    expect(order(selfContained)).toEqual(['a@0', 'c@1', 'b@2']);
  });

  it('shows a duplicated span id twice, the first one as parent of the children', () => {
    const nodes = [node('a', '', 0), node('d', 'a', 1), node('d', 'a', 2), node('e', 'd', 3)];
    expect(order(nodes)).toEqual(['a@0', 'd@1', 'e@2', 'd@1']);
  });

  it('handles a chain deeper than the call stack allows recursion for', () => {
    const chain = Array.from({ length: 50_000 }, (_, i) => node(`s${i}`, i === 0 ? '' : `s${i - 1}`, i));
    const placed = waterfallOrder(chain);
    expect(placed).toHaveLength(50_000);
    expect(placed[49_999].depth).toBe(49_999);
  });

  it('answers nothing for no rows', () => {
    expect(waterfallOrder([])).toEqual([]);
  });
});
