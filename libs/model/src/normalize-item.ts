import { readErrorEvent, readSessionAggregates, readSessionUpdate, readSpanBatch, readTransactionEvent } from '@pulse/protocol';
import { normalizeError } from './normalize-error';
import { normalizeSession, normalizeSessionAggregates } from './normalize-session';
import { normalizeSpanBatch, SpanBatchContext } from './normalize-spans';
import { NormalizeContext, normalizeTransaction } from './normalize-transaction';
import type { NormalizedRecords } from './record-kinds';
import { childrenOfTransaction } from './transaction-children';

/** The envelope item types Pulse stores. */
export type StoredItemKind = 'event' | 'transaction' | 'span' | 'session' | 'sessions';

export type ItemResult =
  | { ok: true; records: NormalizedRecords; /** parts of the item left out (one bad span of a batch) */ partial: string[] }
  | { ok: false; reason: string; causes: string[] };

/** JSON of an item payload; the one place an item's bytes are parsed. */
export function parseItemJson(payload: Buffer): { ok: true; json: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, json: JSON.parse(payload.toString('utf8')) };
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * One stored envelope item (or store request body), parsed → records: the item's reader
 * (libs/protocol: hand-written checks on the parsed JSON, no copy) then normalization. Pure; every
 * failure is a reason, never an exception.
 */
export function normalizeItem(kind: StoredItemKind, payload: unknown, ctx: NormalizeContext & SpanBatchContext): ItemResult {
  switch (kind) {
    case 'transaction': {
      const parsed = readTransactionEvent(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeTransaction(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid transaction event: ${normalized.reason}`, causes: [] };
      const children = childrenOfTransaction(parsed.value, normalized.record, ctx);
      return {
        ok: true,
        records: { transactions: [normalized.record], spans: children.spans, webVitals: children.webVitals, errors: [], sessions: [] },
        partial: children.dropped.map(({ index, reason }) => `spans[${index}]: ${reason}`),
      };
    }
    case 'event': {
      const parsed = readErrorEvent(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeError(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid error event: ${normalized.reason}`, causes: [] };
      return { ok: true, records: { transactions: [], spans: [], webVitals: [], errors: [normalized.record], sessions: [] }, partial: [] };
    }
    case 'span': {
      const parsed = readSpanBatch(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const result = normalizeSpanBatch(parsed.value, ctx);
      const partial = result.dropped.map(({ index, reason }) => `items[${index}]: ${reason}`);
      if (partial.length === parsed.value.items.length && partial.length > 0) return { ok: false, reason: `invalid span batch: ${partial[0]}`, causes: partial };
      return { ok: true, records: result.records, partial };
    }
    case 'session': {
      const parsed = readSessionUpdate(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeSession(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid session: ${normalized.reason}`, causes: [] };
      return { ok: true, records: { transactions: [], spans: [], webVitals: [], errors: [], sessions: [normalized.record] }, partial: [] };
    }
    case 'sessions': {
      const parsed = readSessionAggregates(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeSessionAggregates(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid session aggregates: ${normalized.reason}`, causes: [] };
      return { ok: true, records: { transactions: [], spans: [], webVitals: [], errors: [], sessions: normalized.record }, partial: [] };
    }
  }
}

/**
 * Appends `more` to `into` (in place) — the records of every item of an envelope in one value.
 * A loop rather than `push(...list)`: a batch of 1,000 spans would be 1,000 call arguments.
 */
export function mergeRecords(into: NormalizedRecords, more: NormalizedRecords): NormalizedRecords {
  append(into.transactions, more.transactions);
  append(into.spans, more.spans);
  append(into.webVitals, more.webVitals);
  append(into.errors, more.errors);
  append(into.sessions, more.sessions);
  return into;
}

function append<T>(into: T[], more: readonly T[]): void {
  for (let i = 0; i < more.length; i++) into.push(more[i]);
}
