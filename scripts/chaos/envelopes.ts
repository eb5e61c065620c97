import { randomBytes } from 'node:crypto';
import { nodeCaptureExceptionEvent, transactionEvent } from '@pulse/testing/fixtures';

/** The kinds of event the chaos load sends: each is stored as one row under its event id. */
export type ChaosEventKind = 'transaction' | 'error';

export const CHAOS_EVENT_KINDS: readonly ChaosEventKind[] = ['transaction', 'error'];

/** A fresh event id: 32 lower-case hex characters, as the SDKs send it and ClickHouse stores it. */
export function newEventId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * An envelope of one item, as @sentry/node sends it: a transaction (with one child span) or an
 * error event, stamped now, with its own trace. Built on the test fixtures, so the load carries
 * what the end-to-end tests check Pulse against.
 */
export function chaosEnvelope(kind: ChaosEventKind, eventId: string, nowMs = Date.now()): string {
  const now = nowMs / 1000;
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const payload =
    kind === 'transaction'
      ? transactionEvent({
          event_id: eventId,
          start_timestamp: now - 0.12,
          timestamp: now,
          contexts: { trace: { trace_id: traceId, span_id: spanId, op: 'http.server', status: 'ok', data: {} }, runtime: { name: 'node', version: 'v20.20.2' } },
        })
      : nodeCaptureExceptionEvent({ event_id: eventId, timestamp: now, contexts: { trace: { trace_id: traceId, span_id: spanId } } });
  const header = { event_id: eventId, sent_at: new Date(nowMs).toISOString(), sdk: { name: 'sentry.javascript.node', version: '11.12.0' }, trace: { trace_id: traceId, public_key: 'chaos' } };
  return `${JSON.stringify(header)}\n${JSON.stringify({ type: kind === 'transaction' ? 'transaction' : 'event' })}\n${JSON.stringify(payload)}`;
}
