/**
 * Which frames are the application's own (in-app) and which never count for grouping: Sentry's
 * stack-trace enhancements as data, one table per platform family plus the rules for every platform.
 *
 * Two kinds of rule, because Sentry applies its enhancers ON TOP of what the SDK said while Pulse
 * also needs an answer when the SDK said nothing:
 * - `override`: a rule of Sentry's default enhancement config
 *   (getsentry/sentry src/sentry/grouping/enhancer/enhancement-configs/all-platforms@2026-01-20.txt,
 *   commit 2813076cecae6f0a31a5ba260c7e1f68a3752b99). It wins over the SDK's `in_app`: the Rust SDK
 *   marks `std::…` frames in-app, the rule makes them not in-app, as Sentry does.
 * - `default`: used only when the SDK did not send `in_app` (Pulse's own list, mostly what the
 *   platform's SDK itself excludes: the standard library and the SDK).
 * The last matching rule that sets a flag wins (Sentry's order). Patterns are compiled once, at load.
 */

export type PlatformFamily = 'javascript' | 'python' | 'java' | 'go' | 'native' | 'other';

export interface FrameRule {
  kind: 'override' | 'default';
  /** Globs: `*` is any text in `module`/`function`; in `path` (abs_path or filename, case-insensitive) `*` stops at `/`, `**` does not. */
  module?: string;
  function?: string;
  path?: string;
  /** Sentry's `+app`/`-app`. */
  app?: boolean;
  /** false: Sentry's `-group`, the frame never counts for grouping. */
  group?: boolean;
  source: 'sentry' | 'pulse';
}

const S = 'sentry' as const;
const P = 'pulse' as const;
const off = (match: Pick<FrameRule, 'module' | 'function' | 'path'>, group?: false): FrameRule => ({ kind: 'override', ...match, app: false, group, source: S });
const unset = (match: Pick<FrameRule, 'module' | 'function' | 'path'>, app = false): FrameRule => ({ kind: 'default', ...match, app, source: P });

/** Sentry's rules without a `family:` (all platforms): "SDK specific rules" of all-platforms@2026-01-20.txt. */
const ALL_PLATFORMS: readonly FrameRule[] = [
  off({ path: '**/vendor/**' }),
  off({ path: '**/site-packages/**' }),
  off({ path: '**/dist-packages/**' }),
  off({ path: '**/node_modules/**' }),
  off({ path: '**/go/pkg/mod/**' }),
  off({ module: 'newrelic' }, false),
  off({ path: '**/*newrelic*/**' }, false),
  off({ path: '**/*LogRocket*/**' }, false),
];

export const FRAME_RULES: Readonly<Record<PlatformFamily, readonly FrameRule[]>> = {
  javascript: [
    ...ALL_PLATFORMS,
    off({ module: 'unpkg/**' }),
    off({ path: '**https://unpkg.com/**' }),
    off({ path: '**https://cdnjs.cloudflare.com/**' }),
    off({ path: '**https://cdn.jsdelivr.net/**' }),
    off({ path: '**https://esm.run/**' }),
    off({ function: 'reportError' }),
    off({ module: '@babel/**' }, false),
    off({ module: 'core-js/**' }, false),
    off({ module: 'regenerator-runtime/**' }, false),
    off({ module: 'tslib/**' }, false),
    off({ function: '_callSuper' }, false),
    off({ function: 'runMicrotasks' }, false),
    off({ function: 'queueMicrotask' }, false),
    off({ function: 'processTicksAndRejections' }, false),
    off({ function: 'runNextTicks' }, false),
    off({ function: 'nextTick' }, false),
    // Node's own modules, and browser extensions: never the app, whatever the SDK guessed.
    { kind: 'override', path: 'node:**', app: false, source: P },
    { kind: 'override', path: 'internal/**', app: false, source: P },
    ...['chrome-extension', 'moz-extension', 'safari-extension', 'safari-web-extension'].map((scheme): FrameRule => ({ kind: 'override', path: `${scheme}:**`, app: false, source: P })),
  ],
  python: [
    ...ALL_PLATFORMS,
    // The standard library: `/usr/lib/python3.12/json/decoder.py`, `<frozen importlib._bootstrap>`.
    unset({ path: '**/lib/python*/**' }),
    unset({ path: '<frozen *' }),
    unset({ module: 'sentry_sdk.*' }),
  ],
  java: [
    ...ALL_PLATFORMS,
    ...['akka', 'com.fasterxml', 'com.microsoft', 'com.sun', 'feign', 'io.opentelemetry', 'jdk', 'oauth', 'org.apache', 'org.glassfish', 'org.jboss', 'org.jdesktop',
      'org.postgresql', 'org.springframework', 'org.web3j', 'reactor.core', 'scala', 'sun', 'kotlin', 'kotlinx', 'io.ktor', 'io.netty'].map((prefix) => off({ module: `${prefix}.*` })),
    off({ module: 'io.sentry.*' }, false),
    // `category=std` in Sentry (not -app): the Java SDK excludes them itself; Pulse does when it did not say.
    ...['java', 'javax', 'android', 'androidx', 'dalvik', 'com.android'].map((prefix) => unset({ module: `${prefix}.*` })),
  ],
  go: [
    ...ALL_PLATFORMS,
    // GOROOT (`/usr/local/go/src/net/http/server.go`), the runtime, and the SDK (its frames are
    // how it captured, not where the error is).
    unset({ path: '**/go/src/**' }),
    unset({ module: 'runtime' }),
    unset({ module: 'runtime/*' }),
    { kind: 'override', module: 'github.com/getsentry/sentry-go*', app: false, group: false, source: P },
  ],
  native: [
    ...ALL_PLATFORMS,
    off({ path: '/usr/local/lib/**' }),
    off({ path: '/usr/local/Cellar/**' }),
    off({ path: '**/.local/share/**' }),
    off({ function: 'std::*' }),
    off({ function: 'core::*' }),
    off({ function: 'alloc::*' }),
    off({ function: '__rust_*' }),
    off({ function: 'rust_begin_unwind' }),
    off({ function: 'std::panicking::begin_panic' }, false),
    off({ function: 'core::panicking::begin_panic' }, false),
    off({ function: 'failure::backtrace::Backtrace::new' }, false),
    off({ function: 'error_chain::make_backtrace' }, false),
    off({ function: '_CxxThrowException' }, false),
    off({ function: '__cxa_throw' }, false),
    off({ function: '__assert_rtn' }, false),
    // The Rust SDK's own crates, which it marks in-app (also as `<sentry_panic::X as sentry_core::Y>::f`):
    // its panic hook and capture calls are how the error was reported, not where it happened.
    ...['sentry', 'sentry_core', 'sentry_panic', 'sentry_backtrace', 'backtrace'].flatMap((crate): FrameRule[] => [
      { kind: 'override', function: `${crate}::*`, app: false, group: false, source: P },
      { kind: 'override', function: `<${crate}::*`, app: false, group: false, source: P },
    ]),
    // Trait-object calls into the standard library and the C runtime, which the Rust SDK marks in-app.
    ...['<&dyn core::*', '<&dyn std::*', '<core::*', '<std::*', '<alloc::*', '__rustc::*', '_start', '__libc_start_*'].map((fn): FrameRule => ({ kind: 'override', function: fn, app: false, source: P })),
  ],
  other: ALL_PLATFORMS,
};

