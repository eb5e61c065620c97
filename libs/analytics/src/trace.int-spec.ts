import type { ErrorRecord, SpanRecord, TransactionRecord } from '@pulse/model';
import { SeedOptions } from '@pulse/testing';
import { SeededDatabase, seededDatabase } from './testing/seeded-database';
import { compileTraceQueries, TRACE_ROW_LIMITS, traceRange } from './trace.query';
import { toTraceResponse, TraceErrorRow, TraceResponse, TraceSpanRow, TraceTransactionRow } from './trace.result';

/**
 * The trace view against ClickHouse: a constructed trace of two transactions (the second called
 * from a span of the first), nested spans, an orphan span and an error, among seeded traffic and
 * a namesake trace of another project. Every field and the waterfall order are compared exactly.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const PROJECT = 1;
const NOW = Date.now();
const T0 = Math.floor(NOW / MINUTE) * MINUTE - 60 * MINUTE + 123;
const TRACE = '0123456789abcdef0123456789abcdef';
const BIG_TRACE = 'fedcba9876543210fedcba9876543210';
const OPTIONS: SeedOptions = { startMs: T0 - 30 * MINUTE, minutes: 60, transactions: 300, spans: 1000, errors: 300 };

const id = (n: number) => n.toString(16).padStart(16, '0');
const ROOT = id(1);
const CHILD = id(2);

function transaction(spanId: string, parentSpanId: string, start: number, end: number, overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    projectId: PROJECT, eventId: spanId.padStart(32, 'e'), traceId: TRACE, spanId, parentSpanId, name: `tx ${spanId}`, source: 'route',
    op: 'http.server', status: 'ok', statusCode: 0, startTimestampMs: T0 + start, timestampMs: T0 + end, durationMs: end - start,
    release: '1.0.0', environment: 'production', dist: '', platform: 'node', sdkName: 'sentry.javascript.node', sdkVersion: '11.12.0',
    userId: '', httpMethod: 'GET', httpStatusCode: 200, browserName: '', osName: '', tags: {}, measurements: {}, receivedAtMs: T0 + end + 1000,
    ...overrides,
  };
}

function span(spanId: string, parentSpanId: string, segmentId: string, start: number, end: number, overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    projectId: PROJECT, traceId: TRACE, spanId, parentSpanId, segmentId, transactionName: `tx ${segmentId}`, op: 'db.query',
    description: `span ${spanId}`, status: 'ok', statusCode: 0, startTimestampMs: T0 + start, timestampMs: T0 + end, durationMs: end - start,
    release: '1.0.0', environment: 'production', receivedAtMs: T0 + end + 1000, ...overrides,
  };
}

function error(eventId: string, at: number, overrides: Partial<ErrorRecord> = {}): ErrorRecord {
  return {
    projectId: PROJECT, eventId, timestampMs: T0 + at, level: 'error', platform: 'node', title: 'Error: boom', message: '', culprit: 'tx',
    fingerprint: '9'.repeat(32), handled: false, exceptions: [], transaction: `tx ${CHILD}`, traceId: TRACE, spanId: id(21), release: '1.0.0',
    environment: 'production', dist: '', userId: '', browserName: '', osName: '', sdkName: 'sentry.javascript.node', sdkVersion: '11.12.0',
    tags: {}, eventJson: '', groupingConfig: 'pulse:2026-06', secondaryFingerprint: '', receivedAtMs: T0 + at + 1000, ...overrides,
  };
}

/**
 * ROOT (0–500 ms): span 11 (10–300) → span 12 (20–100) and the CHILD transaction (120–280, called
 * from span 11) → span 21 (130–200) → span 22 (140–150); span 13 (310–490); span 99 whose parent
 * was never sent (400–450). Given in scrambled order: the view orders them.
 */
const TRANSACTIONS = [transaction(CHILD, id(11), 120, 280, { release: '2.0.0', op: 'rpc' }), transaction(ROOT, '', 0, 500)];
const SPANS = [
  span(id(13), ROOT, ROOT, 310, 490),
  span(id(22), id(21), CHILD, 140, 150, { status: 'internal_error' }),
  span(id(99), id(98), ROOT, 400, 450),
  span(id(11), ROOT, ROOT, 10, 300, { op: 'http.client' }),
  span(id(21), CHILD, CHILD, 130, 200),
  span(id(12), id(11), ROOT, 20, 100),
];
const ERRORS = [error('a'.repeat(32), 145), error('b'.repeat(32), 600, { spanId: '', level: 'fatal' })];
/** The same trace id in another project, and another trace of this project: neither may show. */
const NOISE = {
  transactions: [transaction(id(3), '', -5000, 9000, { projectId: 2 }), transaction(id(4), '', 0, 10, { traceId: 'f'.repeat(32) })],
  spans: [span(id(5), ROOT, ROOT, 20, 30, { projectId: 2 })],
  errors: [error('c'.repeat(32), 50, { projectId: 3 })],
};
/** A trace with one span more than the view reads. */
const BIG = Array.from({ length: TRACE_ROW_LIMITS.spans + 1 }, (_, i) => span(id(1000 + i), ROOT, ROOT, i, i + 5, { traceId: BIG_TRACE }));

