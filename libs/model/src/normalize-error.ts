import { normalizeTags } from './tags';
import { ErrorEvent, ExceptionValue, exceptionValues, Frame, LogEntry, Thread, threadValues } from '@pulse/protocol';
import type { ErrorRecord, ExceptionRecord, StackFrame } from './error.record';
import { computeGrouping, platformFamily, PlatformFamily, resolveInApp } from './grouping';
import { LIMITS, truncate } from './limits';
import { eventDistOf, eventEnvironmentOf, eventIdOf, NormalizeContext, NormalizeResult, eventPlatformOf, eventReleaseOf, eventSdkNameOf, eventSdkVersionOf } from './normalize-context';
import { toEpochMs } from './timestamps';
import { userIdOf } from './user';
import { clientOfEvent } from './user-agent';

/** Limits for error fields (Relay's, where it has one). Longer values are cut, not rejected. */
export const ERROR_LIMITS = {
  title: 200,
  message: 8192,
  culprit: 200,
  exceptionType: 256,
  exceptionValue: 4096,
  mechanism: 64,
  path: 256,
  function: 256,
  contextLine: 256,
  /** Frames kept per exception: the first and last halves, as Relay trims the middle. */
  maxFrames: 250,
  /** Exceptions kept per chain: the outermost ones. */
  maxExceptions: 20,
} as const;

const LEVELS = new Map<string, ErrorRecord['level']>([
  ['fatal', 'fatal'], ['critical', 'fatal'], ['error', 'error'], ['warning', 'warning'],
  ['warn', 'warning'], ['info', 'info'], ['log', 'info'], ['debug', 'debug'],
]);
const JS_PLATFORMS = new Set(['javascript', 'node']);
const NATIVE_CULPRIT_PLATFORMS = new Set(['native', 'objc', 'cocoa']);

/** Maps a validated error event onto an ErrorRecord. Pure: no I/O, no clock. */
export function normalizeError(event: ErrorEvent, ctx: NormalizeContext): NormalizeResult<ErrorRecord> {
  const platform = eventPlatformOf(event);
  const message = truncate(messageOf(event), ERROR_LIMITS.message);
  const chain = exceptionValues(event);
  const values = chain.length > ERROR_LIMITS.maxExceptions ? chain.slice(-ERROR_LIMITS.maxExceptions) : chain;
  const threads = threadValues(event);
  const family = platformFamily(platform);
  const exceptions = values.map((value, i) => exceptionRecord(withThreadStack(value, threads, i === values.length - 1), family));
  const fromThread = exceptions.length === 0 && threads.length > 0;
  if (fromThread) {
    const frames = threadStack(threads)?.stacktrace?.frames ?? [];
    if (frames.length > 0) exceptions.push(exceptionRecord({ value: message, stacktrace: { frames } }, family));
  }
  const transaction = truncate(event.transaction, LIMITS.transactionName);
  const trace = event.contexts?.trace;
  const client = clientOfEvent(event);
  const level = LEVELS.get(String(event.level ?? 'error').toLowerCase()) ?? 'error';
  const tags = normalizeTags(event.tags);
  const grouping = computeGrouping({ event, platform, exceptions, fromThread: fromThread && exceptions.length > 0, message, template: templateOf(event), level, tags });
  return {
    ok: true,
    record: {
      projectId: ctx.projectId,
      eventId: eventIdOf(event.event_id, ctx),
      timestampMs: event.timestamp === undefined || event.timestamp === null ? ctx.receivedAtMs : toEpochMs(event.timestamp),
      level,
      platform,
      title: titleOf(exceptions, message),
      message,
      culprit: transaction || culpritOf(exceptions, platform),
      fingerprint: grouping.fingerprint,
      groupingConfig: grouping.groupingConfig,
      secondaryFingerprint: grouping.secondaryFingerprint,
      handled: !values.some((value) => value.mechanism?.handled === false),
      exceptions,
      transaction,
      traceId: (trace?.trace_id ?? '').toLowerCase(),
      spanId: (trace?.span_id ?? '').toLowerCase(),
      release: eventReleaseOf(event),
      environment: eventEnvironmentOf(event),
      dist: eventDistOf(event),
      userId: userIdOf(event.user),
      browserName: client.browserName,
      osName: client.osName,
      sdkName: eventSdkNameOf(event),
      sdkVersion: eventSdkVersionOf(event),
      tags,
      eventJson: '',
      receivedAtMs: ctx.receivedAtMs,
    },
  };
}

/**
 * An exception without a stack takes its thread's: the one whose `id` is its `thread_id`; for the
 * captured (last) exception, when no thread has that id or it has none, the crashed thread, else the
 * current one, else the only one (docs/issues.md, "Frames, threads and item types").
 */
function withThreadStack(value: ExceptionValue, threads: readonly Thread[], captured: boolean): ExceptionValue {
  if (threads.length === 0 || (value.stacktrace?.frames?.length ?? 0) > 0) return value;
  const id = value.thread_id;
  const own = id === undefined || id === null ? undefined : threads.find((thread) => thread.id !== undefined && thread.id !== null && String(thread.id) === String(id));
  const frames = (own ?? (captured ? threadStack(threads) : undefined))?.stacktrace?.frames;
  return frames && frames.length > 0 ? { ...value, stacktrace: { frames } } : value;
}

