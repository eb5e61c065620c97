/**
 * `exception.stacktrace` → Sentry frames. OpenTelemetry sends the stack trace as the language's own
 * text (semantic conventions, exceptions: "the stack trace as a string in the natural
 * representation for the language runtime"), where a Sentry SDK sends structured frames. Grouping
 * works on frames, so Pulse parses the four formats the OpenTelemetry SDKs produce:
 * - V8 (Node, browsers): `    at fn (file:line:col)`, `    at file:line:col`, `    at async fn (…)`;
 * - Python (`traceback.format_exception`): `  File "x.py", line 12, in fn` and its source line; a
 *   chained traceback ("During handling…", "The above exception…") keeps its last block, the
 *   exception that was raised;
 * - Java (`printStackTrace`): `\tat pkg.Cls.method(File.java:12)`; a `Caused by:` chain is one
 *   exception only, the outermost (its frames, up to the first `Caused by:`);
 * - Go (`debug.Stack()`): `pkg.fn(...)` then `\t/path/file.go:12 +0x1d`, first goroutine only.
 * Frames come out oldest first (Sentry's order: the last frame raised). Text in no known format
 * gives no frames, and grouping falls back to the exception's type and message, as Sentry's does.
 * `in_app` is left unset: the grouping's per-platform rules decide it (node_modules, site-packages,
 * dist-packages, `node:` internals, GOROOT and the JDK are not the app).
 */

export interface ParsedFrame {
  function?: string;
  module?: string;
  filename?: string;
  abs_path?: string;
  lineno?: number;
  colno?: number;
  context_line?: string;
}

export type StackFormat = 'v8' | 'python' | 'java' | 'go' | 'unknown';

const PYTHON_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?\s*$/;
const GO_LOCATION = /^\t(.+\.go):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;
const JAVA_FRAME = /^\s*at ([^\s(]+)\(([^)]*)\)\s*$/;
const V8_WITH_FUNCTION = /^\s*at (?:async )?(.+?) \((.+?)(?::(\d+))?(?::(\d+))?\)\s*$/;
const V8_LOCATION_ONLY = /^\s*at (?:async )?(.+?):(\d+):(\d+)\s*$/;

/** The format of a stack trace text, from its lines. */
export function stackFormatOf(text: string): StackFormat {
  const lines = text.split(/\r?\n/);
  if (lines.some((line) => PYTHON_FRAME.test(line))) return 'python';
  if (lines.some((line) => GO_LOCATION.test(line))) return 'go';
  if (lines.some((line) => JAVA_FRAME.test(line) && /\((?:[^():]+\.(?:java|kt|scala|groovy|clj):\d+|Native Method|Unknown Source)\)\s*$/.test(line))) return 'java';
  if (lines.some((line) => V8_WITH_FUNCTION.test(line) || V8_LOCATION_ONLY.test(line))) return 'v8';
  return 'unknown';
}

/** Frames of a stack trace text, oldest first; none for an unknown format. */
export function parseStackTrace(text: string): ParsedFrame[] {
  switch (stackFormatOf(text)) {
    case 'python': return parsePython(text);
    case 'go': return parseGo(text);
    case 'java': return parseJava(text);
    case 'v8': return parseV8(text);
    default: return [];
  }
}

