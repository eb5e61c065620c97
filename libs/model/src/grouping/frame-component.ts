import type { PlatformFamily } from './frame-rules';

/**
 * What one stack frame contributes to a `pulse:2026-12` fingerprint: Sentry's `frame:v1` strategy
 * (getsentry/sentry src/sentry/grouping/strategies/newstyle.py, functions `frame`,
 * `get_module_component`, `get_filename_component`, `get_function_component`,
 * `get_contextline_component`; the version read: commit 001cf62bdc63f1f245a0074ae2ecd9dd0bd86cc7).
 * Module, else the file's base name; the cleaned function; the context line on the
 * platforms Sentry trusts it for. Line and column numbers never count.
 */

export interface ComponentFrame {
  module: string;
  filename: string;
  absPath: string;
  function: string;
  contextLine: string;
}

/** Sentry's `contextline_platforms` (strategies/configurations.py, `newstyle:2023-01-11` and later). */
const CONTEXT_LINE_PLATFORMS = new Set(['javascript', 'node', 'python', 'php', 'ruby']);
const MAX_CONTEXT_LINE = 120;

const URL_ORIGIN = /^(?:https?:|applewebdata:|blob:)/;
const JS_MODULE_ORIGIN = /^(?:https?:|webpack:|app:)/;
const JS_LOW_QUALITY_PATHS = new Set(['[native code]', 'native code', 'eval code', '<anonymous>']);
const JS_UNKNOWN_FUNCTIONS = new Set(['?', '<anonymous function>', '<anonymous>', 'Anonymous function']);
const BASENAME_SPLIT = /[/\\]/;

const JAVA_REFLECT = /(sun\.reflect\.Generated(?:Serialization)?ConstructorAccessor)\d+/g;
const JAVA_CGLIB = /(\$\$[\w_]+?CGLIB\$\$)[a-fA-F0-9]+(_[0-9]+)?/g;
const JAVA_ASSIST = /(\$\$_javassist)(?:_seam)?(?:_[0-9]+)?/g;
const CLOJURE_FN = /(\$fn__)\d+/g;
const RUBY_ERB = /__\d{4,}_\d{4,}$/;
/** Rust's legacy mangling hash (`panic::main::h0123456789abcdef`): differs per build. */
const RUST_HASH = /::h[0-9a-f]{16}$/;

/** Sentry's JS module from a URL: `generate_module` and CLEAN_MODULE_RE of its JavaScript processor (docs/issues.md, "Grouping"). */
const CLEAN_MODULE = /^(?:\/|(?:(?:java)?scripts?|js|build|static|node_modules|bower_components|[_.~].*?|v?(?:\d+\.)*\d+|[a-f0-9]{7,8}|[a-f0-9]{32}|[a-f0-9]{40})\/)+|(?:[-.][a-f0-9]{7,}$)/gi;
const VERSION_TOKEN = /^[a-f0-9]{32}|[a-f0-9]{40}$/i;

export function hasUrlOrigin(path: string, allowFileOrigin: boolean): boolean {
  if (URL_ORIGIN.test(path)) return true;
  return path.startsWith('file:') && !allowFileOrigin;
}

/** `http://x/static/js/app.3f2a1b9c.min.js?v=2` → `app`: Sentry gives browser frames this module. */
export function jsModuleFromUrl(url: string): string {
  let path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  const dot = path.lastIndexOf('.');
  if (dot > path.lastIndexOf('/')) path = path.slice(0, dot);
  if (path.endsWith('.min')) path = path.slice(0, -4);
  const tokens = path.split('/');
  const sha = tokens.findIndex((token) => VERSION_TOKEN.test(token));
  if (sha >= 0) return tokens.slice(sha + 1).join('/');
  return path.replace(CLEAN_MODULE, '') || '<unknown module>';
}

function moduleValue(frame: ComponentFrame, platform: string): string | null {
  let module = frame.module;
  if (module === '' && (platform === 'javascript' || platform === 'node') && JS_MODULE_ORIGIN.test(frame.absPath)) module = jsModuleFromUrl(frame.absPath);
  if (module === '') return null;
  if (platform === 'javascript' && module.includes('/') && frame.absPath.endsWith(module)) return null;
  if (platform !== 'java') return module;
  if (module.includes('$$Lambda$')) return null;
  if (module.startsWith('sun.reflect.GeneratedMethodAccessor')) return 'sun.reflect.GeneratedMethodAccessor';
  if (module.startsWith('jdk.internal.reflect.GeneratedMethodAccessor')) return 'jdk.internal.reflect.GeneratedMethodAccessor';
  return module.replace(JAVA_REFLECT, '$1<auto>').replace(JAVA_CGLIB, '$1<auto>').replace(JAVA_ASSIST, '$1<auto>').replace(CLOJURE_FN, '$1<auto>');
}

function filenameValue(frame: ComponentFrame, platform: string, js: boolean): string | null {
  if (frame.filename === '') return null;
  const parts = frame.filename.split(BASENAME_SPLIT);
  const base = (parts[parts.length - 1] ?? '').toLowerCase();
  if (hasUrlOrigin(frame.absPath, js) || base === '<anonymous>' || base === '[native code]') return null;
  return platform === 'java' ? base.replace(JAVA_ASSIST, '$1<auto>') : base;
}

/** The function as Sentry groups it; null when it does not contribute. */
export function functionValue(raw: string, platform: string, family: PlatformFamily): string | null {
  const fn = raw.trim();
  if (fn === '') return null;
  if (family === 'javascript') {
    const last = fn.slice(fn.lastIndexOf('.') + 1);
    return last === '' || JS_UNKNOWN_FUNCTIONS.has(last) || last.endsWith('/<') ? null : last;
  }
  if (platform === 'ruby') return fn.startsWith('block ') ? 'block' : fn.replace(RUBY_ERB, '');
  if (platform === 'php') return fn.startsWith('[Anonymous') || fn.startsWith('class@anonymous\x00') ? null : fn;
  if (family === 'java') return fn.startsWith('lambda$') ? null : fn;
  if (family === 'native') return fn === '<redacted>' || fn === '<unknown>' ? null : fn.replace(RUST_HASH, '');
  return fn;
}

function contextLineValue(frame: ComponentFrame, platform: string): string | null {
  if (!CONTEXT_LINE_PLATFORMS.has(platform)) return null;
  const line = frame.contextLine.replace(/\t/g, '  ').split(/\s+/).filter(Boolean).join(' ');
  if (line === '' || frame.contextLine.length > MAX_CONTEXT_LINE) return null;
  if ((platform === 'javascript' || platform === 'node') && frame.function === '' && hasUrlOrigin(frame.absPath, false)) return null;
  return line;
}

/** `module|function|context line` of a frame, or null when nothing of it contributes (Sentry: the frame does not count). */
export function frameComponent(frame: ComponentFrame, platform: string, family: PlatformFamily): string | null {
  const js = family === 'javascript';
  if (js) {
    const raw = frame.function.slice(frame.function.lastIndexOf('.') + 1);
    if (raw === 'eval' || JS_LOW_QUALITY_PATHS.has(frame.absPath)) return null;
  }
  const location = moduleValue(frame, platform) ?? filenameValue(frame, platform, js);
  const fn = functionValue(frame.function, platform, family);
  const contextLine = contextLineValue(frame, platform);
  if (location === null && fn === null && contextLine === null) return null;
  return `${location ?? ''}|${fn ?? ''}|${contextLine ?? ''}`;
}