/** Sentry's `get_behavior_family_for_platform`, with Pulse's tables for Python, Java and Go. */
export function platformFamily(platform: string): PlatformFamily {
  switch (platform) {
    case 'javascript': case 'node': return 'javascript';
    case 'python': return 'python';
    case 'java': case 'android': case 'kotlin': case 'scala': case 'groovy': return 'java';
    case 'go': return 'go';
    case 'native': case 'c': case 'cocoa': case 'objc': case 'swift': case 'rust': return 'native';
    default: return 'other';
  }
}

/** In-app when the SDK did not say and no rule decides: the app's own code, except for native code (Sentry: not in-app). */
const UNSET_IN_APP: Readonly<Record<PlatformFamily, boolean>> = { javascript: true, python: true, java: true, go: true, native: false, other: false };

interface CompiledRule { rule: FrameRule; module?: RegExp; function?: RegExp; path?: RegExp }

/**
 * A family's rules, compiled once, with one alternation per field: a frame no rule matches (most of
 * them) costs three regular-expression tests, not one per rule.
 */
interface CompiledFamily {
  rules: readonly CompiledRule[];
  anyModule: RegExp;
  anyFunction: RegExp;
  anyPath: RegExp;
}

function byFamily<T>(build: (family: PlatformFamily) => T): Readonly<Record<PlatformFamily, T>> {
  return { javascript: build('javascript'), python: build('python'), java: build('java'), go: build('go'), native: build('native'), other: build('other') };
}

const COMPILED = byFamily((family) => compileFamily(FRAME_RULES[family]));
const GROUP_RULES = byFamily((family) => compileFamily(FRAME_RULES[family].filter((rule) => rule.group !== undefined)));

function compileFamily(rules: readonly FrameRule[]): CompiledFamily {
  const any = (field: 'module' | 'function' | 'path') => {
    const sources = rules.flatMap((rule) => (rule[field] === undefined ? [] : [globSource(rule[field], field === 'path')]));
    return sources.length === 0 ? /(?!)/ : new RegExp(sources.join('|'), field === 'path' ? 'i' : '');
  };
  return { rules: rules.map(compileRule), anyModule: any('module'), anyFunction: any('function'), anyPath: any('path') };
}

function compileRule(rule: FrameRule): CompiledRule {
  const regExp = (glob: string | undefined, path: boolean) => (glob === undefined ? undefined : new RegExp(globSource(glob, path), path ? 'i' : ''));
  return { rule, module: regExp(rule.module, false), function: regExp(rule.function, false), path: regExp(rule.path, true) };
}

