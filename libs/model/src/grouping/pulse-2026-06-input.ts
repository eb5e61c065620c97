import { ExceptionValue, exceptionValues, Frame, threadValues } from '@pulse/protocol';
import type { GroupingConfig, GroupingSource } from './grouping-source';
import { computeFingerprint, GroupingException, GroupingFrame, PULSE_2026_06 } from './pulse-2026-06';

/**
 * The input `pulse:2026-06` was computed from, rebuilt from the event as normalize-error.ts built
 * it until that config was replaced: the SDK's `in_app` else the old platform default, the event's
 * own filename/abs_path, the crashed/current/first thread for message events, the same limits.
 * Frozen with the config: normalization may change, these hashes may not.
 */
const LIMITS = { exceptionType: 256, exceptionValue: 4096, path: 256, function: 256, maxFrames: 250, maxExceptions: 20 } as const;

export const pulse2026_06: GroupingConfig = {
  id: PULSE_2026_06,
  fingerprint(source: GroupingSource): string {
    const chain = exceptionValues(source.event);
    const values = chain.length > LIMITS.maxExceptions ? chain.slice(-LIMITS.maxExceptions) : chain;
    const exceptions = values.map((value) => legacyException(value, source.platform));
    if (exceptions.length === 0) {
      const frames = legacyThreadFrames(source);
      if (frames.length > 0) exceptions.push(legacyException({ value: source.message, stacktrace: { frames } }, source.platform));
    }
    const template = source.template;
    return computeFingerprint({
      fingerprint: source.event.fingerprint ?? undefined,
      platform: source.platform,
      exceptions: template ? exceptions.map((e) => (e.type === '' ? { ...e, value: template } : e)) : exceptions,
      message: template || source.message,
    });
  },
};

function cut(value: string | null | undefined, max: number): string {
  const text = value ?? '';
  return text.length > max ? text.slice(0, max) : text;
}

function legacyException(value: ExceptionValue, platform: string): GroupingException & { type: string } {
  const frames = value.stacktrace?.frames ?? [];
  const half = LIMITS.maxFrames / 2;
  const kept = frames.length > LIMITS.maxFrames ? frames.slice(0, half).concat(frames.slice(-half)) : frames;
  return {
    type: cut(value.type, LIMITS.exceptionType),
    value: cut(value.value, LIMITS.exceptionValue),
    frames: kept.map((frame) => legacyFrame(frame, platform)),
  };
}

function legacyFrame(frame: Frame, eventPlatform: string): GroupingFrame {
  const filename = frame.filename ?? '';
  return {
    filename: cut(filename, LIMITS.path),
    absPath: cut(frame.abs_path ?? filename, LIMITS.path),
    function: cut(frame.function, LIMITS.function),
    module: cut(frame.module, LIMITS.path),
    inApp: frame.in_app ?? legacyDefaultInApp(frame.abs_path || filename, frame.platform ?? eventPlatform),
  };
}

function legacyDefaultInApp(path: string, platform: string): boolean {
  if (platform === 'javascript') return true;
  if (platform !== 'node') return false;
  return path !== '' && !/[/\\]node_modules[/\\]/.test(path) && !/^(?:node:|internal[/\\])/.test(path);
}

function legacyThreadFrames(source: GroupingSource): Frame[] {
  const threads = threadValues(source.event).filter((thread) => (thread.stacktrace?.frames?.length ?? 0) > 0);
  const thread = threads.find((t) => t.crashed) ?? threads.find((t) => t.current) ?? threads[0];
  return thread?.stacktrace?.frames ?? [];
}
