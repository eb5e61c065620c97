import { TRACE_ROW_LIMITS } from './trace.query';
import { waterfallOrder } from './trace-tree';

type Int64 = number | string;

/** Rows as compileTraceQueries reads them: the answer's fields, times as ClickHouse gives epoch ms. */
export interface TraceTransactionRow extends Omit<TraceTransaction, 'start' | 'end' | keyof WaterfallPlace> {
  start_ms: Int64;
  end_ms: Int64;
}

export interface TraceSpanRow extends Omit<TraceSpan, 'start' | 'end' | keyof WaterfallPlace> {
  start_ms: Int64;
  end_ms: Int64;
}

export interface TraceErrorRow extends Omit<TraceError, 'timestamp'> {
  timestamp_ms: Int64;
}

/** Where a row sits in the waterfall of transactions and spans together. */
interface WaterfallPlace {
  /** Nesting below its root (0 for a root: the trace's root transaction, or a row whose parent is missing). */
  depth: number;
  /** Index in the depth-first order of transactions and spans together, from 0. */
  position: number;
}

export interface TraceTransaction extends WaterfallPlace {
  event_id: string;
  span_id: string;
  parent_span_id: string;
  name: string;
  op: string;
  status: string;
  /** Epoch ms. */
  start: number;
  end: number;
  duration_ms: number;
  release: string;
  environment: string;
}

export interface TraceSpan extends WaterfallPlace {
  span_id: string;
  parent_span_id: string;
  /** Span id of the transaction the span was sent with. */
  segment_id: string;
  op: string;
  description: string;
  status: string;
  start: number;
  end: number;
  duration_ms: number;
}

export interface TraceError {
  event_id: string;
  /** Epoch ms. */
  timestamp: number;
  title: string;
  level: string;
  /** The span active when the error happened ('' if unknown). */
  span_id: string;
  fingerprint: string;
}

export interface TraceResponse {
  trace_id: string;
  /** Earliest start and latest end over the transactions, spans and errors found (epoch ms). */
  start: number;
  end: number;
  duration_ms: number;
  /** In waterfall order (depth first by start time, over transactions and spans together). */
  transactions: TraceTransaction[];
  spans: TraceSpan[];
  /** By time. */
  errors: TraceError[];
  /** True when a kind had more rows than its limit (TRACE_ROW_LIMITS) and the rest was left out. */
  truncated: boolean;
}

export interface TraceRows {
  transactions: TraceTransactionRow[];
  spans: TraceSpanRow[];
  errors: TraceErrorRow[];
}

type Unplaced<T> = Omit<T, keyof WaterfallPlace>;
type Node = { spanId: string; parentSpanId: string; startMs: number } & (
  | { kind: 'transaction'; row: Unplaced<TraceTransaction> }
  | { kind: 'span'; row: Unplaced<TraceSpan> }
);

/** The trace view, or null when nothing of the trace was found. Rows come from compileTraceQueries. */
export function toTraceResponse(traceId: string, rows: TraceRows): TraceResponse | null {
  const errors = rows.errors.slice(0, TRACE_ROW_LIMITS.errors).map(toTraceError);
  const nodes: Node[] = [
    ...rows.transactions.slice(0, TRACE_ROW_LIMITS.transactions).map((r): Node => {
      const row = toTraceTransaction(r);
      return { kind: 'transaction', spanId: row.span_id, parentSpanId: row.parent_span_id, startMs: row.start, row };
    }),
    ...rows.spans.slice(0, TRACE_ROW_LIMITS.spans).map((r): Node => {
      const row = toTraceSpan(r);
      return { kind: 'span', spanId: row.span_id, parentSpanId: row.parent_span_id, startMs: row.start, row };
    }),
  ];
  if (nodes.length + errors.length === 0) return null;

  const transactions: TraceTransaction[] = [];
  const spans: TraceSpan[] = [];
  waterfallOrder(nodes).forEach(({ node, depth }, position) => {
    if (node.kind === 'transaction') transactions.push({ ...node.row, depth, position });
    else spans.push({ ...node.row, depth, position });
  });
  let start = Infinity;
  let end = -Infinity;
  for (const { row } of nodes) {
    start = Math.min(start, row.start);
    end = Math.max(end, row.end);
  }
  for (const error of errors) {
    start = Math.min(start, error.timestamp);
    end = Math.max(end, error.timestamp);
  }
  const truncated =
    rows.transactions.length > TRACE_ROW_LIMITS.transactions || rows.spans.length > TRACE_ROW_LIMITS.spans || rows.errors.length > TRACE_ROW_LIMITS.errors;
  return { trace_id: traceId, start, end, duration_ms: end - start, transactions, spans, errors, truncated };
}

function toTraceTransaction(r: TraceTransactionRow): Unplaced<TraceTransaction> {
  return {
    event_id: r.event_id,
    span_id: r.span_id,
    parent_span_id: r.parent_span_id,
    name: r.name,
    op: r.op,
    status: r.status,
    ...timesOf(r),
    release: r.release,
    environment: r.environment,
  };
}

function toTraceSpan(r: TraceSpanRow): Unplaced<TraceSpan> {
  return {
    span_id: r.span_id,
    parent_span_id: r.parent_span_id,
    segment_id: r.segment_id,
    op: r.op,
    description: r.description,
    status: r.status,
    ...timesOf(r),
  };
}

/** A transaction's or span's times as numbers: ClickHouse may send the 64-bit ones as strings. */
function timesOf(r: TraceTransactionRow | TraceSpanRow): Pick<TraceSpan, 'start' | 'end' | 'duration_ms'> {
  return { start: Number(r.start_ms), end: Number(r.end_ms), duration_ms: Number(r.duration_ms) };
}

function toTraceError(r: TraceErrorRow): TraceError {
  return { event_id: r.event_id, timestamp: Number(r.timestamp_ms), title: r.title, level: r.level, span_id: r.span_id, fingerprint: r.fingerprint };
}