function lineNumber(raw: string | undefined): number | undefined {
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** `    at Server.handle (/app/server.js:12:7)`, `    at /app/server.js:12:7`, `    at async run (file:///app/a.mjs:3:1)`; newest first in the text. */
export function parseV8(text: string): ParsedFrame[] {
  const frames: ParsedFrame[] = [];
  for (const line of text.split(/\r?\n/)) {
    const located = V8_WITH_FUNCTION.exec(line);
    if (located) {
      const [, fn, path, lineno, colno] = located;
      frames.push(v8Frame(fn, path, lineno, colno));
      continue;
    }
    const bare = V8_LOCATION_ONLY.exec(line);
    if (bare) frames.push(v8Frame(undefined, bare[1], bare[2], bare[3]));
  }
  return frames.reverse();
}

function v8Frame(fn: string | undefined, path: string, lineno: string | undefined, colno: string | undefined): ParsedFrame {
  // `at eval (eval at run (/app/a.js:3:1), <anonymous>:1:1)` and `(native)` carry no usable file.
  // ES modules print `file:///app/a.mjs`; Sentry's Node stack parser keeps the path only.
  const file = path === 'native' || path.startsWith('eval at ') ? '<anonymous>' : path.startsWith('file://') ? path.slice('file://'.length) : path;
  return { function: fn && fn !== '<anonymous>' ? fn : undefined, abs_path: file, filename: file, lineno: lineNumber(lineno), colno: lineNumber(colno) };
}

/** `  File "/app/views.py", line 12, in handler` then its source line; oldest first in the text. */
export function parsePython(text: string): ParsedFrame[] {
  const lines = text.split(/\r?\n/);
  // The last `Traceback` block is the exception that was raised; earlier ones are its context or cause.
  let start = 0;
  for (let i = 0; i < lines.length; i++) if (/^Traceback \(most recent call last\):/.test(lines[i].trim())) start = i;
  const frames: ParsedFrame[] = [];
  for (let i = start; i < lines.length; i++) {
    const match = PYTHON_FRAME.exec(lines[i]);
    if (!match) continue;
    const frame: ParsedFrame = { abs_path: match[1], filename: match[1], lineno: lineNumber(match[2]), function: match[3]?.trim() };
    const next = lines[i + 1];
    // The source line is indented deeper than `File`; Python 3.11+ adds a `^^^^` marker line after it.
    if (next !== undefined && !PYTHON_FRAME.test(next) && /^\s{4,}\S/.test(next) && !/^\s*[\^~]+\s*$/.test(next)) frame.context_line = next.trim();
    frames.push(frame);
  }
  return frames;
}

/**
 * `\tat com.shop.Orders.load(Orders.java:42)`, `\tat java.base/java.lang.Thread.run(Thread.java:833)`
 * (a JPMS module before the slash), `(Native Method)`, `(Unknown Source)`; newest first in the text.
 * Stops at the first `Caused by:`: the outermost exception only.
 */
export function parseJava(text: string): ParsedFrame[] {
  const frames: ParsedFrame[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*Caused by:/.test(line)) break;
    const match = JAVA_FRAME.exec(line);
    if (!match) continue;
    const qualified = match[1].slice(match[1].lastIndexOf('/') + 1);
    const dot = qualified.lastIndexOf('.');
    const [file, lineno] = match[2].split(':');
    const known = file !== 'Native Method' && file !== 'Unknown Source' && file !== '';
    frames.push({
      module: dot > 0 ? qualified.slice(0, dot) : undefined,
      function: dot > 0 ? qualified.slice(dot + 1) : qualified,
      filename: known ? file : undefined,
      lineno: lineNumber(lineno),
    });
  }
  return frames.reverse();
}

/**
 * `main.(*Server).handle(0xc000010000, ...)` then `\t/app/server.go:42 +0x1d`; the header
 * `goroutine 1 [running]:` opens a goroutine and the first one is the one that failed; `created by`
 * lines name the spawner of the goroutine, which is not on its stack. Newest first in the text.
 */
export function parseGo(text: string): ParsedFrame[] {
  const lines = text.split(/\r?\n/);
  const frames: ParsedFrame[] = [];
  let goroutines = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^goroutine \d+ \[/.test(line) && ++goroutines > 1) break;
    const location = GO_LOCATION.exec(lines[i + 1] ?? '');
    if (!location || line.startsWith('\t') || line.startsWith('created by ')) continue;
    const qualified = line.replace(/\([^()]*\)$/, '');
    frames.push({ ...splitGoFunction(qualified), abs_path: location[1], filename: location[1], lineno: lineNumber(location[2]) });
    i++;
  }
  return frames.reverse();
}

/** As sentry-go's splitQualifiedFunctionName: the package is the path up to the first dot after the last slash. */
function splitGoFunction(qualified: string): Pick<ParsedFrame, 'module' | 'function'> {
  const slash = qualified.lastIndexOf('/');
  const dot = qualified.indexOf('.', slash + 1);
  if (dot < 0) return { function: qualified };
  return { module: qualified.slice(0, dot), function: qualified.slice(dot + 1) };
}
