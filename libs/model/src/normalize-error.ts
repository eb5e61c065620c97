import { normalizeTags } from './tags';
import { ErrorEvent, ExceptionValue, exceptionValues, Frame, LogEntry, threadValues } from '@pulse/protocol';
import type { ErrorRecord, ExceptionRecord, StackFrame } from './error.record';
import { computeFingerprint, GROUPING_CONFIG } from './grouping';
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

/** Maps a validated error event onto an ErrorRecord. Pure: no I/O, no clock. */
export function normalizeError(event: ErrorEvent, ctx: NormalizeContext): NormalizeResult<ErrorRecord> {
  const platform = eventPlatformOf(event);
  const message = truncate(messageOf(event), ERROR_LIMITS.message);
  const chain = exceptionValues(event);
  const values = chain.length > ERROR_LIMITS.maxExceptions ? chain.slice(-ERROR_LIMITS.maxExceptions) : chain;
  const exceptions = values.map((value) => exceptionRecord(value, platform));
  if (exceptions.length === 0) {
    const frames = threadFrames(event);
    if (frames.length > 0) exceptions.push(exceptionRecord({ value: message, stacktrace: { frames } }, platform));
  }
  const transaction = truncate(event.transaction, LIMITS.transactionName);
  const trace = event.contexts?.trace;
  const client = clientOfEvent(event);
  return {
    ok: true,
    record: {
      projectId: ctx.projectId,
      eventId: eventIdOf(event.event_id, ctx),
      timestampMs: event.timestamp === undefined || event.timestamp === null ? ctx.receivedAtMs : toEpochMs(event.timestamp),
      level: LEVELS.get(String(event.level ?? 'error').toLowerCase()) ?? 'error',
      platform,
      title: titleOf(exceptions, message),
      message,
      culprit: transaction || culpritOf(exceptions, platform),
      fingerprint: fingerprintOf(event, platform, exceptions, message),
      groupingConfig: GROUPING_CONFIG,
      secondaryFingerprint: '',
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
      tags: normalizeTags(event.tags),
      eventJson: '',
      receivedAtMs: ctx.receivedAtMs,
    },
  };
}

/** A log template groups better than its formatted text, also as the value of a synthetic (type-less) exception. */
function fingerprintOf(event: ErrorEvent, platform: string, exceptions: ExceptionRecord[], message: string): string {
  const template = templateOf(event);
  return computeFingerprint({
    fingerprint: event.fingerprint ?? undefined,
    platform,
    exceptions: template ? exceptions.map((e) => (e.type === '' ? { ...e, value: template } : e)) : exceptions,
    message: template || message,
  });
}

function exceptionRecord(value: ExceptionValue, platform: string): ExceptionRecord {
  const frames = value.stacktrace?.frames ?? [];
  const half = ERROR_LIMITS.maxFrames / 2;
  const kept = frames.length > ERROR_LIMITS.maxFrames ? frames.slice(0, half).concat(frames.slice(-half)) : frames;
  return {
    type: truncate(value.type, ERROR_LIMITS.exceptionType),
    value: truncate(value.value, ERROR_LIMITS.exceptionValue),
    mechanism: truncate(value.mechanism?.type, ERROR_LIMITS.mechanism),
    handled: value.mechanism?.handled !== false,
    frames: kept.map((frame) => stackFrame(frame, platform)),
  };
}

function stackFrame(frame: Frame, eventPlatform: string): StackFrame {
  const filename = frame.filename ?? '';
  return {
    filename: truncate(filename, ERROR_LIMITS.path),
    absPath: truncate(frame.abs_path ?? filename, ERROR_LIMITS.path),
    function: truncate(frame.function, ERROR_LIMITS.function),
    module: truncate(frame.module, ERROR_LIMITS.path),
    lineno: frame.lineno ?? null,
    colno: frame.colno ?? null,
    inApp: frame.in_app ?? defaultInApp(frame.abs_path || filename, frame.platform ?? eventPlatform),
    contextLine: truncate(frame.context_line, ERROR_LIMITS.contextLine),
  };
}

/**
 * Used only when the SDK did not say. Browser frames are the app's own code (bundles included).
 * Node: code under node_modules and Node's own modules (`node:internal/...`) is not.
 * Other platforms' SDKs always say; without a rule a frame counts as not in-app.
 */
function defaultInApp(path: string, platform: string): boolean {
  if (platform === 'javascript') return true;
  if (platform !== 'node') return false;
  return path !== '' && !/[/\\]node_modules[/\\]/.test(path) && !/^(?:node:|internal[/\\])/.test(path);
}

/** Message events may carry their stack in `threads`: the crashed thread, else the current one, else the first. */
function threadFrames(event: ErrorEvent): Frame[] {
  const threads = threadValues(event).filter((thread) => (thread.stacktrace?.frames?.length ?? 0) > 0);
  const thread = threads.find((t) => t.crashed) ?? threads.find((t) => t.current) ?? threads[0];
  return thread?.stacktrace?.frames ?? [];
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
 * Sentry's culprit for the raising frame of the captured exception: the last in-app frame, else
 * the last frame. JS: `function(module or file)`; other platforms: `module or file in function`.
 */
function culpritOf(exceptions: ExceptionRecord[], platform: string): string {
  const frames = [...exceptions].reverse().find((exception) => exception.frames.length > 0)?.frames ?? [];
  const frame = frames.filter((f) => f.inApp).pop() ?? frames[frames.length - 1];
  if (!frame) return '';
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
