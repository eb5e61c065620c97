import { ClassicSpan, readClassicSpan, TransactionEvent } from '@pulse/protocol';
import { LIMITS, truncate } from './limits';
import type { NormalizeContext } from './normalize-context';
import { normalizeSpanStatus } from './span-status';
import type { SpanRecord } from './span.record';
import { toEpochMs } from './timestamps';
import type { TransactionRecord } from './transaction.record';
import { clientOfEvent } from './user-agent';
import type { WebVitalName, WebVitalRecord } from './web-vital.record';
import { isWebVitalName, measurementToVitalValue, webVitalRecords } from './web-vitals';

/** Longest span description kept (SQL statements, URLs); longer ones are cut. */
export const SPAN_DESCRIPTION_MAX = 2000;

export interface TransactionChildren {
  spans: SpanRecord[];
  webVitals: WebVitalRecord[];
  /** `spans[]` entries that were not valid, by index; the rest of the transaction is kept. */
  dropped: Array<{ index: number; reason: string }>;
}

/**
 * The classic generation's children of a normalized transaction: one SpanRecord per valid entry of
 * `spans[]` and one WebVitalRecord per Web Vital in `measurements` (values converted to ms). They
 * carry the transaction's trace, name, release and environment, like their streamed equivalents.
 *
 * The transaction reader does not check `spans`: each entry is read here (readClassicSpan) as its
 * record is built, so a bad one drops only itself. Pure: no I/O, no clock.
 */
export function childrenOfTransaction(event: TransactionEvent, record: TransactionRecord, ctx: NormalizeContext): TransactionChildren {
  const raw = event.spans;
  const items: readonly unknown[] = Array.isArray(raw) ? raw : [];
  const dropped: TransactionChildren['dropped'] = [];
  const spans: SpanRecord[] = [];
  for (let index = 0; index < items.length; index++) {
    const read = readClassicSpan(items[index]);
    if (!read.ok) {
      dropped.push({ index, reason: read.detail });
      continue;
    }
    const span = classicSpanRecord(read.value, record, ctx);
    if (span) spans.push(span);
    else dropped.push({ index, reason: 'invalid span: timestamp is before start_timestamp' });
  }
  return { spans, webVitals: measurementVitals(event, record), dropped };
}

function classicSpanRecord(span: ClassicSpan, record: TransactionRecord, ctx: NormalizeContext): SpanRecord | undefined {
  const startTimestampMs = toEpochMs(span.start_timestamp);
  const timestampMs = toEpochMs(span.timestamp);
  if (timestampMs < startTimestampMs) return undefined;
  const { status, code } = normalizeSpanStatus(span.status);
  return {
    projectId: ctx.projectId,
    traceId: (span.trace_id ?? record.traceId).toLowerCase(),
    spanId: span.span_id.toLowerCase(),
    parentSpanId: (span.parent_span_id ?? '').toLowerCase(),
    segmentId: record.spanId,
    transactionName: record.name,
    op: truncate(span.op || 'default', LIMITS.op),
    description: truncate(span.description, SPAN_DESCRIPTION_MAX),
    status,
    statusCode: code,
    startTimestampMs,
    timestampMs,
    durationMs: timestampMs - startTimestampMs,
    release: record.release,
    environment: record.environment,
    receivedAtMs: ctx.receivedAtMs,
  };
}

/**
 * Web Vitals of `measurements` (case-insensitive names; only the vitals of WebVitalName; unusable
 * values or units skipped). Tied to the transaction: page = its name, segmentId = its span id,
 * timestamp = its start (which is also when a streamed pageload and its LCP span start).
 */
function measurementVitals(event: TransactionEvent, record: TransactionRecord): WebVitalRecord[] {
  const measurements = event.measurements;
  if (measurements === null || measurements === undefined) return [];
  const samples: Partial<Record<WebVitalName, number>> = {};
  let found = false;
  // One walk over the measurements (a handful), matching names case-insensitively; a later
  // spelling of the same vital wins, as it did when they were collected in a Map.
  for (const name in measurements) {
    const vital = name.toLowerCase();
    if (!isWebVitalName(vital)) continue;
    const value = measurementToVitalValue(vital, measurements[name] ?? undefined);
    if (value !== undefined) samples[vital] = value;
    else delete samples[vital];
    found = true;
  }
  if (!found) return [];
  const client = clientOfEvent(event);
  return webVitalRecords(
    {
      projectId: record.projectId,
      page: record.name,
      traceId: record.traceId,
      segmentId: record.spanId,
      release: record.release,
      environment: record.environment,
      browserName: client.browserName,
      browserVersion: client.browserVersion,
      osName: client.osName,
      userId: record.userId,
      timestampMs: record.startTimestampMs,
      receivedAtMs: record.receivedAtMs,
    },
    samples,
  );
}
