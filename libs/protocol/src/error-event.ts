import { ClientContexts, clientContextsProblem, EventCommon, eventCommonProblem } from './event-common';
import {
  eachObject,
  hex16,
  hex32,
  hex32OrUuid,
  isAbsent,
  isInteger,
  isObject,
  JsonObject,
  nestedProblem,
  optionalBoundedString,
  optionalObject,
  optionalObjectOrArray,
  optionalString,
  PayloadResult,
  Problem,
  readPayload,
  timestamp,
} from './payload-reader';

/**
 * The part of a Sentry error event Pulse reads (store endpoint / `event` envelope item). Unknown
 * fields are allowed and ignored. Two shapes older SDKs send are accepted: `exception` (and
 * `threads`) as a bare list instead of `{values: [...]}` (read them with {@link exceptionValues}
 * and {@link threadValues}), and `message` as a string or a log entry. Strings are cut to their
 * limits during normalization, not here.
 */
export interface Frame {
  filename?: string | null;
  abs_path?: string | null;
  function?: string | null;
  module?: string | null;
  lineno?: number | null;
  colno?: number | null;
  in_app?: boolean | null;
  context_line?: string | null;
  platform?: string | null;
}

export interface Stacktrace {
  /** Oldest first: the last frame raised. */
  frames?: Frame[] | null;
}

export interface ExceptionValue {
  type?: string | null;
  value?: string | null;
  module?: string | null;
  mechanism?: { type?: string | null; handled?: boolean | null } | null;
  stacktrace?: Stacktrace | null;
  /** The `id` of the thread that raised it: its stack is that thread's when the exception has none. */
  thread_id?: number | string | null;
}

export interface Thread {
  /** Java and Go send a number, Cocoa and .NET sometimes a string. */
  id?: number | string | null;
  crashed?: boolean | null;
  current?: boolean | null;
  stacktrace?: Stacktrace | null;
}

export interface LogEntry {
  message?: string | null;
  formatted?: string | null;
  /** Positional (`%s`) parameters as a list; some SDKs send named ones as an object. */
  params?: unknown[] | Record<string, unknown> | null;
}

export interface ErrorEvent extends EventCommon {
  /** As sent; not read: Relay clears it for `event` items (see errorProblem). */
  type?: string | null;
  event_id?: string | null;
  /** Optional: the caller defaults it to the receive time. */
  timestamp?: number | string | null;
  /** Any string: unknown levels normalize to `error`. */
  level?: string | null;
  transaction?: string | null;
  fingerprint?: string[] | null;
  message?: string | LogEntry | null;
  logentry?: LogEntry | null;
  contexts?: (ClientContexts & { trace?: { trace_id?: string | null; span_id?: string | null } | null }) | null;
  /** Read only for its User-Agent header (browser and OS when `contexts` has none), leniently. */
  request?: { url?: unknown; method?: unknown; headers?: unknown } | null;
  /** The chain, innermost cause first; the last value is the exception that was captured. */
  exception?: { values?: ExceptionValue[] | null } | ExceptionValue[] | null;
  /** Message events may carry their stack trace here instead of in `exception`. */
  threads?: { values?: Thread[] | null } | Thread[] | null;
}

const MAX_TRANSACTION = 200 * 4;

export function readErrorEvent(json: unknown): PayloadResult<ErrorEvent> {
  return readPayload(json, 'error event', errorProblem);
}

/** The exception chain, whichever of the two shapes the SDK sent. */
export function exceptionValues(event: ErrorEvent): readonly ExceptionValue[] {
  return valuesOf(event.exception);
}

/** The threads, whichever of the two shapes the SDK sent. */
export function threadValues(event: ErrorEvent): readonly Thread[] {
  return valuesOf(event.threads);
}

function valuesOf<T>(list: { values?: T[] | null } | T[] | null | undefined): readonly T[] {
  if (Array.isArray(list)) return list;
  return list?.values ?? [];
}

function errorProblem(event: JsonObject): Problem {
  return (
    eventCommonProblem(event) ??
    // No check of `type`: the envelope item header decides what an item is. Relay clears an event
    // item's own `type` (relay-server/src/services/processor/event.rs `extract`), so
    // `{"type":"transaction"}` inside an `event` item is read as an error event.
    optionalString(event.type, 'type') ??
    hex32OrUuid(event.event_id, 'event_id', true) ??
    timestamp(event.timestamp, true, 'timestamp must be seconds since the epoch or an RFC 3339 string') ??
    optionalString(event.level, 'level') ??
    optionalBoundedString(event.transaction, 'transaction', MAX_TRANSACTION) ??
    fingerprintProblem(event.fingerprint) ??
    messageProblem(event.message) ??
    nestedProblem(event.logentry, 'logentry', (entry) => logEntryProblem(entry, 'logentry')) ??
    contextsProblem(event.contexts) ??
    optionalObject(event.request, 'request') ??
    listProblem(event.exception, 'exception', 'exception must be {values: [...]} or a list of exceptions', exceptionProblem) ??
    listProblem(event.threads, 'threads', 'threads must be {values: [...]} or a list of threads', threadProblem)
  );
}

