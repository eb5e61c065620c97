import {
  ErrorEventDto,
  SessionAggregatesDto,
  SessionUpdateDto,
  SpanV2BatchDto,
  TransactionEventDto,
  validateFlatPayload,
  validatePayload,
} from '@pulse/protocol';
import { normalizeError } from './normalize-error';
import { normalizeSession, normalizeSessionAggregates } from './normalize-session';
import { normalizeSpanBatch, SpanBatchContext } from './normalize-spans';
import { NormalizeContext, normalizeTransaction } from './normalize-transaction';
import { emptyRecords, NormalizedRecords } from './normalized';
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
 * One stored envelope item (or store request body), parsed → records: validation against the
 * item's DTO, then normalization. Pure; every failure is a reason, never an exception.
 */
export function normalizeItem(kind: StoredItemKind, payload: unknown, ctx: NormalizeContext & SpanBatchContext): ItemResult {
  switch (kind) {
    case 'transaction': {
      const parsed = validatePayload(TransactionEventDto, payload, 'transaction event');
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeTransaction(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid transaction event: ${normalized.reason}`, causes: [] };
      const children = childrenOfTransaction(parsed.value, normalized.record, ctx);
      return {
        ok: true,
        records: { ...emptyRecords(), transactions: [normalized.record], spans: children.spans, webVitals: children.webVitals },
        partial: children.dropped.map(({ index, reason }) => `spans[${index}]: ${reason}`),
      };
    }
    case 'event': {
      const parsed = validatePayload(ErrorEventDto, payload, 'error event');
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeError(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid error event: ${normalized.reason}`, causes: [] };
      return { ok: true, records: { ...emptyRecords(), errors: [normalized.record] }, partial: [] };
    }
    case 'span': {
      const parsed = validateFlatPayload(SpanV2BatchDto, payload, 'span batch');
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const result = normalizeSpanBatch(parsed.value, ctx);
      const partial = result.dropped.map(({ index, reason }) => `items[${index}]: ${reason}`);
      if (partial.length === parsed.value.items.length && partial.length > 0) return { ok: false, reason: `invalid span batch: ${partial[0]}`, causes: partial };
      return { ok: true, records: result.records, partial };
    }
    case 'session': {
      const parsed = validatePayload(SessionUpdateDto, payload, 'session');
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeSession(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid session: ${normalized.reason}`, causes: [] };
      return { ok: true, records: { ...emptyRecords(), sessions: [normalized.record] }, partial: [] };
    }
    case 'sessions': {
      const parsed = validatePayload(SessionAggregatesDto, payload, 'session aggregates');
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeSessionAggregates(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid session aggregates: ${normalized.reason}`, causes: [] };
      return { ok: true, records: { ...emptyRecords(), sessions: normalized.record }, partial: [] };
    }
  }
}

/** Appends `more` to `into` (in place) — the records of every item of an envelope in one value. */
export function mergeRecords(into: NormalizedRecords, more: NormalizedRecords): NormalizedRecords {
  into.transactions.push(...more.transactions);
  into.spans.push(...more.spans);
  into.webVitals.push(...more.webVitals);
  into.errors.push(...more.errors);
  into.sessions.push(...more.sessions);
  return into;
}
