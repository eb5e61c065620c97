import type { RecordKind, StoredItemKind } from '@pulse/model';
import { ApiError } from '@pulse/platform';
import { DECODE_ERROR_STATUS, DecodeError, ENVELOPE_ERROR_STATUS, EnvelopeError, OTLP_DECODE_ERROR_STATUS, OtlpDecodeError, tooDeepReason } from '@pulse/protocol';
import { EventOutcome, IngestMetrics, RECORD_KIND_LABEL } from './ingest.metrics';

/**
 * Why ingest leaves something out, as data: a `Drop` costs one item (or one record, or part of an
 * item) and the request goes on; a `Refusal` ends the request with an error. The steps return
 * them; this module is the one place that turns each reason into its `outcome` label of
 * pulse_ingest_events_total and its words: the `dropped` line of a 200, or the status, `detail`,
 * `causes` and headers of an error. Those texts are what clients and tests read: a reason's
 * wording changes here or nowhere.
 */

/** Where a dropped item sat in its request. */
interface ItemPlace {
  index: number;
  kind: StoredItemKind;
}

/** What each drop carries. */
interface DropData {
  /** Past INGEST_MAX_SESSIONS_PER_ENVELOPE session items in one envelope. */
  too_many_sessions: ItemPlace & { max: number };
  /** Nested deeper than the JSON depth bound, seen on its bytes before parsing. */
  too_deep: ItemPlace & { reason: string };
  /** Not JSON, or not a valid item of its kind. */
  invalid: ItemPlace & { reason: string };
  /** A span item whose `item_count` does not match the spans it holds. */
  bad_item_count: ItemPlace & { reason: string };
  /** Normalizing it threw: a bug, or input no rule foresaw. */
  processing_error: ItemPlace & { reason: string };
  /** Its data category is over the key's quota (the request's other categories were not). */
  rate_limited: ItemPlace;
  /** Part of an item (one bad span of a transaction or batch); the rest of it is stored. Not counted. */
  partial: ItemPlace & { reason: string };
  /** A normalized record with a time ClickHouse cannot store (the time rules, @pulse/model clock.ts). */
  invalid_timestamp: { record: RecordKind; reason: string };
}

export type DropCode = keyof DropData;
export type Drop<C extends DropCode = DropCode> = { [K in C]: { drop: K } & DropData[K] }[C];

interface DropRule<C extends DropCode> {
  /** Its `outcome` on pulse_ingest_events_total, counted when it happens; none: not counted. */
  outcome: EventOutcome | undefined;
  /** Its reason, as the `dropped` line (after the item's place) and the `detail` of a 400. */
  text: (drop: Drop<C>) => string;
}

const reasonText = (drop: { reason: string }): string => drop.reason;

const DROPS: { [C in DropCode]: DropRule<C> } = {
  too_many_sessions: { outcome: 'too_many_sessions', text: (drop) => `more than ${drop.max} session items in one envelope` },
  too_deep: { outcome: 'too_deep', text: reasonText },
  invalid: { outcome: 'invalid', text: reasonText },
  bad_item_count: { outcome: 'bad_item_count', text: reasonText },
  processing_error: { outcome: 'processing_error', text: reasonText },
  rate_limited: { outcome: 'rate_limited', text: () => 'rate limited' },
  partial: { outcome: undefined, text: reasonText },
  invalid_timestamp: { outcome: 'invalid_timestamp', text: reasonText },
};

/** Counts a drop (when its reason is counted) and keeps it for the answer. */
export function recordDrop(metrics: IngestMetrics, drops: Drop[], drop: Drop): void {
  countDrop(metrics, drop);
  drops.push(drop);
}

/** Counts a drop now (an invalid item: whether it is named in `dropped` or refuses the request is known only after the rest). */
export function countDrop(metrics: IngestMetrics, drop: Drop): void {
  const outcome = DROPS[drop.drop].outcome;
  if (outcome !== undefined) metrics.countEvents('record' in drop ? RECORD_KIND_LABEL[drop.record] : drop.kind, outcome);
}

