/**
 * What the query API must answer for one trace a program replayed (workload.ts), whatever carried
 * its spans to Pulse: the SDK's exporter straight to ingest (otlp-sdks.e2e-spec.ts) or an
 * OpenTelemetry Collector in between (otlp-collector.e2e-spec.ts). Durations, statuses and parent
 * links come from the test's plan, the ids from the program's report, never from the stored data.
 */
import { CHARGE_SPAN_NAME, DB_SPAN_NAME, ExportReport, PlannedSpan, plannedSpans, RENDER_SPAN_NAME, TRANSACTION_NAME } from './workload';

/** `GET /api/<project>/traces/<trace id>` of the query API (the fields the OTLP tests read). */
export interface TraceJson {
  transactions: Array<{ span_id: string; parent_span_id: string; name: string; op: string; status: string; duration_ms: number; release: string; environment: string }>;
  spans: Array<{ span_id: string; parent_span_id: string; segment_id: string; op: string; description: string; status: string; duration_ms: number }>;
  errors: Array<{ event_id: string; span_id: string; fingerprint: string; title: string }>;
}

/** The op and description each child span of the workload is stored with (docs/otlp.md, "Attributes"). */
const CHILD_OPS: Record<string, { op: string; description: string }> = {
  [DB_SPAN_NAME]: { op: 'db', description: 'SELECT * FROM orders WHERE id = $1' },
  [RENDER_SPAN_NAME]: { op: 'default', description: RENDER_SPAN_NAME },
  [CHARGE_SPAN_NAME]: { op: 'default', description: CHARGE_SPAN_NAME },
};

/**
 * The transactions and spans of the trace of `planned` (reported as `exported`), as matchers for
 * `expect(trace).toEqual(expect.objectContaining(…))`: exactly one transaction (the SERVER root)
 * and exactly its children, in order, each under the root with its op, status and duration.
 */
export function expectedTraceRecords(
  planned: PlannedSpan,
  exported: ExportReport['traces'][number],
  target: { serviceVersion: string; environment: string },
): Pick<TraceJson, 'transactions' | 'spans'> {
  const [root, ...children] = exported.spans;
  const plannedChildren = plannedSpans(planned).slice(1);
  const transaction: TraceJson['transactions'][number] = {
    span_id: root.spanId,
    parent_span_id: '',
    name: TRANSACTION_NAME,
    op: 'http.server',
    status: planned.error === undefined ? 'ok' : 'internal_error',
    duration_ms: planned.endMs - planned.startMs,
    release: target.serviceVersion,
    environment: target.environment,
  };
  const spans = children.map((child, i): TraceJson['spans'][number] => ({
    span_id: child.spanId,
    parent_span_id: root.spanId,
    segment_id: root.spanId,
    ...CHILD_OPS[child.name],
    status: plannedChildren[i].error === undefined ? 'ok' : 'internal_error',
    duration_ms: plannedChildren[i].endMs - plannedChildren[i].startMs,
  }));
  // objectContaining: the API returns more columns than these (timestamps, trace id, tags…).
  return { transactions: [expect.objectContaining(transaction)], spans: spans.map((span) => expect.objectContaining(span)) };
}

/** The program exported every span of its workload, in the planned order, and no export failed. */
export function expectEveryPlannedSpanExported(exported: ExportReport, planned: readonly PlannedSpan[]): void {
  expect(exported.exported).toEqual({ spans: planned.flatMap(plannedSpans).length, failures: [] });
  expect(exported.traces.map((t) => t.spans.map((s) => s.name))).toEqual(planned.map((root) => plannedSpans(root).map((s) => s.name)));
}
