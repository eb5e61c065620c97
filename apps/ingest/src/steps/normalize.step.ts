import { applyTimeRules, ClientReportContext, clockDriftMs, emptyRecords, EventJsonBudget, mergeRecords, NormalizeContext, NormalizedRecords, RECORD_KINDS, SpanBatchContext } from '@pulse/model';
import { countDrop, Drop, recordDrop, Refusal } from '../drop-reasons';
import { IngestMetrics, RECORD_KIND_LABEL } from '../ingest.metrics';
import type { SegmentNames } from '../segment-names';
import { normalizeItemSafely } from '../stored-item';
import { CATEGORY, Quota } from './limit.step';
import type { StoredItem } from './read-items.step';

/**
 * items, second half (after the quotas): each stored item of a category within quota is
 * normalized into records (an exception costs that item only: stored-item.ts); transactions'
 * names are remembered for later Web Vitals (segment-names.ts). Parts of an item left out are
 * named in `drops`; invalid items too, after the rest, unless every item is invalid: then the
 * request is refused, naming them. Each error keeps its item's bytes as its event JSON, bounded
 * per event and per request (@pulse/model event-json.ts): the text as sent, no re-serialization.
 */
export function normalizeItems(
  stored: readonly StoredItem[],
  limited: Quota['limited'],
  ctx: NormalizeContext & SpanBatchContext & ClientReportContext,
  segmentNames: SegmentNames,
  drops: Drop[],
  metrics: IngestMetrics,
): NormalizedRecords | Refusal {
  const records = emptyRecords();
  let invalid: Drop[] | undefined;
  const eventJson = new EventJsonBudget();
  for (const item of stored) {
    const category = CATEGORY[item.kind];
    if (category !== undefined && limited?.has(category)) {
      recordDrop(metrics, drops, { drop: 'rate_limited', index: item.index, kind: item.kind });
      continue;
    }
    const result = normalizeItemSafely(item.kind, item.json, ctx);
    if (!result.ok) {
      const drop: Drop = { drop: 'crashed' in result ? 'processing_error' : 'invalid', index: item.index, kind: item.kind, reason: result.reason };
      countDrop(metrics, drop);
      (invalid ??= []).push(drop);
      continue;
    }
    // An `event` item yields exactly one error; the normalizer leaves eventJson '' for this step.
    if (item.kind === 'event') for (const error of result.records.errors) error.eventJson = eventJson.take(item.payload, item.json);
    mergeRecords(records, result.records);
    for (const transaction of result.records.transactions) segmentNames.remember(transaction.spanId, transaction.name);
    for (const reason of result.partial) recordDrop(metrics, drops, { drop: 'partial', index: item.index, kind: item.kind, reason });
  }
  if (invalid !== undefined) {
    if (invalid.length === stored.length) return { refusal: 'nothing_stored', drops: invalid };
    for (const drop of invalid) drops.push(drop);
  }
  return records;
}

/**
 * time rules (@pulse/model clock.ts) on the request's records: the clock drift of `sent_at`
 * corrected, a time outside the window moved to the receive time (counted per kind), a time
 * ClickHouse cannot store dropped into `drops`.
 */
export function applyRecordTimeRules(records: NormalizedRecords, sentAt: string | undefined, receivedAtMs: number, drops: Drop[], metrics: IngestMetrics): NormalizedRecords {
  const timed = applyTimeRules(records, clockDriftMs(sentAt ? Date.parse(sentAt) : undefined, receivedAtMs), receivedAtMs);
  for (const refused of timed.dropped) recordDrop(metrics, drops, { drop: 'invalid_timestamp', record: refused.kind, reason: refused.reason });
  for (const kind of RECORD_KINDS) {
    const clamped = timed.clamped[kind];
    if (clamped > 0) metrics.clampedTimestamps.inc({ kind: RECORD_KIND_LABEL[kind] }, clamped);
  }
  return timed.records;
}
