import type { StoredItemKind } from '@pulse/model';
import { itemKind } from '@pulse/protocol';
import { countSkippedItem, Drop, recordDrop, Refusal } from '../drop-reasons';
import type { IngestMetrics } from '../ingest.metrics';
import { readStoredItem } from '../stored-item';
import type { RequestItem } from './frame.step';

/** One stored item of the request: its place, kind, quota cost and parsed JSON. */
export interface StoredItem {
  index: number;
  kind: StoredItemKind;
  quantity: number;
  json: unknown;
  /** The item's bytes as sent (decompressed): an error keeps them as its event JSON (normalize.step.ts). */
  payload: Buffer;
}

/**
 * items, first half (before the quotas, which charge what this finds): each item's kind, then
 * the session bound, then its bytes (depth, JSON, span count: stored-item.ts). Types Pulse does
 * not store are counted and skipped; an item that cannot be stored is counted and dropped into
 * `drops`. Every item dropped and none left is a refusal naming them.
 */
export function readItems(items: readonly RequestItem[], maxSessions: number, drops: Drop[], metrics: IngestMetrics): StoredItem[] | Refusal {
  const stored: StoredItem[] = [];
  let sessions = 0;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    const kind = itemKind(item.type);
    if (kind === 'dropped' || kind === 'unknown') {
      countSkippedItem(metrics, item.type, kind);
      continue;
    }
    if ((kind === 'session' || kind === 'sessions') && ++sessions > maxSessions) {
      recordDrop(metrics, drops, { drop: 'too_many_sessions', index, kind, max: maxSessions });
      continue;
    }
    // The store endpoint's event arrives parsed (and depth-checked); envelope items are read here.
    const read = item.json !== undefined ? { ok: true as const, json: item.json, quantity: 1 } : readStoredItem(kind, item.payload, item.itemCount);
    if (!read.ok) {
      recordDrop(metrics, drops, { drop: read.drop, index, kind, reason: read.reason });
      continue;
    }
    stored.push({ index, kind, quantity: read.quantity, json: read.json, payload: item.payload });
  }
  if (stored.length === 0 && drops.length > 0) return { refusal: 'nothing_stored', drops };
  return stored;
}
