import { hash } from 'node:crypto';
import { readSpanV2, SpanAttributes, SpanV2, SpanV2Batch } from '@pulse/protocol';
import { LIMITS, truncate } from './limits';
import { emptyRecords, NormalizedRecords } from './record-kinds';
import type { NormalizeContext } from './normalize-context';
import { normalizeSpanStatus, SpanStatus } from './span-status';
import type { SpanRecord } from './span.record';
import { AttributeReader, platformOf, spanDescription, transactionName } from './streamed-names';
import { toEpochMs } from './timestamps';
import { SPAN_DESCRIPTION_MAX } from './transaction-children';
import type { TransactionRecord } from './transaction.record';
import { parseUserAgent } from './user-agent';
import { userIdOf } from './user';
import type { WebVitalName, WebVitalRecord } from './web-vital.record';
import { vitalsOfAttributes, webVitalRecords } from './web-vitals';

/**
 * Streamed spans (span v2 batches) → the same records a classic transaction gives:
 * - a segment span (`is_segment: true`) is a TransactionRecord;
 * - every other span is a SpanRecord of its segment, except the `ui.webvital.*` marker spans (they
 *   only carry an LCP/CLS value; the classic generation has no such span either);
 * - each `browser.web_vital.<name>.value` attribute, on any span, is a WebVitalRecord.
 * A span that carries a vital from a `ui.webvital.*` / `ui.interaction.*` op is never a
 * transaction, even as the root of its trace (an INP span with no active page span is one): the
 * classic generation sends those as standalone spans, not transactions. Transaction names and span
 * descriptions take the classic forms (streamed-names.ts), so both generations group alike.
 */
export interface SpanBatchContext extends NormalizeContext {
  /**
   * Optional: the name of a transaction normalized earlier, by its span id. Spans whose segment came
   * in an earlier batch (LCP/CLS/INP sent when the page is hidden) then get the page's real name
   * rather than the SDK's placeholder (`Pageload`).
   */
  transactionNameOf?: (segmentSpanId: string) => string | undefined;
  /**
   * Optional: the batch's producer wrote every attribute itself and none is a web vital (the OTLP
   * mapping sets only its own `sentry.*` and convention keys), so no span is scanned for vitals.
   */
  withoutWebVitals?: boolean;
}

export interface SpanBatchResult {
  records: NormalizedRecords;
  /** Spans that were not valid, by index in `items`; the others are kept. */
  dropped: Array<{ index: number; reason: string }>;
}

/**
 * One pass over the items reads each span (readSpanV2) into a {@link StreamedSpan}: what every
 * later step needs (lower-case id, op, vital samples, an attribute reader) is computed there once.
 */
export function normalizeSpanBatch(batch: SpanV2Batch, ctx: SpanBatchContext): SpanBatchResult {
  const dropped: SpanBatchResult['dropped'] = [];
  const spans: StreamedSpan[] = [];
  const byId = new Map<string, StreamedSpan>();
  for (let index = 0; index < batch.items.length; index++) {
    const read = readSpanV2(batch.items[index]);
    if (!read.ok) dropped.push({ index, reason: read.detail });
    else if (read.value.end_timestamp < read.value.start_timestamp) dropped.push({ index, reason: 'invalid span: end_timestamp is before start_timestamp' });
    else {
      const span = streamedSpan(read.value, ctx.withoutWebVitals === true);
      spans.push(span);
      byId.set(span.id, span);
    }
  }

  const batchIndex: BatchIndex = { byId, segments: new Map() };
  const records = emptyRecords();
  for (const span of spans) {
    if (span.span.is_segment !== true || isVitalCarrier(span)) continue;
    const record = transactionRecord(span, ctx);
    batchIndex.segments.set(record.spanId, record);
    records.transactions.push(record);
  }
  for (const span of spans) {
    const link = segmentOf(span, batchIndex, ctx);
    if (!batchIndex.segments.has(span.id) && !span.op.startsWith('ui.webvital.')) records.spans.push(spanRecord(span, link, ctx));
    if (span.hasSamples) for (const vital of vitalRecords(span, link, batchIndex, ctx)) records.webVitals.push(vital);
  }
  return { records, dropped };
}

/** A read span and what is derived from it once. */
interface StreamedSpan {
  span: SpanV2;
  id: string;
  op: string;
  read: AttributeReader;
  samples: Partial<Record<WebVitalName, number>>;
  hasSamples: boolean;
}

function streamedSpan(span: SpanV2, withoutWebVitals: boolean): StreamedSpan {
  const attributes = span.attributes ?? undefined;
  const read: AttributeReader = (key) => attributeValue(attributes, key);
  const samples = withoutWebVitals ? {} : vitalsOfAttributes(attributes);
  return { span, id: span.span_id.toLowerCase(), op: text(read, 'sentry.op') ?? 'default', read, samples, hasSamples: Object.keys(samples).length > 0 };
}

