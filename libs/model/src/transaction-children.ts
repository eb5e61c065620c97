import { ClassicSpanDto, TransactionEventDto, validateEach } from '@pulse/protocol';
import { LIMITS, truncate } from './limits';
import type { NormalizeContext } from './normalize-transaction';
import { normalizeSpanStatus } from './span-status';
import type { SpanRecord } from './span.record';
import { toEpochMs } from './timestamps';
import type { TransactionRecord } from './transaction.record';
import { clientOfEvent } from './user-agent';
import { userIdOf } from './user';
import type { WebVitalName, WebVitalRecord } from './web-vital.record';
import { WEB_VITALS, measurementToVitalValue, webVitalRecords } from './web-vitals';

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
 * TransactionEventDto does not declare `spans`, so they are read from the validated object (which
 * keeps unknown fields) and checked one by one with ClassicSpanDto. Pure: no I/O, no clock.
 */
export function childrenOfTransaction(dto: TransactionEventDto, record: TransactionRecord, ctx: NormalizeContext): TransactionChildren {
  const raw = (dto as unknown as { spans?: unknown }).spans;
  const checked = validateEach(ClassicSpanDto, Array.isArray(raw) ? raw : [], 'span');
  const dropped = [...checked.invalid];
  const spans: SpanRecord[] = [];
  for (const { index, value } of checked.valid) {
    const span = classicSpanRecord(value, record, ctx);
    if (span) spans.push(span);
    else dropped.push({ index, reason: 'invalid span: timestamp is before start_timestamp' });
  }
  return { spans, webVitals: measurementVitals(dto, record), dropped };
}

function classicSpanRecord(span: ClassicSpanDto, record: TransactionRecord, ctx: NormalizeContext): SpanRecord | undefined {
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
function measurementVitals(dto: TransactionEventDto, record: TransactionRecord): WebVitalRecord[] {
  const byName = new Map(Object.entries(dto.measurements ?? {}).map(([name, measurement]) => [name.toLowerCase(), measurement]));
  const samples: Partial<Record<WebVitalName, number>> = {};
  for (const vital of WEB_VITALS) {
    const value = measurementToVitalValue(vital, byName.get(vital));
    if (value !== undefined) samples[vital] = value;
  }
  const client = clientOfEvent(dto);
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
      userId: userIdOf(dto.user),
      timestampMs: record.startTimestampMs,
      receivedAtMs: record.receivedAtMs,
    },
    samples,
  );
}