describe('trace view against seeded ClickHouse', () => {
  let db: SeededDatabase;

  beforeAll(async () => {
    db = await seededDatabase('pulse_trace', 20251206, OPTIONS, {
      transactions: [...TRANSACTIONS, ...NOISE.transactions],
      spans: [...SPANS, ...NOISE.spans, ...BIG],
      errors: [...ERRORS, ...NOISE.errors],
    });
  }, 120_000);
  afterAll(async () => {
    await db?.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db?.client.close();
  });

  async function trace(traceId: string, range = traceRange(undefined, undefined, NOW + MINUTE, 30)): Promise<TraceResponse | null> {
    const queries = compileTraceQueries({ projectId: PROJECT, traceId, range });
    const [transactions, spans, errors] = await Promise.all([
      db.run<TraceTransactionRow>(queries.transactions),
      db.run<TraceSpanRow>(queries.spans),
      db.run<TraceErrorRow>(queries.errors),
    ]);
    return toTraceResponse(traceId, { transactions, spans, errors });
  }

  it('orders both transactions and every span depth first by start time, with depths, the orphan as a root', async () => {
    const view = await trace(TRACE);
    const waterfall = [...(view?.transactions ?? []), ...(view?.spans ?? [])].sort((a, b) => a.position - b.position);
    expect(waterfall.map((row) => [row.span_id, row.depth, row.position])).toEqual([
      [ROOT, 0, 0],
      [id(11), 1, 1],
      [id(12), 2, 2],
      [CHILD, 2, 3],
      [id(21), 3, 4],
      [id(22), 4, 5],
      [id(13), 1, 6],
      [id(99), 0, 7],
    ]);
    expect(view?.transactions.map((t) => t.span_id)).toEqual([ROOT, CHILD]);
    expect(view).toMatchObject({ trace_id: TRACE, start: T0, end: T0 + 600, duration_ms: 600, truncated: false });
  });

  it('gives every field of transactions, spans and errors as recorded', async () => {
    const view = (await trace(TRACE)) as TraceResponse;
    const child = TRANSACTIONS[0];
    expect(view.transactions[1]).toEqual({
      event_id: child.eventId, span_id: CHILD, parent_span_id: id(11), name: child.name, op: 'rpc', status: 'ok', start: T0 + 120,
      end: T0 + 280, duration_ms: 160, release: '2.0.0', environment: 'production', depth: 2, position: 3,
    });
    expect(view.spans.find((s) => s.span_id === id(22))).toEqual({
      span_id: id(22), parent_span_id: id(21), segment_id: CHILD, op: 'db.query', description: `span ${id(22)}`, status: 'internal_error',
      start: T0 + 140, end: T0 + 150, duration_ms: 10, depth: 4, position: 5,
    });
    expect(view.errors).toEqual([
      { event_id: 'a'.repeat(32), timestamp: T0 + 145, title: 'Error: boom', level: 'error', span_id: id(21), fingerprint: '9'.repeat(32) },
      { event_id: 'b'.repeat(32), timestamp: T0 + 600, title: 'Error: boom', level: 'fatal', span_id: '', fingerprint: '9'.repeat(32) },
    ]);
  });

  it('reads only the range asked for, and finds nothing of an unknown trace', async () => {
    const early = await trace(TRACE, { fromMs: T0, toMs: T0 + 160 });
    expect(early?.transactions).toEqual([]);
    expect(early?.spans.map((s) => [s.span_id, s.depth])).toEqual([[id(12), 0], [id(22), 0]]);
    expect(early?.errors.map((e) => e.event_id)).toEqual(['a'.repeat(32)]);
    expect(await trace('1'.repeat(32))).toBeNull();
  });

  it('caps the spans of a huge trace and says so', async () => {
    const view = (await trace(BIG_TRACE)) as TraceResponse;
    expect(view.truncated).toBe(true);
    expect(view.spans).toHaveLength(TRACE_ROW_LIMITS.spans);
    expect(view.spans[0]).toMatchObject({ span_id: id(1000), start: T0, depth: 0 });
    expect(view.spans.at(-1)?.start).toBe(T0 + TRACE_ROW_LIMITS.spans - 1);
  });
});
