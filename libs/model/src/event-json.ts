/**
 * The error event as the SDK sent it (ErrorRecord.eventJson), bounded. "Nothing the SDK sent is
 * silently lost": what the modelled columns leave out (breadcrumbs, request, contexts, frames'
 * context lines and vars, extra, modules…) is kept as the item's own JSON text, copied as it came
 * (no re-serialization) while it fits EVENT_JSON_LIMITS.maxEventBytes.
 *
 * Why a bound: the text travels in the error's Kafka record (a `/2` message groups records up to
 * 256 KiB and a larger record goes alone; the broker refuses a record batch over its
 * `message.max.bytes`, 1 MiB by Kafka's default) and is a ClickHouse row that the issue detail
 * reads whole. SDKs keep 100 breadcrumbs and, on some platforms, every frame's local variables:
 * a Python or PHP event with vars reaches several hundred KiB, while a JS/Node event without them
 * is a few KiB. 256 KiB keeps every ordinary event whole.
 *
 * Over the bound the event is reduced step by step, cheapest loss first, until it fits:
 * frame `vars` (large, and the least often needed), older breadcrumbs (the last 20 stay: the ones
 * just before the error), `extra`, `modules` and `debug_meta` (environment metadata), the request
 * body, frames' pre/post context lines (the source is in the repository), `contexts`, every
 * breadcrumb, `threads`. What was dropped is named in `"_pulse": {"trimmed": [...],
 * "originalBytes": n}`, so the detail view says what is missing. If even that does not fit, only
 * the `_pulse` note stays (`trimmed: ["event"]`): the modelled columns still hold the event.
 *
 * The request budget (EVENT_JSON_LIMITS.maxRequestBytes) bounds what one request adds to its
 * Kafka batch: once a request's events used it, the following ones keep only the note
 * (`trimmed: ["request_budget"]`). Never an error: the event is stored either way.
 */

export const EVENT_JSON_LIMITS = {
  /** Largest event JSON kept per error, in UTF-8 bytes. */
  maxEventBytes: 256 * 1024,
  /** Event JSON bytes one request may carry in total (a 20 MiB envelope holds ~80 maximal events). */
  maxRequestBytes: 2 * 1024 * 1024,
  /** Breadcrumbs kept (the most recent) when breadcrumbs must be cut. */
  keptBreadcrumbs: 20,
} as const;

/** The key of Pulse's note in a reduced event JSON. */
export const EVENT_JSON_NOTE_KEY = '_pulse';

