import { parseDsn } from './dsn';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth';

/*
 * Sentry envelope wire format — the body of `POST /api/<project_id>/envelope/`:
 *
 *   {"event_id":"9ec7…","sent_at":"2026-11-24T10:00:00.000Z","sdk":{…},"trace":{…}}\n  envelope header
 *   {"type":"event"}\n                                                                 item header
 *   {"message":"hello","level":"error"}\n                                             payload, up to the next \n
 *   {"type":"attachment","length":11,"filename":"a.log"}\n                           item header with length
 *   Hello\nworld                                                                      exactly 11 BYTES, then \n or end
 *
 * - Headers are one line of JSON each (JSON escapes newlines inside strings): a header ends at the
 *   next `\n`. The envelope header comes first; then zero or more items, each a header and a payload.
 * - `length` counts bytes, not characters; the payload may hold anything, newlines included, and
 *   the byte after it must be `\n` or the end of the body. Without `length` the payload runs to the
 *   next `\n` or the end of the body (the JS SDK writes no length for JSON items).
 * - The final newline is optional: a body may end right after a payload or even an item header
 *   (then the payload is empty).
 * - Where a header is expected, whitespace is skipped: Relay's JSON reader does the same, so blank
 *   lines between items pass there too. (Relay refuses blank lines at the very end; Pulse takes them.)
 * Relay: relay-server/src/envelope/mod.rs and item.rs (`Envelope::parse_bytes`, `Item::parse`).
 *
 * Only headers are JSON-parsed here; payloads stay zero-copy slices of the body for the caller.
 */

export type ItemKind = 'event' | 'transaction' | 'span' | 'session' | 'sessions' | 'client_report' | 'dropped' | 'unknown';

export interface EnvelopeLimits {
  /** Most items one envelope may hold; parsing stops at the first item past it. */
  maxItems: number;
  /** Largest payload, in bytes, of an item Pulse stores (event, transaction, span, session(s)). Relay: 1 MiB. */
  maxItemBytes: number;
  /** Per-kind overrides. Items Pulse drops unread ('dropped', 'unknown') have no limit unless set here: the body limit bounds them. */
  maxItemBytesByKind?: Partial<Record<ItemKind, number>>;
}

export interface EnvelopeSdk { name?: string; version?: string; [key: string]: unknown }

/** Dynamic sampling context. Values stay as sent: the JS SDK writes `sample_rate` and `sampled` as strings. */
export interface EnvelopeTrace {
  trace_id?: string;
  public_key?: string;
  release?: string;
  environment?: string;
  transaction?: string;
  [key: string]: unknown;
}

export interface EnvelopeHeader {
  /** 32 lower-case hex digits (a dashed UUID is accepted and normalized). */
  event_id?: string;
  /** Full DSN (valid per `parseDsn`); the auth of tunnelled requests. */
  dsn?: string;
  /** When the SDK sent the envelope (RFC 3339), for clock-drift correction. */
  sent_at?: string;
  sdk?: EnvelopeSdk;
  trace?: EnvelopeTrace;
  /** Every other field, and `sdk` / `trace` when they are malformed (Relay ignores a bad `trace`). */
  other: Record<string, unknown>;
}

export interface ItemHeader {
  type: string;
  /** Payload size in bytes, when the SDK declared it. */
  length?: number;
  content_type?: string;
  /** Number of entries in a container item (span v2 batches, logs). */
  item_count?: number;
  filename?: string;
  attachment_type?: string;
  other: Record<string, unknown>;
}

export interface EnvelopeItem {
  type: string;
  header: ItemHeader;
  /** A view into the request body, not a copy. */
  payload: Buffer;
}

export interface Envelope {
  header: EnvelopeHeader;
  items: EnvelopeItem[];
}

export type EnvelopeErrorCode =
  | 'empty' // no envelope header at all
  | 'header_invalid' // envelope header not a JSON object, or a known field malformed
  | 'item_header_invalid' // item header not a JSON object, no string `type`, malformed `length`...
  | 'length_mismatch' // `length` runs past the end of the body
  | 'missing_newline' // the byte after a length-delimited payload is not `\n`
  | 'too_many_items' // more than `maxItems` items
  | 'item_too_large'; // one payload over its per-kind byte limit

