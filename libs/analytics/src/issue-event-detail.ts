import { EVENT_JSON_NOTE_KEY } from '@pulse/model';
import type { ErrorRow } from '@pulse/storage';
import { EventExceptionDetail, exceptionDetails, isJsonObject, JsonObject, valuesOf } from './issue-event-frames';
import { parseStoredExceptions } from './errors.result';

/**
 * One error event in full, as an issue's detail shows it (Sentry's event shape): the modelled
 * columns of the `errors` row, and what only the event JSON holds (0010_error_event_json.sql): the
 * user, request, contexts and breadcrumbs as sent, frames' context lines and vars, and every
 * top-level key Pulse does not model under `unmodelled`. When ingest had to reduce the JSON, or the
 * row predates the column, `trimmed` says what is missing.
 */

/** ClickHouse's JSON gives 64-bit integers as strings (or numbers, depending on the settings). */
type Int64 = number | string;

export interface ErrorEventDetail {
  eventId: string;
  /** The grouping config the fingerprint was computed with, when the row says (the `errors` table does not store it yet). */
  groupingConfig?: string;
  fingerprint: string;
  /** ISO-8601. */
  timestamp: string;
  receivedAt: string;
  level: string;
  platform: string;
  title: string;
  message: string;
  culprit: string;
  release: string;
  environment: string;
  dist: string;
  transaction: string;
  trace: { traceId: string; spanId: string } | null;
  /** As sent; else from the stored user id (a JSON absent or reduced to its note); null without either. */
  user: JsonObject | null;
  request: JsonObject | null;
  /** The tags Pulse stored (normalized), by key. */
  tags: Array<{ key: string; value: string }>;
  contexts: JsonObject;
  breadcrumbs: unknown[];
  sdk: { name: string; version: string };
  /** Outermost last, as Sentry. */
  exceptions: EventExceptionDetail[];
  threads?: unknown;
  /** Every top-level key of the event JSON the fields above do not show (extra, modules, fingerprint, logentry…). */
  unmodelled: Record<string, unknown>;
  /** What the stored JSON lacks: ingest's reductions (`vars`, `breadcrumbs`…), or `event_json_absent` / `event_json_invalid`. */
  trimmed?: string[];
}

/** The `errors` columns the detail reads (issue-events.query.ts, EVENT_DETAIL_COLUMNS): the table's own, and its times as ms. */
export type ErrorEventDetailRow = Pick<
  ErrorRow,
  | 'event_id'
  | 'level'
  | 'platform'
  | 'title'
  | 'message'
  | 'culprit'
  | 'fingerprint'
  | 'exceptions'
  | 'transaction'
  | 'trace_id'
  | 'span_id'
  | 'release'
  | 'environment'
  | 'dist'
  | 'user_id'
  | 'sdk_name'
  | 'sdk_version'
  | 'tags'
  | 'event_json'
> & { timestamp_ms: Int64; received_at_ms: Int64 };

/** Top-level keys of the event JSON that a field of the detail shows (or that the columns model). */
const MODELLED_KEYS = new Set([
  'event_id', 'timestamp', 'level', 'platform', 'culprit', 'release', 'environment', 'dist', 'transaction',
  'user', 'request', 'tags', 'contexts', 'breadcrumbs', 'sdk', 'exception', 'threads', EVENT_JSON_NOTE_KEY,
]);

function parseEventJson(text: string): { event?: JsonObject; trimmed?: string[] } {
  if (text === '') return { trimmed: ['event_json_absent'] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { trimmed: ['event_json_invalid'] };
  }
  if (!isJsonObject(parsed)) return { trimmed: ['event_json_invalid'] };
  const note = parsed[EVENT_JSON_NOTE_KEY];
  const trimmed = isJsonObject(note) && Array.isArray(note.trimmed) ? note.trimmed.filter((step): step is string => typeof step === 'string') : undefined;
  return trimmed === undefined ? { event: parsed } : { event: parsed, trimmed };
}

const objectOrNull = (value: unknown): JsonObject | null => (isJsonObject(value) ? value : null);
const toIso = (ms: Int64): string => new Date(Number(ms)).toISOString();

/** The detail of one stored event (see the module comment). */
export function toErrorEventDetail(row: ErrorEventDetailRow): ErrorEventDetail {
  const { event, trimmed } = parseEventJson(row.event_json);
  const unmodelled: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event ?? {})) {
    // A plain `message` is the message column; a structured one (template and params) is kept as sent.
    const modelled = MODELLED_KEYS.has(key) || (key === 'message' && typeof value === 'string');
    if (!modelled) unmodelled[key] = value;
  }
  const detail: ErrorEventDetail = {
    eventId: row.event_id,
    fingerprint: row.fingerprint,
    timestamp: toIso(row.timestamp_ms),
    receivedAt: toIso(row.received_at_ms),
    level: row.level,
    platform: row.platform,
    title: row.title,
    message: row.message,
    culprit: row.culprit,
    release: row.release,
    environment: row.environment,
    dist: row.dist,
    transaction: row.transaction,
    trace: row.trace_id === '' ? null : { traceId: row.trace_id, spanId: row.span_id },
    user: objectOrNull(event?.user) ?? (row.user_id === '' ? null : { id: row.user_id }),
    request: objectOrNull(event?.request),
    tags: Object.entries(row.tags)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value })),
    contexts: objectOrNull(event?.contexts) ?? {},
    breadcrumbs: valuesOf(event?.breadcrumbs),
    sdk: { name: row.sdk_name, version: row.sdk_version },
    exceptions: exceptionDetails(parseStoredExceptions(row.exceptions), event),
    unmodelled,
  };
  if (event?.threads !== undefined) detail.threads = event.threads;
  if (trimmed !== undefined) detail.trimmed = trimmed;
  return detail;
}
