import type { ExceptionRecord, StackFrame } from '@pulse/model';

/**
 * The exception chain of one event in full: the stored ExceptionRecord chain (what Pulse resolved:
 * the in-app flags grouping and the culprit used, values cut to their limits) merged, frame by
 * frame, with the frames of the event JSON as the SDK sent them (context lines, vars, platform,
 * package). The record keeps the last ERROR_LIMITS.maxExceptions exceptions of the chain and, of a
 * long stack, the first and last halves (normalize-error.ts): the JSON's exceptions are matched
 * from the end of the chain and its frames from both ends, so every record frame meets the JSON
 * frame it was made from. A message event's stack comes from `threads` (the crashed thread, else
 * the current one, else the first with frames), as the normalizer chose it.
 */

/** One stack frame of the detail: the modelled fields from the record, the rest as sent. */
export interface EventFrameDetail {
  filename: string;
  absPath: string;
  module: string;
  function: string;
  lineno: number | null;
  colno: number | null;
  /** As Pulse resolved it (the SDK's flag, else Pulse's rule for the platform). */
  inApp: boolean;
  contextLine: string;
  preContext: string[];
  postContext: string[];
  vars?: Record<string, unknown>;
  platform?: string;
  package?: string;
}

export interface EventExceptionDetail {
  type: string;
  value: string;
  module?: string;
  /** The SDK's mechanism as sent, with the type and handled flag Pulse stored. */
  mechanism: { type: string; handled: boolean } & Record<string, unknown>;
  threadId?: string | number;
  /** Oldest frame first. `framesOmitted`: frames of the middle of a long stack Pulse did not keep. */
  stacktrace: { frames: EventFrameDetail[]; framesOmitted?: number };
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{values: [...]}` or a bare array (both are sent), else []. */
export function valuesOf(container: unknown): unknown[] {
  if (Array.isArray(container)) return container;
  return isJsonObject(container) && Array.isArray(container.values) ? container.values : [];
}

function framesOf(holder: unknown): JsonObject[] {
  if (!isJsonObject(holder) || !isJsonObject(holder.stacktrace)) return [];
  const frames = holder.stacktrace.frames;
  return Array.isArray(frames) ? frames.map((frame) => (isJsonObject(frame) ? frame : {})) : [];
}

const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.map((line) => (typeof line === 'string' ? line : String(line))) : []);
const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function frameDetail(frame: StackFrame, sent: JsonObject | undefined): EventFrameDetail {
  const detail: EventFrameDetail = {
    filename: frame.filename,
    absPath: frame.absPath,
    module: frame.module,
    function: frame.function,
    lineno: frame.lineno,
    colno: frame.colno,
    inApp: frame.inApp,
    contextLine: optionalString(sent?.context_line) ?? frame.contextLine,
    preContext: stringsOf(sent?.pre_context),
    postContext: stringsOf(sent?.post_context),
  };
  if (isJsonObject(sent?.vars)) detail.vars = sent.vars;
  const platform = optionalString(sent?.platform);
  if (platform !== undefined) detail.platform = platform;
  const pkg = optionalString(sent?.package);
  if (pkg !== undefined) detail.package = pkg;
  return detail;
}

/**
 * The record's frames, each with the JSON frame it came from. Equal lengths pair by index; when
 * the JSON has more (the record kept the first and last halves), the record's first half pairs
 * with the JSON's start and the rest with the JSON's end. Fewer JSON frames (a JSON that does not
 * belong to these frames) pair nothing.
 */
export function mergeFrames(recorded: readonly StackFrame[], sent: readonly JsonObject[]): { frames: EventFrameDetail[]; framesOmitted: number } {
  if (sent.length < recorded.length) return { frames: recorded.map((frame) => frameDetail(frame, undefined)), framesOmitted: 0 };
  const head = Math.ceil(recorded.length / 2);
  const frames = recorded.map((frame, i) => frameDetail(frame, sent[i < head || sent.length === recorded.length ? i : sent.length - (recorded.length - i)]));
  return { frames, framesOmitted: sent.length - recorded.length };
}

/** The thread the normalizer took a message event's stack from. */
function stackThread(event: JsonObject): JsonObject | undefined {
  const threads = valuesOf(event.threads).filter((thread): thread is JsonObject => isJsonObject(thread) && framesOf(thread).length > 0);
  return threads.find((t) => t.crashed === true) ?? threads.find((t) => t.current === true) ?? threads[0];
}

function exceptionDetail(record: ExceptionRecord, sent: JsonObject | undefined, sentFrames: JsonObject[], threadId: unknown): EventExceptionDetail {
  const merged = mergeFrames(record.frames, sentFrames);
  const mechanism = isJsonObject(sent?.mechanism) ? sent.mechanism : {};
  const detail: EventExceptionDetail = {
    type: record.type,
    value: record.value,
    mechanism: { ...mechanism, type: record.mechanism, handled: record.handled },
    stacktrace: merged.framesOmitted > 0 ? { frames: merged.frames, framesOmitted: merged.framesOmitted } : { frames: merged.frames },
  };
  const module = optionalString(sent?.module);
  if (module !== undefined) detail.module = module;
  if (typeof threadId === 'string' || typeof threadId === 'number') detail.threadId = threadId;
  return detail;
}

/**
 * The chain in full, outermost last. `event` undefined (no JSON kept): the record alone, without
 * context lines. A record exception without a JSON counterpart (the JSON was reduced to its note)
 * is shown from the record.
 */
export function exceptionDetails(records: readonly ExceptionRecord[], event: JsonObject | undefined): EventExceptionDetail[] {
  if (event === undefined) return records.map((record) => exceptionDetail(record, undefined, [], undefined));
  const sentValues = valuesOf(event.exception).map((value) => (isJsonObject(value) ? value : {}));
  if (sentValues.length === 0 && records.length === 1) {
    const thread = stackThread(event);
    if (thread !== undefined) return [exceptionDetail(records[0], undefined, framesOf(thread), thread.id)];
  }
  // The record kept the last exceptions of the chain: align from the end.
  const offset = sentValues.length - records.length;
  return records.map((record, i) => {
    const sent = offset + i >= 0 ? sentValues[offset + i] : undefined;
    return exceptionDetail(record, sent, framesOf(sent), sent?.thread_id);
  });
}
