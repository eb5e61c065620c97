import { createHash } from 'node:crypto';
import { OtlpSpan, OtlpSpanEvent, readErrorEvent } from '@pulse/protocol';
import type { ErrorRecord } from '../error.record';
import type { EventJsonBudget } from '../event-json';
import type { NormalizeContext } from '../normalize-context';
import { normalizeError } from '../normalize-error';
import { attributeText } from './otlp-resource';
import type { OtlpResourceFields } from './otlp-resource';
import { parseStackTrace } from './stack-trace-text';

/**
 * OpenTelemetry records an exception as a span event named `exception` (semantic conventions,
 * exceptions on spans: `exception.type`, `exception.message`, `exception.stacktrace`,
 * `exception.escaped`). Pulse turns each into an error: it writes the Sentry event a Sentry SDK
 * would have sent for it (frames parsed from the stack text, the span as `contexts.trace`, the
 * resource's release, environment, platform and SDK) and reads and normalizes that event with the
 * error path's own `readErrorEvent` + `normalizeError`, so it is grouped exactly like any other
 * error and its event JSON is what the issue detail shows.
 */

/** Where the exception happened: its span, the span's op and its segment's name, and the resource. */
export interface ExceptionSite {
  span: OtlpSpan;
  op: string;
  /** The segment's transaction name; '' when the segment is not in the request. */
  transaction: string;
  resource: OtlpResourceFields;
}

/**
 * The first 32 hex characters of SHA-256(`<trace_id>-<span_id>-<event index>`): a re-sent export
 * gives the same event id, so the error deduplicates like a resent Sentry event.
 */
export function exceptionEventId(traceId: string, spanId: string, eventIndex: number): string {
  return createHash('sha256').update(`${traceId.toLowerCase()}-${spanId.toLowerCase()}-${eventIndex}`).digest('hex').slice(0, 32);
}

/** The Sentry event JSON for the `eventIndex`-th event of the span (an `exception` event). */
export function exceptionEventJson(site: ExceptionSite, event: OtlpSpanEvent, eventIndex: number): Record<string, unknown> {
  const { span, resource } = site;
  const attributes = event.attributes;
  const stack = attributeText(attributes, 'exception.stacktrace');
  const frames = stack ? parseStackTrace(stack) : [];
  const escaped = attributes['exception.escaped'];
  const user = {
    id: attributeText(span.attributes, 'enduser.id') ?? attributeText(span.attributes, 'user.id'),
    email: attributeText(span.attributes, 'user.email'),
    username: attributeText(span.attributes, 'user.name'),
  };
  return {
    event_id: exceptionEventId(span.traceId, span.spanId, eventIndex),
    timestamp: (event.timeUnixNano > 0 ? event.timeUnixNano : span.endTimeUnixNano) / 1e9,
    level: 'error',
    platform: resource.platform,
    ...(resource.release ? { release: resource.release } : {}),
    environment: resource.environment,
    ...(resource.sdkName ? { sdk: { name: resource.sdkName, version: resource.sdkVersion } } : {}),
    ...(site.transaction ? { transaction: site.transaction } : {}),
    ...(user.id || user.email || user.username ? { user } : {}),
    ...(resource.serviceName ? { tags: { 'service.name': resource.serviceName } } : {}),
    contexts: { trace: { trace_id: span.traceId.toLowerCase(), span_id: span.spanId.toLowerCase(), op: site.op } },
    exception: {
      values: [
        {
          type: attributeText(attributes, 'exception.type'),
          value: attributeText(attributes, 'exception.message'),
          // An exception that escaped the span's scope was not handled where the span ran.
          mechanism: { type: 'otlp', handled: escaped !== true && escaped !== 'true' },
          ...(frames.length > 0 ? { stacktrace: { frames } } : {}),
        },
      ],
    },
  };
}

export type ExceptionResult = { ok: true; record: ErrorRecord } | { ok: false; reason: string };

/** One error per `exception` event of the span, in event order; an event Pulse cannot read is a reason instead. */
export function exceptionErrors(site: ExceptionSite, ctx: NormalizeContext, eventJson: EventJsonBudget): ExceptionResult[] {
  const results: ExceptionResult[] = [];
  site.span.events.forEach((event, index) => {
    if (event.name !== 'exception') return;
    const json = exceptionEventJson(site, event, index);
    const label = `span ${site.span.spanId} event ${index}`;
    const read = readErrorEvent(json);
    if (!read.ok) {
      results.push({ ok: false, reason: `${label}: ${read.detail}` });
      return;
    }
    const normalized = normalizeError(read.value, ctx);
    if (!normalized.ok) {
      results.push({ ok: false, reason: `${label}: ${normalized.reason}` });
      return;
    }
    results.push({ ok: true, record: { ...normalized.record, eventJson: eventJson.take(Buffer.from(JSON.stringify(json)), json) } });
  });
  return results;
}