/**
 * A glob as an anchored regular expression source; a leading or trailing "any text" wildcard drops
 * the anchor instead (`**\/node_modules/**` → `\/node_modules\/`): V8 then searches the literal,
 * where `^.*…$` would backtrack over every position of long paths and symbols.
 */
function globSource(glob: string, path: boolean): string {
  const any = path ? '**' : '*';
  const open = glob.startsWith(any);
  const close = glob.length > any.length && glob.endsWith(any);
  const body = glob.slice(open ? any.length : 0, close ? glob.length - any.length : glob.length);
  const source = body.split(/(\*\*|\*)/).map((part) => {
    if (part === '**') return '.*';
    if (part === '*') return path ? '[^/]*' : '.*';
    return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return `${open ? '' : '^'}${source}${close ? '' : '$'}`;
}

/** What the rules read of a frame. */
export interface RuleFrame {
  module: string;
  function: string;
  filename: string;
  absPath: string;
}

interface FieldHits { module: boolean; function: boolean; path: boolean }

function fieldHits(family: CompiledFamily, frame: RuleFrame, paths: readonly string[]): FieldHits | undefined {
  const hits = {
    module: frame.module !== '' && family.anyModule.test(frame.module),
    function: frame.function !== '' && family.anyFunction.test(frame.function),
    path: paths.some((path) => path !== '' && family.anyPath.test(path)),
  };
  return hits.module || hits.function || hits.path ? hits : undefined;
}

function matches(compiled: CompiledRule, frame: RuleFrame, paths: readonly string[], hits: FieldHits): boolean {
  if (compiled.module && !(hits.module && compiled.module.test(frame.module))) return false;
  if (compiled.function && !(hits.function && compiled.function.test(frame.function))) return false;
  if (compiled.path && !(hits.path && paths.some((path) => compiled.path?.test(path)))) return false;
  return true;
}

function pathsOf(frame: RuleFrame): string[] {
  const paths = [frame.absPath.replace(/\\/g, '/')];
  if (frame.filename !== frame.absPath) paths.push(frame.filename.replace(/\\/g, '/'));
  return paths;
}

/**
 * Answers per frame, remembered: an app's errors repeat the same frames, and a long path or symbol
 * still costs a few regular-expression scans. Bounded; emptied when full (a pure memo, no I/O).
 */
const MEMO_LIMIT = 20_000;
const IN_APP_MEMO = new Map<string, boolean>();
const GROUP_MEMO = new Map<string, boolean>();

function memoKey(frame: RuleFrame, family: PlatformFamily, sdkInApp: boolean | null | undefined): string {
  return `${family}\u0000${String(sdkInApp)}\u0000${frame.module}\u0000${frame.function}\u0000${frame.absPath}\u0000${frame.filename}`;
}

function memoized(memo: Map<string, boolean>, key: string, compute: () => boolean): boolean {
  const known = memo.get(key);
  if (known !== undefined) return known;
  const value = compute();
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** The frame's in-app flag: the SDK's (else the `default` rules, else the family's default), then Sentry's overrides. */
export function resolveInApp(frame: RuleFrame, sdkInApp: boolean | null | undefined, family: PlatformFamily): boolean {
  return memoized(IN_APP_MEMO, memoKey(frame, family, sdkInApp), () => computeInApp(frame, sdkInApp, family));
}

function computeInApp(frame: RuleFrame, sdkInApp: boolean | null | undefined, family: PlatformFamily): boolean {
  const compiled = COMPILED[family];
  const sdkSaid = sdkInApp !== undefined && sdkInApp !== null;
  const paths = pathsOf(frame);
  const hits = fieldHits(compiled, frame, paths);
  if (hits === undefined) return sdkSaid ? sdkInApp : UNSET_IN_APP[family];
  // The last matching rule wins: search backwards and stop at the first match.
  for (let i = compiled.rules.length - 1; i >= 0; i--) {
    const rule = compiled.rules[i] as CompiledRule;
    if (rule.rule.app === undefined || (rule.rule.kind === 'default' && sdkSaid)) continue;
    if (matches(rule, frame, paths, hits)) return rule.rule.app;
  }
  return sdkSaid ? sdkInApp : UNSET_IN_APP[family];
}

/** False when a `-group` rule takes the frame out of grouping (SDK internals, transpiler helpers). */
export function frameCanGroup(frame: RuleFrame, family: PlatformFamily): boolean {
  if (GROUP_RULES[family].rules.length === 0) return true;
  return memoized(GROUP_MEMO, memoKey(frame, family, undefined), () => computeCanGroup(frame, family));
}

function computeCanGroup(frame: RuleFrame, family: PlatformFamily): boolean {
  const compiled = GROUP_RULES[family];
  const paths = pathsOf(frame);
  const hits = fieldHits(compiled, frame, paths);
  if (hits === undefined) return true;
  for (let i = compiled.rules.length - 1; i >= 0; i--) {
    const rule = compiled.rules[i] as CompiledRule;
    if (matches(rule, frame, paths, hits)) return rule.rule.group ?? true;
  }
  return true;
}
