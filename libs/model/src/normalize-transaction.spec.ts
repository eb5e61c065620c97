import { readTransactionEvent } from '@pulse/protocol';
import { transactionEvent } from '@pulse/testing/fixtures';
import { normalizeTransaction } from './normalize-transaction';
import { normalizeSpanStatus, isFailureStatus } from './span-status';
import { payloadValue } from '@pulse/protocol/testing';

const ctx = { projectId: 7, receivedAtMs: 1_795_499_900_000, generateEventId: () => 'ffffffff-ffff-4fff-8fff-ffffffffffff' };

function normalize(overrides: Record<string, unknown> = {}) {
  return normalizeTransaction(payloadValue(readTransactionEvent(transactionEvent(overrides))), ctx);
}

describe('normalizeTransaction', () => {
  it('maps a Node SDK transaction onto a record', () => {
    expect(normalize()).toEqual({
      ok: true,
      record: {
        projectId: 7,
        eventId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        parentSpanId: '',
        name: 'GET /api/orders/:id',
        source: 'route',
        op: 'http.server',
        status: 'ok',
        statusCode: 0,
        startTimestampMs: 1_795_499_897_529,
        timestampMs: 1_795_499_897_730,
        durationMs: 201,
        release: 'shop@1.4.0',
        environment: 'production',
        dist: '',
        platform: 'node',
        sdkName: 'sentry.javascript.node',
        sdkVersion: '11.2.0',
        userId: 'u-42',
        httpMethod: 'GET',
        httpStatusCode: 200,
        browserName: '',
        osName: 'Linux',
        tags: { region: 'eu-west-1', 'http.status_code': '200' },
        measurements: {},
        receivedAtMs: 1_795_499_900_000,
      },
    });
  });

  it('accepts RFC 3339 timestamps, dashed event ids and tag pairs', () => {
    const result = normalize({
      event_id: 'A1B2C3D4-E5F6-0718-293A-4B5C6D7E8F90',
      start_timestamp: '2026-11-24T10:00:00.000Z',
      timestamp: '2026-11-24T10:00:01.250Z',
      tags: [['a', '1'], ['b', 2], ['bad']],
    });
    expect(result).toMatchObject({ ok: true, record: { eventId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', durationMs: 1250, tags: { a: '1', b: '2' } } });
  });

  it('generates an event id when none is sent and defaults environment and status', () => {
    const event = transactionEvent({ event_id: undefined, environment: undefined });
    (event.contexts as { trace: Record<string, unknown> }).trace.status = undefined;
    const result = normalizeTransaction(payloadValue(readTransactionEvent(event)), ctx);
    expect(result).toMatchObject({ ok: true, record: { eventId: 'ffffffffffff4fff8fffffffffffffff', environment: 'production', status: 'unknown', statusCode: 2 } });
  });

  it('keeps finite measurements, lower-cased', () => {
    const result = normalize({ measurements: { LCP: { value: 2400.5, unit: 'millisecond' }, cls: { value: 0.02, unit: '' }, bad: { value: 'x' } } });
    expect(result).toMatchObject({ ok: true, record: { measurements: { lcp: 2400.5, cls: 0.02 } } });
  });

  it('truncates an oversize name to 200 characters', () => {
    const result = normalize({ transaction: 'x'.repeat(500) });
    expect(result.ok && result.record.name).toHaveLength(200);
  });

  it('rejects a transaction that ends before it starts', () => {
    expect(normalize({ timestamp: 1795499897.0 })).toEqual({ ok: false, reason: 'timestamp is before start_timestamp' });
  });
});

describe('validation of the wire payload', () => {
  it.each([
    ['no type (the Rust SDK 0.49)', { type: undefined }],
    ['another type (Relay forces it to transaction)', { type: 'error' }],
  ])('reads a transaction item whose payload has %s as a transaction', (_what, overrides) => {
    expect(readTransactionEvent(transactionEvent(overrides))).toMatchObject({ ok: true });
  });

  it.each([
    ['no trace context', { contexts: {} }, /contexts\.trace/],
    ['a bad trace id', { contexts: { trace: { trace_id: 'nothex', span_id: '00f067aa0ba902b7' } } }, /trace_id must be 32 hex/],
    ['a missing timestamp', { timestamp: undefined }, /timestamp must be seconds since the epoch or an RFC 3339 string/],
    ['an unparsable timestamp', { start_timestamp: 'yesterday' }, /start_timestamp must be/],
  ])('reports %s', (_what, overrides, detail) => {
    const result = readTransactionEvent(transactionEvent(overrides));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.detail).toMatch(detail);
  });
});

describe('span status', () => {
  it('maps names, aliases and unknown values to codes', () => {
    expect(normalizeSpanStatus('ok')).toEqual({ status: 'ok', code: 0 });
    expect(normalizeSpanStatus('internal_error')).toEqual({ status: 'internal_error', code: 13 });
    expect(normalizeSpanStatus('failure')).toEqual({ status: 'internal_error', code: 13 });
    expect(normalizeSpanStatus('unknown_error')).toEqual({ status: 'unknown', code: 2 });
    expect(normalizeSpanStatus('whatever')).toEqual({ status: 'unknown', code: 2 });
    expect(normalizeSpanStatus(undefined)).toEqual({ status: 'unknown', code: 2 });
  });

  it('counts everything but ok, cancelled and unknown as failure', () => {
    expect(['ok', 'cancelled', 'unknown'].map(isFailureStatus)).toEqual([false, false, false]);
    expect(['internal_error', 'not_found', 'deadline_exceeded'].map(isFailureStatus)).toEqual([true, true, true]);
  });
});
