/**
 * Counts a client declares are checked against what it sent. A span v2 item's header carries
 * `item_count`, and the quota of the span category is charged per span: trusting the header let
 * one request of `item_count: 9007199254740991` put a key in debt for longer than the universe has
 * existed. Relay refuses a container whose `item_count` differs from its items; so does Pulse, and
 * the charge is the number of spans actually in the payload.
 */

/** Most spans one span item may hold: the JavaScript SDK flushes at 1,000 (`MAX_SPANS_PER_ENVELOPE`). */
export const MAX_SPANS_PER_ITEM = 1000;

export type SpanCountResult = { ok: true; spans: number } | { ok: false; reason: string };

/**
 * The number of spans in a parsed span v2 payload (`{"items": [...]}`), checked against the
 * declared `item_count` and the bound. A payload without an `items` list counts 0 spans; its
 * validation names what is wrong with it.
 */
export function countSpanItems(payload: unknown, declared: number | undefined, maxSpans = MAX_SPANS_PER_ITEM): SpanCountResult {
  const items = typeof payload === 'object' && payload !== null ? (payload as { items?: unknown }).items : undefined;
  const spans = Array.isArray(items) ? items.length : 0;
  if (spans > maxSpans) return { ok: false, reason: `${spans} spans in one item, more than the ${maxSpans} allowed` };
  if (declared !== undefined && declared !== spans) {
    return { ok: false, reason: `item_count ${declared} does not match the ${spans} spans of the payload` };
  }
  return { ok: true, spans };
}
