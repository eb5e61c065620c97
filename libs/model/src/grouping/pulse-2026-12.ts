import { createHash } from 'node:crypto';
import type { ExceptionRecord, StackFrame } from '../error.record';
import { frameComponent } from './frame-component';
import { frameCanGroup, platformFamily, PlatformFamily } from './frame-rules';
import type { GroupingConfig, GroupingSource } from './grouping-source';
import { normalizeMessageForGrouping, parameterize } from './parameterize';

/**
 * Grouping config `pulse:2026-12`: Sentry's current default (newstyle) grouping
 * (getsentry/sentry src/sentry/grouping/strategies/newstyle.py; docs/issues.md, "Grouping").
 * 1. An SDK `fingerprint` wins; `{{ default }}` in it stands for the default grouping and the other
 *    variables of src/sentry/grouping/fingerprinting/utils.py resolve to event values.
 * 2. Exceptions (the whole chain, in order): each contributes its type plus its stack, or, when no
 *    frame of it contributes, its type plus its parameterized value. Only in-app frames count,
 *    unless no frame of the event is in-app (Sentry's "app" variant, falling back to "system").
 *    Frames: frame-component.ts; rules: frame-rules.ts; a frame equal to the one before it
 *    (recursion, line included) counts once.
 * 3. A message event with one thread stack: that stack (Sentry's `threads:v1`); else the message,
 *    its template when there is one, trimmed and parameterized (parameterize.ts).
 */
export const PULSE_2026_12 = 'pulse:2026-12';

type Component = readonly unknown[];

export const pulse2026_12: GroupingConfig = { id: PULSE_2026_12, fingerprint };

function fingerprint(source: GroupingSource): string {
  const custom = (source.event.fingerprint ?? []).filter((part): part is string => typeof part === 'string');
  if (custom.length === 0) return hash(defaultComponent(source));
  const variables = custom.map(variableName);
  if (custom.length === 1 && variables[0] === 'default') return hash(defaultComponent(source));
  const resolved = custom.map((part, i) => {
    const name = variables[i];
    if (name === undefined) return part;
    return name === 'default' ? defaultComponent(source) : resolveVariable(name, source);
  });
  return hash(['fingerprint', resolved]);
}

const VARIABLE = /^\{\{\s*(\S+)\s*\}\}$/;

function variableName(part: string): string | undefined {
  return VARIABLE.exec(part)?.[1];
}

/** Sentry's `resolve_fingerprint_variable` (src/sentry/grouping/fingerprinting/utils.py). */
function resolveVariable(name: string, source: GroupingSource): string {
  const last = source.exceptions[source.exceptions.length - 1];
  const thrown = source.fromThread ? undefined : last;
  switch (name) {
    case 'transaction': return source.event.transaction || '<no-transaction>';
    case 'message': case 'raw_message': return source.message ? parameterize(source.message) : '<no-message>';
    case 'type': case 'error.type': return thrown?.type || '<no-type>';
    case 'value': case 'raw_value': case 'error.value': case 'error.raw_value': return thrown?.value || '<no-value>';
    case 'level': return source.level;
    case 'function': case 'stack.function': return crashFrame(source.exceptions)?.function || '<no-function>';
    case 'module': case 'stack.module': return crashFrame(source.exceptions)?.module || '<no-module>';
    case 'path': case 'stack.abs_path': return crashFrame(source.exceptions)?.absPath || '<no-abs-path>';
    case 'stack.filename': return crashFrame(source.exceptions)?.filename || '<no-filename>';
    default:
      if (name.startsWith('tags.')) return source.tags[name.slice(5)] ?? `<no-value-for-tag-${name.slice(5)}>`;
      return `<unrecognized-variable-${name}>`;
  }
}

/** Sentry's crash frame: the last in-app frame of the last exception with frames, else its last frame. */
function crashFrame(exceptions: readonly ExceptionRecord[]): StackFrame | undefined {
  for (let i = exceptions.length - 1; i >= 0; i--) {
    const frames = exceptions[i]?.frames ?? [];
    if (frames.length === 0) continue;
    for (let j = frames.length - 1; j >= 0; j--) if (frames[j]?.inApp) return frames[j];
    return frames[frames.length - 1];
  }
  return undefined;
}

function defaultComponent(source: GroupingSource): Component {
  const family = platformFamily(source.platform);
  // Sentry's "app" variant (in-app frames) when any frame is in-app and contributes, else "system" (all frames).
  const hasInApp = source.exceptions.some((exception) => exception.frames.some((frame) => frame.inApp));
  const app = hasInApp ? variantComponent(source, family, true) : null;
  return app ?? variantComponent(source, family, false) ?? ['message', normalizeMessageForGrouping(source.template || source.message)];
}

/** The variant's exception or thread component; null when its frames contribute nothing and it has no exception either. */
function variantComponent(source: GroupingSource, family: PlatformFamily, inAppOnly: boolean): Component | null {
  if (source.fromThread) {
    const stack = stackComponent(source.exceptions[0]?.frames ?? [], source.platform, family, inAppOnly);
    return stack.length > 0 ? ['threads', stack] : null;
  }
  const exceptions = source.exceptions.map((exception) => exceptionComponent(exception, source.platform, family, inAppOnly));
  if (inAppOnly && !exceptions.some((exception) => exception !== null && Array.isArray(exception[1]))) return null;
  return exceptions.some((exception) => exception !== null) ? ['exception', exceptions] : null;
}

/** The type always; the stack, else the value. Null when none of them contributes. */
function exceptionComponent(exception: ExceptionRecord, platform: string, family: PlatformFamily, inAppOnly: boolean): Component | null {
  const stack = stackComponent(exception.frames, platform, family, inAppOnly);
  if (stack.length > 0) return [exception.type, stack];
  const value = normalizeMessageForGrouping(exception.value);
  return exception.type === '' && value === '' ? null : [exception.type, value];
}

function stackComponent(frames: readonly StackFrame[], platform: string, family: PlatformFamily, inAppOnly: boolean): string[] {
  const components: string[] = [];
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i] as StackFrame;
    if (inAppOnly && !frame.inApp) continue;
    if (i > 0 && isRecursion(frame, frames[i - 1] as StackFrame)) continue;
    if (!frameCanGroup(frame, family)) continue;
    const component = frameComponent(frame, platform, family);
    if (component !== null) components.push(component);
  }
  return components;
}

/** Sentry's `is_recursion_v1`: every location field equal to the previous frame's. */
function isRecursion(frame: StackFrame, previous: StackFrame): boolean {
  return frame.absPath === previous.absPath && frame.module === previous.module && frame.filename === previous.filename &&
    frame.function === previous.function && frame.lineno === previous.lineno && frame.colno === previous.colno;
}

function hash(component: Component): string {
  return createHash('sha256').update(JSON.stringify(component)).digest('hex').slice(0, 32);
}