/** The reason alone: `invalid error event: …`. */
export function dropText<C extends DropCode>(drop: Drop<C>): string {
  return DROPS[drop.drop].text(drop);
}

/** The drop as a line of the 200 body's `dropped`: `item 1 (event): invalid error event: …`, `transactions: timestamp …`. */
export function describeDrop(drop: Drop): string {
  return 'record' in drop ? `${drop.record}: ${dropText(drop)}` : `item ${drop.index} (${drop.kind}): ${dropText(drop)}`;
}

/**
 * Counts an item of a type Pulse does not store: accepted and skipped, never named in `dropped`.
 * Those types are a fixed list and are their own label; an unknown type is client text and must
 * not become one.
 */
export function countSkippedItem(metrics: IngestMetrics, type: string, kind: 'dropped' | 'unknown'): void {
  if (kind === 'dropped') metrics.countEvents(type, 'not_stored');
  else metrics.countEvents('unknown', 'unknown_type');
}

/** Items a refusal counts, one series increment each. */
type CountedItems = readonly { kind: StoredItemKind }[];

/** A reason that carries nothing more. */
type Nothing = Record<never, never>;

/** What each refusal carries. */
interface RefusalData {
  /** authenticate: no key, or keys that disagree (the reason is @pulse/protocol's). */
  no_key: { reason: string };
  /** authenticate: a key no project has. */
  unknown_key: Nothing;
  /** authenticate: the key belongs to another project than the URL's. */
  foreign_key: { projectId: number };
  /** authenticate: in tunnel mode, the envelope's dsn names another project than the URL's. */
  foreign_dsn: { projectId: number; dsnProjectId: string };
  /** decode: no body. */
  empty_body: Nothing;
  /** decode: an unknown coding, corrupt data, or more than INGEST_MAX_ENVELOPE_BYTES decoded. */
  undecodable: { error: DecodeError };
  /** frame: an envelope @pulse/protocol cannot read, or one over its item limits. */
  bad_envelope: { error: EnvelopeError };
  /** frame: a store body over INGEST_MAX_EVENT_BYTES. */
  event_too_large: { maxBytes: number };
  /** frame: a store body nested too deep; counted as one `event` (its type is not read yet). */
  event_too_deep: { items: CountedItems };
  /** frame: a store body that is not JSON. */
  event_invalid_json: { reason: string };
  /** OTLP: a content type that is neither OTLP protobuf nor OTLP/JSON. */
  otlp_unsupported_type: { contentType: string };
  /** OTLP: not an ExportTraceServiceRequest of its encoding, too deep, or over INGEST_MAX_OTLP_SPANS. */
  otlp_undecodable: { error: OtlpDecodeError };
  /** OTLP: mapping the request threw (a bug, or input no rule foresaw); the service counts its spans. */
  otlp_processing_error: { reason: string };
  /** items: every item was dropped (each counted as it was); the first names the error. */
  nothing_stored: { drops: readonly Drop[] };
  /** limit: every category of the request is over quota. */
  rate_limited: { items: CountedItems; headers: Record<string, string>; retryAfterS: number };
  /** produce: the producer's backlog is full. */
  kafka_overloaded: { items: CountedItems };
  /** produce: Kafka did not acknowledge the records. */
  kafka_failed: { items: CountedItems };
}

export type RefusalCode = keyof RefusalData;
export type Refusal<C extends RefusalCode = RefusalCode> = { [K in C]: { refusal: K } & RefusalData[K] }[C];

interface RefusalRule<C extends RefusalCode> {
  /** Counted once per item of its `items`; none: not counted (or counted as drops already). */
  outcome: EventOutcome | undefined;
  error: (refusal: Refusal<C>) => ApiError;
}

/** The store body's one event, as refusals count it before its type is known. */
export const STORE_EVENT: CountedItems = [{ kind: 'event' }];
const KAFKA_RETRY_AFTER_S = '5';
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/** An error about the request's bytes; `X-Sentry-Error` repeats the detail (it can quote client bytes; a header carries printable ASCII only). */
function bodyError(status: number, detail: string, causes: string[] = []): ApiError {
  return new ApiError(status, detail, causes, { 'X-Sentry-Error': detail.slice(0, 200).replace(NOT_PRINTABLE_ASCII, '?') });
}

