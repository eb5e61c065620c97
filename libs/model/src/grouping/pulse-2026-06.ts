import { createHash } from 'node:crypto';

/**
 * Grouping config `pulse:2026-06`, FROZEN: Pulse's first grouping, kept unchanged so that the hashes
 * of issues created under it can still be computed (the secondary fingerprint, see index.ts);
 * pulse-2026-06-input.ts rebuilds its input from the event exactly as normalization did then.
 * One 32-hex fingerprint per error, equal for "the same problem". Rules, in order:
 * 1. An explicit `fingerprint` from the SDK wins; the entry `{{ default }}` stands for the default
 *    components below, so `['{{ default }}', 'tenant-1']` splits the default group by tenant.
 * 2. Default, per exception of the chain: its type plus the stack-trace component, or, when no frame
 *    of it contributes, its type plus its normalized value. A type-less exception (the synthetic
 *    one `captureMessage` attaches to carry the call-site stack) keeps its normalized value next
 *    to its stack: two messages logged from one function are two groups.
 * 3. No exception: the normalized message (template before formatting when there is one).
 * Line and column numbers never count, so a group survives code being moved around.
 */
/** The id of the grouping config `computeFingerprint` implements (docs/issues.md, "Grouping"). */
export const PULSE_2026_06 = 'pulse:2026-06';

export interface GroupingFrame {
  module?: string;
  filename?: string;
  absPath?: string;
  function?: string;
  inApp?: boolean;
}

export interface GroupingException {
  type?: string;
  value?: string;
  frames?: readonly GroupingFrame[];
}

/** What grouping reads; normalized ExceptionRecords (with in-app resolved) fit `exceptions`. */
export interface GroupingInput {
  fingerprint?: readonly string[];
  /** Event platform: `javascript` and `node` function names are cut to their last `.` segment. */
  platform?: string;
  exceptions?: readonly GroupingException[];
  /** For message events: the log template (`logentry.message`) if any, else the message. */
  message?: string;
}

const DEFAULT_VARIABLE = /^\{\{\s*default\s*\}\}$/i;
const JS_PLATFORMS = new Set(['javascript', 'node']);
const ANONYMOUS_FUNCTIONS = new Set(['', '?', '<anonymous>', '<anonymous function>', 'anonymous function', '<unknown>']);

export function computeFingerprint(input: GroupingInput): string {
  const custom = (input.fingerprint ?? []).filter((part) => typeof part === 'string');
  if (custom.length === 0) return hash(defaultComponents(input));
  const expanded = custom.map((part) => (DEFAULT_VARIABLE.test(part.trim()) ? defaultComponents(input) : part));
  // `['{{ default }}']` alone is the default grouping, not a new group.
  if (expanded.length === 1 && typeof expanded[0] !== 'string') return hash(expanded[0]);
  return hash(['fingerprint', expanded]);
}

function defaultComponents(input: GroupingInput): unknown[] {
  const exceptions = input.exceptions ?? [];
  const js = JS_PLATFORMS.has(input.platform ?? '');
  // Library frames only count when no frame of the whole event is in-app.
  const inAppOnly = exceptions.some((exception) => exception.frames?.some((frame) => frame.inApp === true));
  const components = exceptions.map((exception) => {
    const frames = (exception.frames ?? []).filter((frame) => !inAppOnly || frame.inApp === true);
    const stack = collapseRepeats(frames.map((frame) => frameComponent(frame, js)).filter((c): c is string => c !== null));
    const type = exception.type ?? '';
    const value = normalizeMessageForGrouping(exception.value ?? '');
    if (stack.length === 0) return ['value', type, value];
    return type === '' ? ['stack', type, stack, value] : ['stack', type, stack];
  });
  const contributes = components.some(([, type, rest]) => type !== '' || (Array.isArray(rest) ? rest.length > 0 : rest !== ''));
  if (contributes) return ['exception', components];
  return ['message', normalizeMessageForGrouping(input.message ?? '')];
}

/** `module|function`; null when the frame carries neither (anonymous code in an unnamed file). */
function frameComponent(frame: GroupingFrame, js: boolean): string | null {
  const location = frame.module || fileBaseName(frame.filename || frame.absPath || '');
  const fn = functionName(frame.function ?? '', js);
  return location === '' && fn === '' ? null : `${location}|${fn}`;
}

/**
 * Lower-cased base name without query string, fragment or bundler content hash
 * (`https://x/assets/Index-BXk2aQ9f.js?v=2` → `index.js`, `main.3f2a1b9c.js` → `main.js`):
 * those change with every deploy although the code does not.
 */
export function fileBaseName(path: string): string {
  const withoutQuery = path.replace(/[?#].*$/, '');
  const base = withoutQuery.slice(Math.max(withoutQuery.lastIndexOf('/'), withoutQuery.lastIndexOf('\\')) + 1).toLowerCase();
  return base.replace(/[-.](?=[a-z_]*\d)(?=\d*[a-z])[a-z0-9_]{7,}(?=\.)/g, '');
}

/** JS: `Layer.handle [as handle_request]` → `handle`; anonymous names contribute nothing. */
function functionName(raw: string, js: boolean): string {
  let name = raw.trim();
  if (js) {
    name = name.replace(/^async\s+/, '').replace(/\s*\[as [^\]]*\]$/, '');
    name = name.slice(name.lastIndexOf('.') + 1);
  }
  return ANONYMOUS_FUNCTIONS.has(name.toLowerCase()) || name.endsWith('/<') ? '' : name;
}

/** Direct recursion repeats one frame a varying number of times; count it once. */
function collapseRepeats(components: string[]): string[] {
  return components.filter((component, i) => i === 0 || component !== components[i - 1]);
}

/**
 * Strips what varies between occurrences of one message: UUIDs, hex ids, quoted strings and
 * numbers (`Order 42 not found` and `Order 7 not found` group together).
 */
export function normalizeMessageForGrouping(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/\b(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/(^|[^\w])(['"`])[^'"`\n]*\2(?=$|[^\w])/g, '$1<str>')
    .replace(/\d+(?:\.\d+)?/g, '<num>')
    .replace(/\s+/g, ' ')
    .trim();
}

function hash(components: unknown): string {
  return createHash('sha256').update(JSON.stringify(components)).digest('hex').slice(0, 32);
}