export interface EnvelopeError {
  code: EnvelopeErrorCode;
  detail: string;
}

export type EnvelopeResult = { ok: true; envelope: Envelope } | { ok: false; error: EnvelopeError };

/** HTTP status per error, as Relay answers: size limits are 413 (`check_envelope_size_limits`), the rest 400. */
export const ENVELOPE_ERROR_STATUS: Record<EnvelopeErrorCode, number> = {
  empty: 400, header_invalid: 400, item_header_invalid: 400, length_mismatch: 400, missing_newline: 400, too_many_items: 413, item_too_large: 413,
};

const KINDS = new Map<string, ItemKind>([
  ...(['event', 'transaction', 'span', 'session', 'sessions', 'client_report'] as const).map((kind) => [kind, kind] as const),
  // Accepted and counted, never stored. otel_span carries OTLP JSON, not the span v2 format.
  ...['attachment', 'replay_event', 'replay_recording', 'replay_video', 'profile', 'profile_chunk',
    'profile_chunk_ui', 'check_in', 'feedback', 'user_report', 'log', 'otel_log', 'trace_metric', 'statsd',
    'metric_buckets', 'metric_meta', 'security', 'raw_security', 'nel', 'form_data', 'unreal_report', 'otel_span',
    'otel_traces_data'].map((type) => [type, 'dropped'] as const),
]);

/** What Pulse does with an item type; anything not listed is 'unknown' (skipped, not an error). */
export function itemKind(type: string): ItemKind {
  return KINDS.get(type) ?? 'unknown';
}

const NEWLINE = 10;
const STORED: ReadonlySet<ItemKind> = new Set(['event', 'transaction', 'span', 'session', 'sessions', 'client_report']);
const EVENT_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function parseEnvelope(body: Buffer, limits: EnvelopeLimits): EnvelopeResult {
  let pos = skipBlankLines(body, 0);
  if (pos >= body.length) return fail('empty', 'the envelope is empty: it has no header line');
  let end = lineEnd(body, pos);
  const headerJson = readJsonObject(body, pos, end);
  if (typeof headerJson === 'string') return fail('header_invalid', `envelope header ${headerJson}`);
  const header = readEnvelopeHeader(headerJson);
  if (typeof header === 'string') return fail('header_invalid', `envelope header: ${header}`);

  const items: EnvelopeItem[] = [];
  for (pos = skipBlankLines(body, end + 1); pos < body.length; pos = skipBlankLines(body, pos)) {
    const index = items.length;
    if (index >= limits.maxItems) return fail('too_many_items', `item ${index}: the envelope holds more than ${limits.maxItems} items`);
    end = lineEnd(body, pos);
    const json = readJsonObject(body, pos, end);
    if (typeof json === 'string') return fail('item_header_invalid', `item ${index}: header ${json}`);
    const itemHeader = readItemHeader(json);
    if (typeof itemHeader === 'string') return fail('item_header_invalid', `item ${index}: ${itemHeader}`);
    const { type, length } = itemHeader;

    const start = Math.min(end + 1, body.length);
    let payloadEnd: number;
    if (length === undefined) payloadEnd = lineEnd(body, start);
    else {
      payloadEnd = start + length;
      if (payloadEnd > body.length) {
        return fail('length_mismatch', `item ${index} (${type}): length ${length} runs past the end of the body (${body.length - start} bytes left)`);
      }
      if (payloadEnd < body.length && body[payloadEnd] !== NEWLINE) {
        return fail('missing_newline', `item ${index} (${type}): no newline after its ${length}-byte payload`);
      }
    }

    const size = payloadEnd - start;
    const kind = itemKind(type);
    const maxBytes = limits.maxItemBytesByKind?.[kind] ?? (STORED.has(kind) ? limits.maxItemBytes : Infinity);
    if (size > maxBytes) return fail('item_too_large', `item ${index} (${type}): ${size} bytes, more than the ${maxBytes} allowed`);

    items.push({ type, header: itemHeader, payload: body.subarray(start, payloadEnd) });
    pos = payloadEnd + 1;
  }
  return { ok: true, envelope: { header, items } };
}

