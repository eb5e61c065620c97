import { readClientReport, readErrorEvent, readSessionAggregates, readSessionUpdate, readSpanBatch, readTransactionEvent } from '@pulse/protocol';
import { ClientReportContext, normalizeClientReport } from './normalize-client-report';
import { normalizeError } from './normalize-error';
import { normalizeSession, normalizeSessionAggregates } from './normalize-session';
import { normalizeSpanBatch, SpanBatchContext } from './normalize-spans';
import type { NormalizeContext } from './normalize-context';
import { normalizeTransaction } from './normalize-transaction';
import { NormalizedRecords, RecordKind, recordsOf } from './record-kinds';
import { childrenOfTransaction } from './transaction-children';

/** The envelope item types Pulse stores. */
export type StoredItemKind = 'event' | 'transaction' | 'span' | 'session' | 'sessions' | 'client_report';

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
export function normalizeItem(kind: StoredItemKind, payload: unknown, ctx: NormalizeContext & SpanBatchContext & ClientReportContext): ItemResult {
  switch (kind) {
    case 'transaction': {
      const parsed = readTransactionEvent(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeTransaction(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid transaction event: ${normalized.reason}`, causes: [] };
      const children = childrenOfTransaction(parsed.value, normalized.record, ctx);
      const records = recordsOf(RecordKind.Transaction, [normalized.record]);
      records.spans = children.spans;
      records.webVitals = children.webVitals;
      return {
        ok: true,
        records,
        partial: children.dropped.map(({ index, reason }) => `spans[${index}]: ${reason}`),
      };
    }
    case 'event': {
      const parsed = readErrorEvent(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeError(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid error event: ${normalized.reason}`, causes: [] };
      return { ok: true, records: recordsOf(RecordKind.Error, [normalized.record]), partial: [] };
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
      return { ok: true, records: recordsOf(RecordKind.Session, [normalized.record]), partial: [] };
    }
    case 'sessions': {
      const parsed = readSessionAggregates(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeSessionAggregates(parsed.value, ctx);
      if (!normalized.ok) return { ok: false, reason: `invalid session aggregates: ${normalized.reason}`, causes: [] };
      return { ok: true, records: recordsOf(RecordKind.Session, normalized.record), partial: [] };
    }
    case 'client_report': {
      const parsed = readClientReport(payload);
      if (!parsed.ok) return { ok: false, reason: parsed.detail, causes: parsed.causes };
      const normalized = normalizeClientReport(parsed.value, ctx);
      return { ok: true, records: recordsOf(RecordKind.ClientReport, normalized.records), partial: normalized.dropped };
    }
  }
}