function fingerprintProblem(fingerprint: unknown): Problem {
  if (isAbsent(fingerprint)) return undefined;
  return Array.isArray(fingerprint) && fingerprint.every((part) => typeof part === 'string') ? undefined : 'fingerprint must be an array of strings';
}

function messageProblem(message: unknown): Problem {
  if (isAbsent(message) || typeof message === 'string') return undefined;
  return isObject(message) ? logEntryProblem(message, 'message') : 'message must be a string or an object {message, formatted, params}';
}

function logEntryProblem(entry: JsonObject, path: string): Problem {
  return (
    optionalString(entry.message, `${path}.message`) ??
    optionalString(entry.formatted, `${path}.formatted`) ??
    optionalObjectOrArray(entry.params, `${path}.params`)
  );
}

function contextsProblem(contexts: unknown): Problem {
  return nestedProblem(
    contexts,
    'contexts',
    (value) =>
      nestedProblem(value.trace, 'contexts.trace', (trace) => hex32(trace.trace_id, 'contexts.trace.trace_id', true) ?? hex16(trace.span_id, 'contexts.trace.span_id', true)) ??
      clientContextsProblem(value),
  );
}

/**
 * `{values: [...]}` or the bare list; each value an object checked by `check`. Element checks
 * return their problem relative to the element (`stacktrace.frames.0.lineno must be ...`) and the
 * path is put in front only then: no path strings are built for valid input.
 */
function listProblem(raw: unknown, path: string, shapeMessage: string, check: (value: JsonObject) => Problem): Problem {
  if (isAbsent(raw)) return undefined;
  if (Array.isArray(raw)) return eachObject(raw, `${path}.values`, check);
  if (!isObject(raw)) return shapeMessage;
  const values = raw.values;
  if (isAbsent(values)) return undefined;
  return Array.isArray(values) ? eachObject(values, `${path}.values`, check) : `${path}.values: values must be an array`;
}

const isOptionalString = (value: unknown): boolean => isAbsent(value) || typeof value === 'string';
const isOptionalBoolean = (value: unknown): boolean => isAbsent(value) || typeof value === 'boolean';
const isOptionalInteger = (value: unknown): boolean => isAbsent(value) || isInteger(value);
const isOptionalThreadId = (value: unknown): boolean => isOptionalInteger(value) || typeof value === 'string';

function exceptionProblem(value: JsonObject): Problem {
  if (!isOptionalString(value.type)) return 'type must be a string';
  if (!isOptionalString(value.value)) return 'value must be a string';
  if (!isOptionalString(value.module)) return 'module must be a string';
  const mechanism = value.mechanism;
  if (isObject(mechanism)) {
    if (!isOptionalString(mechanism.type)) return 'mechanism.type must be a string';
    if (!isOptionalBoolean(mechanism.handled)) return 'mechanism.handled must be a boolean';
  } else if (!isAbsent(mechanism) && !Array.isArray(mechanism)) return 'mechanism must be an object';
  if (!isOptionalThreadId(value.thread_id)) return 'thread_id must be an integer or a string';
  return stacktraceProblem(value.stacktrace);
}

function threadProblem(thread: JsonObject): Problem {
  if (!isOptionalThreadId(thread.id)) return 'id must be an integer or a string';
  if (!isOptionalBoolean(thread.crashed)) return 'crashed must be a boolean';
  if (!isOptionalBoolean(thread.current)) return 'current must be a boolean';
  return stacktraceProblem(thread.stacktrace);
}

/** Nested objects: a list is accepted and not read (see nestedProblem). */
function stacktraceProblem(stacktrace: unknown): Problem {
  if (isAbsent(stacktrace) || Array.isArray(stacktrace)) return undefined;
  if (!isObject(stacktrace)) return 'stacktrace must be an object';
  const frames = stacktrace.frames;
  if (isAbsent(frames)) return undefined;
  return Array.isArray(frames) ? eachObject(frames, 'stacktrace.frames', frameProblem) : 'stacktrace.frames must be an array';
}

function frameProblem(frame: JsonObject): Problem {
  if (!isOptionalString(frame.filename)) return 'filename must be a string';
  if (!isOptionalString(frame.abs_path)) return 'abs_path must be a string';
  if (!isOptionalString(frame.function)) return 'function must be a string';
  if (!isOptionalString(frame.module)) return 'module must be a string';
  if (!isOptionalInteger(frame.lineno)) return 'lineno must be an integer number';
  if (!isOptionalInteger(frame.colno)) return 'colno must be an integer number';
  if (!isOptionalBoolean(frame.in_app)) return 'in_app must be a boolean';
  if (!isOptionalString(frame.context_line)) return 'context_line must be a string';
  return isOptionalString(frame.platform) ? undefined : 'platform must be a string';
}
