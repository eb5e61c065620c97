import { ItemResult, normalizeItem, parseItemJson, StoredItemKind } from '@pulse/model';
import { countSpanItems, exceedsJsonDepth, tooDeepReason } from '@pulse/protocol';

/** Why an item's bytes are not stored: the drop reason (drop-reasons.ts counts and words it). */
export type ItemRejection = 'invalid' | 'too_deep' | 'bad_item_count';

export type ReadItemResult = { ok: true; json: unknown; quantity: number } | { ok: false; drop: ItemRejection; reason: string };

/**
 * One stored item's bytes → its JSON and its quota cost, or why it is left out. The depth bound is
 * checked before JSON.parse, so nothing recursive ever sees a too-deep document; a span item costs
 * the spans it holds (checked against its declared `item_count`), every other item one.
 */
export function readStoredItem(kind: StoredItemKind, payload: Buffer, declaredCount: number | undefined): ReadItemResult {
  if (exceedsJsonDepth(payload)) return { ok: false, drop: 'too_deep', reason: tooDeepReason() };
  const parsed = parseItemJson(payload);
  if (!parsed.ok) return { ok: false, drop: 'invalid', reason: parsed.reason };
  if (kind !== 'span') return { ok: true, json: parsed.json, quantity: 1 };
  const counted = countSpanItems(parsed.json, declaredCount);
  if (!counted.ok) return { ok: false, drop: 'bad_item_count', reason: counted.reason };
  return { ok: true, json: parsed.json, quantity: Math.max(1, counted.spans) };
}

export type NormalizedItemResult = ItemResult | { ok: false; reason: string; causes: string[]; crashed: true };

/**
 * normalizeItem, with any exception it throws turned into an invalid item: a bug or an input no
 * rule foresaw costs that item, never the rest of the envelope (Relay drops only the bad item).
 */
export function normalizeItemSafely(kind: StoredItemKind, json: unknown, ctx: Parameters<typeof normalizeItem>[2]): NormalizedItemResult {
  try {
    return normalizeItem(kind, json, ctx);
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    return { ok: false, reason: `the item could not be processed (${name})`, causes: [], crashed: true };
  }
}