function attributeValue(attributes: SpanAttributes | undefined, key: string): unknown {
  const entry = attributes?.[key];
  return entry !== null && typeof entry === 'object' ? entry.value : undefined;
}

/**
 * Streamed segments carry no event id. Pulse derives one: the first 32 hex characters of
 * SHA-256(`<trace_id>-<span_id>`, lower case), so a redelivered batch gives the same id and
 * deduplicates like a classic transaction resent with its event_id.
 */
export function segmentEventId(traceId: string, spanId: string): string {
  // crypto.hash (Node ≥ 20.12): the one-shot form, the same digest without a Hash object per segment.
  return hash('sha256', `${traceId.toLowerCase()}-${spanId.toLowerCase()}`, 'hex').slice(0, 32);
}

interface BatchIndex {
  byId: Map<string, StreamedSpan>;
  segments: Map<string, TransactionRecord>;
}

interface SegmentLink {
  segmentId: string;
  segment?: TransactionRecord;
  transactionName: string;
}

/** A non-empty string attribute. */
const text = (read: AttributeReader, key: string): string | undefined => {
  const value = read(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const str = (span: StreamedSpan, key: string): string | undefined => text(span.read, key);
const hex16 = (value: string | undefined): string | undefined => (value && /^[0-9a-fA-F]{16}$/.test(value) ? value.toLowerCase() : undefined);

function isVitalCarrier(span: StreamedSpan): boolean {
  return (span.op.startsWith('ui.webvital.') || span.op.startsWith('ui.interaction.')) && span.hasSamples;
}

function transactionRecord(span: StreamedSpan, ctx: NormalizeContext): TransactionRecord {
  const startTimestampMs = toEpochMs(span.span.start_timestamp);
  const timestampMs = toEpochMs(span.span.end_timestamp);
  const op = span.op;
  const source = str(span, 'sentry.segment.name.source') ?? 'unknown';
  const httpMethod = (str(span, 'http.request.method') ?? '').toUpperCase();
  const client = parseUserAgent(str(span, 'user_agent.original'));
  const sdkName = str(span, 'sentry.sdk.name') ?? '';
  const { status, code } = streamedStatus(span);
  return {
    projectId: ctx.projectId,
    eventId: segmentEventId(span.span.trace_id, span.span.span_id),
    traceId: span.span.trace_id.toLowerCase(),
    spanId: span.id,
    parentSpanId: (span.span.parent_span_id ?? '').toLowerCase(),
    name: truncate(transactionName(span.read, span.span.name, op, source, httpMethod), LIMITS.transactionName),
    source: truncate(source, LIMITS.shortField),
    op: truncate(op, LIMITS.op),
    status,
    statusCode: code,
    startTimestampMs,
    timestampMs,
    durationMs: timestampMs - startTimestampMs,
    release: truncate(str(span, 'sentry.release'), LIMITS.release),
    environment: truncate(str(span, 'sentry.environment') ?? 'production', LIMITS.environment),
    dist: truncate(str(span, 'sentry.dist'), LIMITS.dist),
    platform: truncate(platformOf(span.read, sdkName, op), LIMITS.shortField),
    sdkName: truncate(sdkName, LIMITS.shortField),
    sdkVersion: truncate(str(span, 'sentry.sdk.version'), LIMITS.shortField),
    userId: userOf(span),
    httpMethod: truncate(httpMethod, 16),
    httpStatusCode: httpStatusCode(span.read('http.response.status_code')),
    browserName: client.browserName,
    osName: truncate(str(span, 'os.name') ?? client.osName, LIMITS.shortField),
    // The SDK puts no scope tags on streamed spans (only typed attributes), so there are none.
    tags: {},
    // Only the vitals the segment itself carries (ttfb, fcp, fp); LCP/CLS/INP come as their own spans.
    measurements: span.samples,
    receivedAtMs: ctx.receivedAtMs,
  };
}

/** `ok` → ok; `error` → `sentry.status.message` when it names a status, else internal_error (as the SDK's own classic mapping). */
function streamedStatus(span: StreamedSpan): SpanStatus {
  const raw = span.span.status?.trim().toLowerCase();
  if (raw !== 'error') return normalizeSpanStatus(raw);
  const message = str(span, 'sentry.status.message')?.trim().toLowerCase() ?? '';
  const parsed = normalizeSpanStatus(message);
  const named = parsed.status !== 'ok' && (parsed.status !== 'unknown' || message === 'unknown' || message === 'unknown_error');
  return named ? parsed : normalizeSpanStatus('internal_error');
}

function userOf(span: StreamedSpan): string {
  return userIdOf({ id: span.read('user.id'), email: span.read('user.email'), username: span.read('user.name'), ip_address: span.read('user.ip_address') });
}

function httpStatusCode(raw: unknown): number {
  const code = typeof raw === 'string' ? Number(raw) : raw;
  return typeof code === 'number' && Number.isInteger(code) && code >= 100 && code <= 599 ? code : 0;
}

/** The segment a span belongs to: itself, `sentry.segment.id`, else its root in this batch. */
function segmentOf(span: StreamedSpan, batch: BatchIndex, ctx: SpanBatchContext): SegmentLink {
  const own = batch.segments.get(span.id);
  if (own) return { segmentId: own.spanId, segment: own, transactionName: own.name };
  const segmentId = hex16(str(span, 'sentry.segment.id')) ?? rootInBatch(span, batch.byId) ?? '';
  const segment = batch.segments.get(segmentId);
  const name = segment?.name ?? (segmentId ? ctx.transactionNameOf?.(segmentId) : undefined) ?? str(span, 'sentry.segment.name') ?? '';
  return { segmentId, segment, transactionName: truncate(name, LIMITS.transactionName) };
}

function rootInBatch(span: StreamedSpan, byId: Map<string, StreamedSpan>): string | undefined {
  let current: StreamedSpan | undefined = span;
  for (let hops = 0; current && hops <= byId.size; hops++) {
    if (current.span.is_segment === true) return current.id;
    current = current.span.parent_span_id ? byId.get(current.span.parent_span_id.toLowerCase()) : undefined;
  }
  return undefined;
}

function spanRecord(span: StreamedSpan, link: SegmentLink, ctx: NormalizeContext): SpanRecord {
  const startTimestampMs = toEpochMs(span.span.start_timestamp);
  const timestampMs = toEpochMs(span.span.end_timestamp);
  const { status, code } = streamedStatus(span);
  return {
    projectId: ctx.projectId,
    traceId: span.span.trace_id.toLowerCase(),
    spanId: span.id,
    parentSpanId: (span.span.parent_span_id ?? '').toLowerCase(),
    segmentId: link.segmentId,
    transactionName: link.transactionName,
    op: truncate(span.op, LIMITS.op),
    description: truncate(spanDescription(span.read, span.span.name, span.op), SPAN_DESCRIPTION_MAX),
    status,
    statusCode: code,
    startTimestampMs,
    timestampMs,
    durationMs: timestampMs - startTimestampMs,
    release: truncate(str(span, 'sentry.release') ?? link.segment?.release, LIMITS.release),
    environment: truncate(str(span, 'sentry.environment') ?? link.segment?.environment ?? 'production', LIMITS.environment),
    receivedAtMs: ctx.receivedAtMs,
  };
}

/**
 * A span's vital samples, tied to their page: the pageload (`sentry.pageload.span_id`), else the
 * span's segment. Page = that transaction's name when known (this batch, or `transactionNameOf`),
 * else `url.path`, else `sentry.segment.name`. Time = the carrying span's start.
 */
function vitalRecords(span: StreamedSpan, link: SegmentLink, batch: BatchIndex, ctx: SpanBatchContext): WebVitalRecord[] {
  if (!span.hasSamples) return [];
  const segmentId = link.segment?.spanId === span.id ? link.segmentId : (hex16(str(span, 'sentry.pageload.span_id')) ?? link.segmentId);
  const segment = batch.segments.get(segmentId);
  const page = segment?.name ?? (segmentId ? ctx.transactionNameOf?.(segmentId) : undefined) ?? str(span, 'url.path') ?? str(span, 'sentry.segment.name') ?? span.span.name;
  const segmentSpan = batch.byId.get(segmentId);
  const client = parseUserAgent(str(span, 'user_agent.original') ?? (segmentSpan && str(segmentSpan, 'user_agent.original')));
  return webVitalRecords(
    {
      projectId: ctx.projectId,
      page: truncate(page, LIMITS.transactionName),
      traceId: span.span.trace_id.toLowerCase(),
      segmentId,
      release: truncate(str(span, 'sentry.release') ?? segment?.release, LIMITS.release),
      environment: truncate(str(span, 'sentry.environment') ?? segment?.environment ?? 'production', LIMITS.environment),
      browserName: client.browserName,
      browserVersion: client.browserVersion,
      osName: truncate(str(span, 'os.name') ?? client.osName, LIMITS.shortField),
      userId: userOf(span) || (segment?.userId ?? ''),
      timestampMs: toEpochMs(span.span.start_timestamp),
      receivedAtMs: ctx.receivedAtMs,
    },
    span.samples,
  );
}
