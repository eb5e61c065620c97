import Bowser from 'bowser';
import type { ClientContexts } from '@pulse/protocol';
import { LIMITS, truncate } from './limits';

/**
 * Browser and OS from a User-Agent string (`user_agent.original` on streamed spans, the
 * `User-Agent` request header of classic events), named the way Sentry's browser/os contexts name
 * them (Relay uses uap-core's family names: "Chrome", "Chrome Mobile", "Mobile Safari", "Edge",
 * "Mac OS X"...), so numbers grouped by browser match Sentry's. Parsing is done by `bowser` (MIT);
 * its names are mapped below. Only the browser's major version is kept.
 */
export interface UserAgentInfo {
  browserName: string;
  /** Major version only ("131"); empty when unknown. */
  browserVersion: string;
  osName: string;
}

const EMPTY: UserAgentInfo = Object.freeze({ browserName: '', browserVersion: '', osName: '' });
const MAX_USER_AGENT_LENGTH = 1024;
const CACHE_SIZE = 1000;
const cache = new Map<string, UserAgentInfo>();

/** Pure (same input, same output); a small cache saves re-parsing the same few strings. */
export function parseUserAgent(userAgent: unknown): UserAgentInfo {
  if (typeof userAgent !== 'string' || userAgent.trim() === '') return EMPTY;
  const ua = userAgent.trim().slice(0, MAX_USER_AGENT_LENGTH);
  const cached = cache.get(ua);
  if (cached) return cached;

  let parsed: Bowser.Parser.ParsedResult;
  try {
    parsed = Bowser.parse(ua);
  } catch {
    return EMPTY;
  }
  const osName = parsed.os.name ?? '';
  const info: UserAgentInfo = Object.freeze({
    browserName: truncate(sentryBrowserName(parsed.browser.name ?? '', osName, ua), LIMITS.shortField),
    browserVersion: majorVersion(parsed.browser.version),
    osName: truncate(OS_NAMES[osName] ?? osName, LIMITS.shortField),
  });
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(ua, info);
  return info;
}

/** "131.0.6778.73" → "131"; anything without a leading number → "". */
export function majorVersion(version: unknown): string {
  const text = typeof version === 'number' ? String(version) : typeof version === 'string' ? version : '';
  return /^\s*(\d+)/.exec(text)?.[1] ?? '';
}

/** The User-Agent of a header map (any case) or a Sentry `[[name, value], ...]` header list. */
export function userAgentFromHeaders(headers: unknown): string | undefined {
  const entries: unknown[] = Array.isArray(headers) ? headers : headers && typeof headers === 'object' ? Object.entries(headers) : [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[0].toLowerCase() !== 'user-agent') continue;
    if (typeof entry[1] === 'string') return entry[1];
  }
  return undefined;
}

/** The parts of a classic event this module reads (all optional, unvalidated). */
export interface EventClientFields {
  contexts?: ClientContexts | null;
  request?: unknown;
}

/**
 * Browser and OS of a classic event, as Relay fills them in: `contexts.browser` / `contexts.os`
 * when the SDK sent them, else parsed from the request's User-Agent header. For a server
 * transaction that means the calling client's browser and the server's OS (what the Node SDK puts
 * in `contexts.os`), the same as the streamed `user_agent.original` / `os.name` attributes.
 */
export function clientOfEvent(event: EventClientFields): UserAgentInfo {
  const request = event.request as { headers?: unknown } | undefined;
  const fromHeader = parseUserAgent(userAgentFromHeaders(request?.headers));
  const browser = event.contexts?.browser;
  const hasBrowser = typeof browser?.name === 'string' && browser.name !== '';
  const osName = event.contexts?.os?.name;
  return {
    browserName: hasBrowser ? truncate(browser?.name, LIMITS.shortField) : fromHeader.browserName,
    browserVersion: hasBrowser ? majorVersion(browser?.version) : fromHeader.browserVersion,
    osName: typeof osName === 'string' && osName !== '' ? truncate(osName, LIMITS.shortField) : fromHeader.osName,
  };
}

const OS_NAMES: Record<string, string> = { macOS: 'Mac OS X' };

/** bowser's browser names → uap-core family names (what Sentry shows). */
function sentryBrowserName(name: string, osName: string, ua: string): string {
  const ios = osName === 'iOS';
  const android = osName === 'Android';
  const mobileToken = /\bMobile\b/.test(ua);
  switch (name) {
    case 'Chrome':
      if (/HeadlessChrome\//.test(ua)) return 'HeadlessChrome';
      if (ios) return 'Chrome Mobile iOS';
      if (android && /; wv\)/.test(ua)) return 'Chrome Mobile WebView';
      return android && mobileToken ? 'Chrome Mobile' : 'Chrome';
    case 'Safari':
      if (!ios) return 'Safari';
      return /Safari\//.test(ua) ? 'Mobile Safari' : 'Mobile Safari UI/WKWebView';
    case 'Firefox':
      return ios ? 'Firefox iOS' : android ? 'Firefox Mobile' : 'Firefox';
    case 'Microsoft Edge':
      return android || ios ? 'Edge Mobile' : 'Edge';
    case 'Opera':
      return android && mobileToken ? 'Opera Mobile' : 'Opera';
    case 'Samsung Internet for Android':
      return 'Samsung Internet';
    case 'Internet Explorer':
      return 'IE';
    case 'Android Browser':
      return 'Android';
    default:
      return name;
  }
}