/** The thread whose stack stands for the event's: the crashed one, else the current one, else the only one. */
function threadStack(threads: readonly Thread[]): Thread | undefined {
  return threads.find((t) => t.crashed) ?? threads.find((t) => t.current) ?? (threads.length === 1 ? threads[0] : undefined);
}

function exceptionRecord(value: ExceptionValue, family: PlatformFamily): ExceptionRecord {
  const frames = value.stacktrace?.frames ?? [];
  const half = ERROR_LIMITS.maxFrames / 2;
  const kept = frames.length > ERROR_LIMITS.maxFrames ? frames.slice(0, half).concat(frames.slice(-half)) : frames;
  return {
    type: truncate(value.type, ERROR_LIMITS.exceptionType),
    value: truncate(value.value, ERROR_LIMITS.exceptionValue),
    mechanism: truncate(value.mechanism?.type, ERROR_LIMITS.mechanism),
    handled: value.mechanism?.handled !== false,
    frames: kept.map((frame) => stackFrame(frame, family)),
  };
}

/**
 * Relay's frame paths (relay-event-normalization/src/stacktrace.rs `process_non_raw_frame`): no
 * abs_path → the filename is it; no filename → the abs_path, or its URL path for an http(s)/file
 * URL (`http://x/assets/app.js` → `/assets/app.js`). In-app: frame-rules.ts over the SDK's flag.
 */
function stackFrame(frame: Frame, family: PlatformFamily): StackFrame {
  // Without abs_path, the filename moves there and is derived back from it (a URL becomes its path).
  const absPath = frame.abs_path || frame.filename || '';
  const filename = (frame.abs_path && frame.filename) || filenameFromAbsPath(absPath);
  const record = {
    filename: truncate(filename, ERROR_LIMITS.path),
    absPath: truncate(absPath, ERROR_LIMITS.path),
    function: truncate(frame.function, ERROR_LIMITS.function),
    module: truncate(frame.module, ERROR_LIMITS.path),
    lineno: frame.lineno ?? null,
    colno: frame.colno ?? null,
    inApp: false,
    contextLine: truncate(frame.context_line, ERROR_LIMITS.contextLine),
  };
  record.inApp = resolveInApp(record, frame.in_app, frame.platform ? platformFamily(frame.platform) : family);
  return record;
}

const URL_FILENAME = /^(?:file|https?|applewebdata):/;

function filenameFromAbsPath(absPath: string): string {
  if (!URL_FILENAME.test(absPath)) return absPath;
  try {
    const path = new URL(absPath).pathname;
    return path === '' || path === '/' ? absPath : path;
  } catch {
    return absPath;
  }
}

/** `logentry.formatted`, `message.formatted`, then the template (formatted with `%s` params), then a plain `message`. */
function messageOf(event: ErrorEvent): string {
  const entry = typeof event.message === 'object' ? event.message : undefined;
  const formatted = event.logentry?.formatted ?? entry?.formatted;
  if (formatted) return formatted;
  for (const logEntry of [event.logentry, entry]) {
    if (logEntry?.message) return formatTemplate(logEntry.message, logEntry.params);
  }
  return typeof event.message === 'string' ? event.message : '';
}

function templateOf(event: ErrorEvent): string {
  const entry = typeof event.message === 'object' ? event.message : undefined;
  return event.logentry?.message ?? entry?.message ?? '';
}

/** `%s`, `%d`, `%i`, `%f` take the positional params in turn; `%%` is a percent sign. */
function formatTemplate(template: string, params: LogEntry['params']): string {
  if (!Array.isArray(params) || params.length === 0) return template;
  let next = 0;
  return template.replace(/%[sdif%]/g, (token) => {
    if (token === '%%') return '%';
    if (next >= params.length) return token;
    const param: unknown = params[next++];
    return typeof param === 'string' ? param : JSON.stringify(param) ?? String(param);
  });
}

/** `Type: value` of the captured (last) exception, first line only; else the message. */
function titleOf(exceptions: ExceptionRecord[], message: string): string {
  const last = exceptions[exceptions.length - 1];
  const value = firstLine(last?.value ?? '');
  const title = last?.type ? (value ? `${last.type}: ${value}` : last.type) : value || firstLine(message);
  return truncate(title || '<unlabeled event>', ERROR_LIMITS.title);
}

/**
 * Sentry's culprit for the raising frame of the captured exception (`get_frame_culprit`): the last
 * in-app frame, else the last frame. Native code: the function alone; JS: `function(module or
 * file)`; other platforms: `module or file in function`.
 */
function culpritOf(exceptions: ExceptionRecord[], platform: string): string {
  const frames = [...exceptions].reverse().find((exception) => exception.frames.length > 0)?.frames ?? [];
  const frame = frames.filter((f) => f.inApp).pop() ?? frames[frames.length - 1];
  if (!frame) return '';
  if (NATIVE_CULPRIT_PLATFORMS.has(platform)) return truncate(frame.function || '?', ERROR_LIMITS.culprit);
  const location = frame.module || displayPath(frame.filename || frame.absPath);
  const fn = frame.function || '?';
  if (!location) return truncate(frame.function, ERROR_LIMITS.culprit);
  return truncate(JS_PLATFORMS.has(platform) ? `${fn}(${location})` : `${location} in ${fn}`, ERROR_LIMITS.culprit);
}

/** `https://shop.example/assets/app.js?v=2` → `/assets/app.js`; plain paths unchanged. */
function displayPath(path: string): string {
  return path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/, 1)[0] ?? '';
}
