/**
 * CONTRACT FILE (signature shared with the ingest route; the body is written by the OTLP mapping
 * work): an OTLP trace export → Pulse records, as docs/otlp.md writes down.
 *
 * As Sentry's Relay does for OTLP (relay-spans `otel_to_sentry_span`), each OpenTelemetry span is
 * first rewritten as a streamed Sentry span (span v2, with the `sentry.*` attributes a Sentry SDK
 * sets) and the whole request is then normalized by the streamed spans' own normalizer
 * (normalizeSpanBatch): OTLP data lands in exactly the records Sentry data does, named and grouped
 * alike. What OpenTelemetry says differently is translated here and in the modules beside it:
 * the resource (otlp-resource.ts), op, name and status (otlp-span-data.ts), segments and refused
 * spans (otlp-segments.ts), exception events (otlp-exceptions.ts, stack-trace-text.ts).
 */
import type { OtlpSpan, OtlpTracesRequest, SpanAttributes, SpanV2 } from '@pulse/protocol';
import type { EventJsonBudget } from '../event-json';
import { normalizeSpanBatch, SpanBatchContext } from '../normalize-spans';
import type { NormalizedRecords } from '../record-kinds';
import { exceptionErrors } from './otlp-exceptions';
import { attributeText, OtlpResourceFields, resourceFields } from './otlp-resource';
import { otlpSpanData, OtlpSpanData } from './otlp-span-data';
import { otlpSpanProblem, parentIdOf, segmentIds, spanKey } from './otlp-segments';

export interface OtlpTracesResult {
  records: NormalizedRecords;
  /**
   * Spans refused (invalid ids, end before start, …), each with its reason worded for the OTLP
   * partial-success `error_message`; every other span is kept.
   */
  rejected: Array<{ spanId: string; reason: string }>;
  /** Exception events that could not be read as a Sentry event (their span is kept): named in the message, not counted as spans. */
  droppedEvents: string[];
}

/** A kept span with what the mapping derived from it and its resource. */
interface MappedSpan {
  span: OtlpSpan;
  data: OtlpSpanData;
  resource: OtlpResourceFields;
  segmentId: string;
}

/**
 * Every span of the request, mapped to span-v2 form and normalized with the streamed spans'
 * normalizer (local roots → transactions, the rest → spans of their segment), plus one error
 * record per `exception` span event (its event JSON taken from `eventJson`, grouped like any error).
 */
export function normalizeOtlpTraces(request: OtlpTracesRequest, ctx: SpanBatchContext, eventJson: EventJsonBudget): OtlpTracesResult {
  const rejected: OtlpTracesResult['rejected'] = [];
  const droppedEvents: string[] = [];
  const kept: Array<{ span: OtlpSpan; resource: OtlpResourceFields }> = [];
  for (const resourceSpans of request.resourceSpans) {
    const resource = resourceFields(resourceSpans.resource.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const problem = otlpSpanProblem(span);
        if (problem) rejected.push({ spanId: span.spanId, reason: problem });
        else kept.push({ span, resource });
      }
    }
  }

  const segments = segmentIds(kept.map(({ span }) => span));
  const mapped: MappedSpan[] = kept.map(({ span, resource }) => ({ span, resource, data: otlpSpanData(span), segmentId: segments.get(spanKey(span.traceId, span.spanId)) ?? '' }));
  const items = mapped.map(spanV2Of);
  // spanV2Of writes every attribute itself, none a web vital: the vitals scan is skipped.
  const batch = normalizeSpanBatch({ version: 2, items }, { ...ctx, withoutWebVitals: true });
  for (const { index, reason } of batch.dropped) rejected.push({ spanId: mapped[index].span.spanId, reason: `span ${mapped[index].span.spanId}: ${reason}` });

  const records = batch.records;
  const names = new Map<string, string>();
  for (const transaction of records.transactions) names.set(spanKey(transaction.traceId, transaction.spanId), transaction.name);
  for (const { span, data, resource, segmentId } of mapped) {
    if (span.events.length === 0) continue;
    const transaction = segmentId ? (names.get(spanKey(span.traceId, segmentId)) ?? '') : '';
    for (const result of exceptionErrors({ span, op: data.op, transaction, resource }, ctx, eventJson)) {
      if (result.ok) records.errors.push(result.record);
      else droppedEvents.push(result.reason);
    }
  }
  return { records, rejected, droppedEvents };
}

/** The streamed Sentry span an OTLP span stands for: ns → seconds, the derived fields as `sentry.*` and current-convention attributes. */
function spanV2Of({ span, data, resource, segmentId }: MappedSpan): SpanV2 {
  const attributes: SpanAttributes = {};
  const set = (key: string, value: string | number | undefined): void => {
    if (value === undefined || value === '') return;
    attributes[key] = { value, type: typeof value === 'number' ? 'integer' : 'string' };
  };
  const isSegment = segmentId === span.spanId.toLowerCase();
  set('sentry.op', data.op);
  if (isSegment) {
    set('sentry.segment.name', data.segmentName);
    set('sentry.segment.name.source', data.source);
  }
  set('sentry.segment.id', segmentId);
  set('sentry.release', resource.release);
  set('sentry.environment', resource.environment);
  set('sentry.platform', resource.platform);
  set('sentry.sdk.name', resource.sdkName);
  set('sentry.sdk.version', resource.sdkVersion);
  set('http.request.method', data.httpMethod);
  set('http.response.status_code', data.httpStatusCode);
  set('url.full', data.urlFull);
  set('url.path', data.urlPath);
  set('db.query.text', data.dbQuery);
  set('user.id', attributeText(span.attributes, 'enduser.id') ?? attributeText(span.attributes, 'user.id'));
  set('user.email', attributeText(span.attributes, 'user.email'));
  set('user.name', attributeText(span.attributes, 'user.name'));
  set('user_agent.original', attributeText(span.attributes, 'user_agent.original') ?? attributeText(span.attributes, 'http.user_agent'));
  return {
    name: span.name,
    span_id: span.spanId.toLowerCase(),
    trace_id: span.traceId.toLowerCase(),
    parent_span_id: parentIdOf(span) || null,
    start_timestamp: span.startTimeUnixNano / 1e9,
    end_timestamp: span.endTimeUnixNano / 1e9,
    is_segment: isSegment,
    status: data.status,
    attributes,
  };
}
