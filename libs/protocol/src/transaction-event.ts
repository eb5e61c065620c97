import { ClientContexts, clientContextsProblem, EventCommon, eventCommonProblem } from './event-common';
import {
  hex16,
  hex32,
  hex32OrUuid,
  isAbsent,
  isObject,
  JsonObject,
  optionalBoundedString,
  nestedProblem,
  optionalObject,
  optionalString,
  PayloadResult,
  Problem,
  readPayload,
  timestamp,
} from './payload-reader';

/**
 * The part of a Sentry transaction event Pulse reads (store endpoint / `transaction` envelope
 * item). Unknown fields are allowed and ignored: SDKs add fields between versions.
 * Timestamps are float seconds since the epoch or RFC 3339 strings. `spans` is not checked here:
 * each entry is read on its own (readClassicSpan), so one bad span drops only itself.
 */
export interface TraceContext {
  trace_id: string;
  span_id: string;
  parent_span_id?: string | null;
  op?: string | null;
  status?: string | null;
}

export interface TransactionEvent extends EventCommon {
  /** Not read: the item header says it is a transaction (see transactionProblem). */
  type?: unknown;
  event_id?: string | null;
  transaction: string;
  transaction_info?: { source?: string | null } | null;
  start_timestamp: number | string;
  timestamp: number | string;
  contexts: ClientContexts & {
    trace: TraceContext;
    response?: { status_code?: unknown } | null;
  };
  request?: { url?: string | null; method?: string | null; headers?: unknown } | null;
  measurements?: Record<string, { value?: unknown; unit?: unknown } | null> | null;
  /** Unchecked: entries are read one by one with readClassicSpan. */
  spans?: unknown;
}

/** Longest transaction name accepted (4 × the stored limit: truncation to the limit happens in normalization). */
const MAX_NAME = 200 * 4;
const TIMESTAMP = 'must be seconds since the epoch or an RFC 3339 string';

export function readTransactionEvent(json: unknown): PayloadResult<TransactionEvent> {
  return readPayload(json, 'transaction event', transactionProblem);
}

function transactionProblem(event: JsonObject): Problem {
  return (
    eventCommonProblem(event) ??
    // The `transaction` item header is authoritative: Relay forces the type to transaction whatever
    // the payload says or omits (relay-server/src/services/processor/event.rs `extract`); the Rust
    // SDK 0.49 sends no `type`. The store endpoint routes on `type` before this reader runs.
    hex32OrUuid(event.event_id, 'event_id', true) ??
    (typeof event.transaction === 'string' ? optionalBoundedString(event.transaction, 'transaction', MAX_NAME) : 'transaction must be a string') ??
    transactionInfoProblem(event.transaction_info) ??
    timestamp(event.start_timestamp, false, `start_timestamp ${TIMESTAMP}`) ??
    timestamp(event.timestamp, false, `timestamp ${TIMESTAMP}`) ??
    contextsProblem(event.contexts) ??
    requestProblem(event.request) ??
    optionalObject(event.measurements, 'measurements')
  );
}

function transactionInfoProblem(info: unknown): Problem {
  return nestedProblem(info, 'transaction_info', (value) => optionalString(value.source, 'transaction_info.source'));
}

/** The trace context is required: a list (accepted as a nested object elsewhere) has none. */
function contextsProblem(contexts: unknown): Problem {
  if (isAbsent(contexts) || Array.isArray(contexts)) return 'contexts.trace is required';
  if (!isObject(contexts)) return 'contexts must be an object';
  const trace = contexts.trace;
  if (isAbsent(trace) || Array.isArray(trace)) return 'contexts.trace is required';
  if (!isObject(trace)) return 'contexts.trace must be an object';
  return (
    hex32(trace.trace_id, 'contexts.trace.trace_id') ??
    hex16(trace.span_id, 'contexts.trace.span_id') ??
    hex16(trace.parent_span_id, 'contexts.trace.parent_span_id', true) ??
    optionalBoundedString(trace.op, 'contexts.trace.op', 200) ??
    optionalBoundedString(trace.status, 'contexts.trace.status', 64) ??
    clientContextsProblem(contexts) ??
    optionalObject(contexts.response, 'contexts.response')
  );
}

function requestProblem(request: unknown): Problem {
  return nestedProblem(request, 'request', (value) => optionalString(value.url, 'request.url') ?? optionalString(value.method, 'request.method'));
}