const kafkaUnavailable = (): ApiError =>
  new ApiError(503, 'events could not be handed to Kafka; retry later', [], { 'Retry-After': KAFKA_RETRY_AFTER_S, 'X-Sentry-Error': 'unavailable' });

const REFUSALS: { [C in RefusalCode]: RefusalRule<C> } = {
  no_key: { outcome: undefined, error: (refusal) => new ApiError(401, refusal.reason) },
  unknown_key: { outcome: undefined, error: () => new ApiError(401, 'unknown DSN public key') },
  foreign_key: { outcome: undefined, error: (refusal) => new ApiError(403, `this DSN key does not belong to project ${refusal.projectId}`) },
  foreign_dsn: { outcome: undefined, error: (refusal) => new ApiError(403, `the envelope's dsn names project ${refusal.dsnProjectId}, not ${refusal.projectId}`) },
  empty_body: { outcome: undefined, error: () => bodyError(400, 'empty request body') },
  undecodable: { outcome: undefined, error: ({ error }) => bodyError(DECODE_ERROR_STATUS[error.code], error.detail) },
  bad_envelope: { outcome: undefined, error: ({ error }) => bodyError(ENVELOPE_ERROR_STATUS[error.code], error.detail) },
  event_too_large: { outcome: undefined, error: (refusal) => bodyError(413, `event is larger than ${refusal.maxBytes} bytes`) },
  event_too_deep: { outcome: 'too_deep', error: () => bodyError(400, `invalid event: ${tooDeepReason()}`) },
  event_invalid_json: { outcome: undefined, error: (refusal) => bodyError(400, `invalid event: ${refusal.reason}`) },
  otlp_unsupported_type: {
    outcome: undefined,
    error: (refusal) => bodyError(415, `unsupported content type ${JSON.stringify(refusal.contentType)}: OTLP/HTTP takes application/x-protobuf or application/json`),
  },
  otlp_undecodable: { outcome: undefined, error: ({ error }) => bodyError(OTLP_DECODE_ERROR_STATUS[error.code], error.detail) },
  otlp_processing_error: { outcome: undefined, error: (refusal) => bodyError(400, refusal.reason) },
  nothing_stored: { outcome: undefined, error: ({ drops }) => bodyError(400, dropText(drops[0]), drops.map(describeDrop)) },
  rate_limited: {
    outcome: 'rate_limited',
    error: (refusal) => new ApiError(429, 'rate limited', [], { ...refusal.headers, 'Retry-After': String(refusal.retryAfterS), 'X-Sentry-Error': 'rate limited' }),
  },
  kafka_overloaded: { outcome: 'overloaded', error: kafkaUnavailable },
  kafka_failed: { outcome: 'failed', error: kafkaUnavailable },
};

/** Whether a step's outcome is a refusal (a step's success is never an object with `refusal`). */
export function isRefusal<T>(outcome: T | Refusal): outcome is Refusal {
  return typeof outcome === 'object' && outcome !== null && 'refusal' in outcome;
}

/** A step's result, or its refusal counted and thrown as the answer: how a request's steps are chained. */
export function admit<T>(metrics: IngestMetrics, outcome: T | Refusal): T {
  if (isRefusal(outcome)) throw refuse(metrics, outcome);
  return outcome;
}

/** Counts the refusal's items and returns its answer, to throw. */
export function refuse(metrics: IngestMetrics, refusal: Refusal): ApiError {
  const outcome = REFUSALS[refusal.refusal].outcome;
  if (outcome !== undefined && 'items' in refusal) for (const item of refusal.items) metrics.countEvents(item.kind, outcome);
  return refusalError(refusal);
}

export function refusalError<C extends RefusalCode>(refusal: Refusal<C>): ApiError {
  return REFUSALS[refusal.refusal].error(refusal);
}
