import type { TransactionEvent } from '@pulse/protocol';
import { LIMITS, truncate } from './limits';
import { eventDistOf, eventEnvironmentOf, eventIdOf, NormalizeContext, NormalizeResult, eventPlatformOf, eventReleaseOf, eventSdkNameOf, eventSdkVersionOf } from './normalize-context';
import { normalizeTags } from './tags';
import { userIdOf } from './user';
import { clientOfEvent } from './user-agent';
import { normalizeSpanStatus } from './span-status';
import { toEpochMs } from './timestamps';
import type { TransactionRecord } from './transaction.record';

/** Maps a validated transaction event onto a TransactionRecord. Pure: no I/O, no clock. */
export function normalizeTransaction(event: TransactionEvent, ctx: NormalizeContext): NormalizeResult<TransactionRecord> {
  const startTimestampMs = toEpochMs(event.start_timestamp);
  const timestampMs = toEpochMs(event.timestamp);
  if (timestampMs < startTimestampMs) return { ok: false, reason: 'timestamp is before start_timestamp' };

  const trace = event.contexts.trace;
  const { status, code } = normalizeSpanStatus(trace.status);
  // Browser SDKs send no contexts.browser: the name comes from the request's User-Agent then.
  const client = clientOfEvent(event);
  return {
    ok: true,
    record: {
      projectId: ctx.projectId,
      eventId: eventIdOf(event.event_id, ctx),
      traceId: trace.trace_id.toLowerCase(),
      spanId: trace.span_id.toLowerCase(),
      parentSpanId: (trace.parent_span_id ?? '').toLowerCase(),
      name: truncate(event.transaction, LIMITS.transactionName),
      source: truncate(event.transaction_info?.source ?? 'unknown', LIMITS.shortField),
      op: truncate(trace.op ?? 'default', LIMITS.op),
      status,
      statusCode: code,
      startTimestampMs,
      timestampMs,
      durationMs: timestampMs - startTimestampMs,
      release: eventReleaseOf(event),
      environment: eventEnvironmentOf(event),
      dist: eventDistOf(event),
      platform: eventPlatformOf(event),
      sdkName: eventSdkNameOf(event),
      sdkVersion: eventSdkVersionOf(event),
      userId: userIdOf(event.user),
      httpMethod: truncate(event.request?.method?.toUpperCase(), 16),
      httpStatusCode: httpStatusCode(event),
      browserName: client.browserName,
      osName: client.osName,
      tags: normalizeTags(event.tags),
      measurements: normalizeMeasurements(event.measurements),
      receivedAtMs: ctx.receivedAtMs,
    },
  };
}

function normalizeMeasurements(measurements: TransactionEvent['measurements']): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, measurement] of Object.entries(measurements ?? {})) {
    const value = measurement?.value;
    if (typeof value === 'number' && Number.isFinite(value)) result[truncate(name.toLowerCase(), LIMITS.shortField)] = value;
  }
  return result;
}

/** From `contexts.response.status_code` (Node SDK), else the `http.status_code` tag; 0 if neither. */
function httpStatusCode(event: TransactionEvent): number {
  const fromContext = event.contexts.response?.status_code;
  const raw = typeof fromContext === 'number' ? fromContext : Number(tagValue(event.tags, 'http.status_code'));
  return Number.isInteger(raw) && raw >= 100 && raw <= 599 ? raw : 0;
}

function tagValue(tags: TransactionEvent['tags'], key: string): unknown {
  if (Array.isArray(tags)) return tags.find((entry) => Array.isArray(entry) && entry[0] === key)?.[1];
  return tags?.[key];
}