/** What a reduced event JSON says about itself under EVENT_JSON_NOTE_KEY. */
export interface EventJsonNote {
  trimmed: string[];
  originalBytes: number;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `exception.values[].stacktrace` and `threads.values[].stacktrace` (both may also be bare arrays, as some SDKs send). */
function stacktraces(event: JsonObject): JsonObject[] {
  const found: JsonObject[] = [];
  for (const key of ['exception', 'threads']) {
    const container = event[key];
    const values = Array.isArray(container) ? container : isObject(container) && Array.isArray(container.values) ? container.values : [];
    for (const value of values) if (isObject(value) && isObject(value.stacktrace)) found.push(value.stacktrace);
  }
  if (isObject(event.stacktrace)) found.push(event.stacktrace);
  return found;
}

/** Replaces each frame by a copy without `keys`; the original parsed JSON is never changed. */
function withoutFrameKeys(event: JsonObject, keys: readonly string[]): boolean {
  let changed = false;
  for (const stacktrace of stacktraces(event)) {
    if (!Array.isArray(stacktrace.frames)) continue;
    stacktrace.frames = stacktrace.frames.map((frame: unknown) => {
      if (!isObject(frame) || !keys.some((key) => key in frame)) return frame;
      changed = true;
      const copy = { ...frame };
      for (const key of keys) delete copy[key];
      return copy;
    });
  }
  return changed;
}

function withoutKeys(event: JsonObject, keys: readonly string[]): boolean {
  let changed = false;
  for (const key of keys) {
    if (key in event) {
      delete event[key];
      changed = true;
    }
  }
  return changed;
}

function breadcrumbList(event: JsonObject): unknown[] | undefined {
  const crumbs = event.breadcrumbs;
  if (Array.isArray(crumbs)) return crumbs;
  return isObject(crumbs) && Array.isArray(crumbs.values) ? crumbs.values : undefined;
}

/** The reduction steps, in order: each returns whether it removed anything. */
const STEPS: ReadonlyArray<{ name: string; apply: (event: JsonObject) => boolean }> = [
  { name: 'vars', apply: (event) => withoutFrameKeys(event, ['vars']) },
  {
    name: 'breadcrumbs',
    apply: (event) => {
      const list = breadcrumbList(event);
      if (list === undefined || list.length <= EVENT_JSON_LIMITS.keptBreadcrumbs) return false;
      event.breadcrumbs = { values: list.slice(-EVENT_JSON_LIMITS.keptBreadcrumbs) };
      return true;
    },
  },
  { name: 'extra', apply: (event) => withoutKeys(event, ['extra']) },
  { name: 'modules', apply: (event) => withoutKeys(event, ['modules', 'debug_meta']) },
  {
    name: 'request.data',
    apply: (event) => {
      if (!isObject(event.request) || !('data' in event.request)) return false;
      const request = { ...event.request };
      delete request.data;
      event.request = request;
      return true;
    },
  },
  { name: 'context_lines', apply: (event) => withoutFrameKeys(event, ['pre_context', 'post_context']) },
  { name: 'contexts', apply: (event) => withoutKeys(event, ['contexts']) },
  { name: 'all_breadcrumbs', apply: (event) => withoutKeys(event, ['breadcrumbs']) },
  { name: 'threads', apply: (event) => withoutKeys(event, ['threads']) },
];

/** A copy of the containers the steps change (exception, threads, their values and stacktraces); the rest is shared. */
function shallowEventCopy(event: JsonObject): JsonObject {
  const copy: JsonObject = { ...event };
  for (const key of ['exception', 'threads']) {
    const container = copy[key];
    const copyValues = (values: unknown[]): unknown[] => values.map((value) => (isObject(value) && isObject(value.stacktrace) ? { ...value, stacktrace: { ...value.stacktrace } } : value));
    if (Array.isArray(container)) copy[key] = copyValues(container);
    else if (isObject(container) && Array.isArray(container.values)) copy[key] = { ...container, values: copyValues(container.values) };
  }
  if (isObject(copy.stacktrace)) copy.stacktrace = { ...copy.stacktrace };
  return copy;
}

function noted(event: JsonObject, note: EventJsonNote): string {
  return JSON.stringify({ ...event, [EVENT_JSON_NOTE_KEY]: note });
}

/**
 * The event JSON to keep for an item whose bytes are `payload` and parsed JSON `json`: the text
 * itself when it fits `maxBytes`, else the reduced event with its note (see the module comment).
 */
export function boundEventJson(payload: Buffer, json: unknown, maxBytes: number = EVENT_JSON_LIMITS.maxEventBytes): string {
  if (payload.length <= maxBytes) return payload.toString('utf8');
  const note: EventJsonNote = { trimmed: [], originalBytes: payload.length };
  if (!isObject(json)) return JSON.stringify({ [EVENT_JSON_NOTE_KEY]: { ...note, trimmed: ['event'] } });
  const event = shallowEventCopy(json);
  for (const step of STEPS) {
    if (!step.apply(event)) continue;
    note.trimmed.push(step.name);
    const text = noted(event, note);
    if (Buffer.byteLength(text) <= maxBytes) return text;
  }
  return JSON.stringify({ [EVENT_JSON_NOTE_KEY]: { ...note, trimmed: [...note.trimmed, 'event'] } });
}

/**
 * The event JSON of one request's errors, in order, within the request budget: each event is
 * bounded by boundEventJson, and once the request's total would pass `maxRequestBytes` the
 * remaining events keep only the note.
 */
export class EventJsonBudget {
  private used = 0;

  constructor(private readonly maxRequestBytes: number = EVENT_JSON_LIMITS.maxRequestBytes) {}

  take(payload: Buffer, json: unknown): string {
    const text = boundEventJson(payload, json);
    const bytes = payload.length <= EVENT_JSON_LIMITS.maxEventBytes ? payload.length : Buffer.byteLength(text);
    if (this.used + bytes > this.maxRequestBytes) {
      return JSON.stringify({ [EVENT_JSON_NOTE_KEY]: { trimmed: ['request_budget'], originalBytes: payload.length } satisfies EventJsonNote });
    }
    this.used += bytes;
    return text;
  }
}