function lineEnd(body: Buffer, from: number): number {
  const at = body.indexOf(NEWLINE, from);
  return at === -1 ? body.length : at;
}

/** Skips spaces, tabs, CR and LF; returns the position of the next other byte (or the end). */
function skipBlankLines(body: Buffer, from: number): number {
  let pos = from;
  while (pos < body.length) {
    const byte = body[pos];
    if (byte !== NEWLINE && byte !== 32 && byte !== 9 && byte !== 13) break;
    pos++;
  }
  return pos;
}

/** The parsed object, or a string saying what is wrong with the line. */
function readJsonObject(body: Buffer, start: number, end: number): Record<string, unknown> | string {
  // Header values are quoted in error details (JSON.stringify recurses): bound them first.
  if (exceedsJsonDepth(body.subarray(start, end))) return `is nested deeper than ${MAX_JSON_DEPTH} levels (the limit)`;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8', start, end));
  } catch (err) {
    return `is not valid JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  return value as Record<string, unknown>;
}

/**
 * Fields Relay rejects the envelope for when malformed (event_id, dsn, sent_at) are errors; a bad
 * `sdk` or `trace` is only left out of the typed fields. `null` means absent, as in Relay.
 */
function readEnvelopeHeader(json: Record<string, unknown>): EnvelopeHeader | string {
  const { event_id, dsn, sent_at, sdk, trace, ...other } = json;
  const header: EnvelopeHeader = { other };
  if (event_id != null) {
    if (typeof event_id !== 'string' || !EVENT_ID.test(event_id)) return `"event_id" must be 32 hex digits or a UUID, got ${show(event_id)}`;
    header.event_id = event_id.replace(/-/g, '').toLowerCase();
  }
  if (dsn != null) {
    if (typeof dsn !== 'string' || parseDsn(dsn) === undefined) return `"dsn" is not a valid DSN: ${show(dsn)}`;
    header.dsn = dsn;
  }
  if (sent_at != null) {
    if (typeof sent_at !== 'string' || Number.isNaN(Date.parse(sent_at))) return `"sent_at" must be an RFC 3339 timestamp, got ${show(sent_at)}`;
    header.sent_at = sent_at;
  }
  if (sdk != null) {
    if (isObjectWithStrings(sdk, ['name', 'version'])) header.sdk = sdk;
    else other.sdk = sdk;
  }
  if (trace != null) {
    if (isObjectWithStrings(trace, ['trace_id', 'public_key', 'release', 'environment', 'transaction'])) header.trace = trace;
    else other.trace = trace;
  }
  return header;
}

function readItemHeader(json: Record<string, unknown>): ItemHeader | string {
  const { type, length, content_type, item_count, filename, attachment_type, ...other } = json;
  if (typeof type !== 'string') return type === undefined ? 'header has no "type"' : `"type" must be a string, got ${show(type)}`;
  const header: ItemHeader = { type, other };
  if (length != null) {
    if (!isCount(length)) return `"length" must be a non-negative integer, got ${show(length)}`;
    header.length = length;
  }
  if (item_count != null) {
    if (!isCount(item_count)) return `"item_count" must be a non-negative integer, got ${show(item_count)}`;
    header.item_count = item_count;
  }
  for (const [name, value] of [['content_type', content_type], ['filename', filename], ['attachment_type', attachment_type]] as const) {
    if (value == null) continue;
    if (typeof value !== 'string') return `"${name}" must be a string, got ${show(value)}`;
    header[name] = value;
  }
  return header;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isObjectWithStrings(value: unknown, keys: string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return keys.every((key) => record[key] === undefined || typeof record[key] === 'string');
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(code: EnvelopeErrorCode, detail: string): EnvelopeResult {
  return { ok: false, error: { code, detail } };
}
