/**
 * Names of streamed spans the way the classic generation names the same thing. The streaming SDK
 * gives spans low-cardinality names ("Pageload", "GET", "GET api.example", "shop.example", a query
 * summary) and puts the detail in attributes; the classic SDKs put the detail in the name or
 * description. Pulse stores the classic form, rebuilt from those attributes, so that grouping by
 * transaction name or span description gives the same groups whichever generation sent the data.
 */
export type AttributeReader = (key: string) => unknown;

const text = (read: AttributeReader, key: string): string | undefined => {
  const value = read(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const PLACEHOLDER_NAMES = new Set(['', 'Pageload', 'Navigation', 'HTTP']);

/**
 * `sentry.segment.name`, else the span name; but when the SDK had no route (source `url`) and used a
 * placeholder (`Pageload`, `Navigation`, `HTTP`, the bare method), the URL path as the classic SDKs
 * do: `/checkout` for a page, `GET /api/orders/7` for a server request.
 */
export function transactionName(read: AttributeReader, spanName: string, op: string, source: string, method: string): string {
  const name = text(read, 'sentry.segment.name') ?? spanName;
  const path = text(read, 'url.path');
  if (source !== 'url' || path === undefined || !(PLACEHOLDER_NAMES.has(name) || name === method)) return name;
  return op.startsWith('http.') ? `${method || 'GET'} ${path}` : path;
}

/**
 * The classic description of a child span: the query text of a database span, `METHOD url` (no
 * query, fragment or credentials) of an HTTP client span, the URL (path only when same-origin) of a
 * resource span, the page URL of a navigation-timing span (`browser.*`); otherwise the span name.
 */
export function spanDescription(read: AttributeReader, spanName: string, op: string): string {
  if (op.startsWith('db')) return text(read, 'db.query.text') ?? text(read, 'db.statement') ?? spanName;
  const url = text(read, 'url.full');
  if (url === undefined) return spanName;
  if (op.startsWith('http.client')) {
    const method = text(read, 'http.request.method')?.toUpperCase();
    return method ? `${method} ${sanitizedUrl(url)}` : spanName;
  }
  if (op.startsWith('resource.')) return read('http.request.same_origin') === true ? url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') : url;
  // Navigation-timing spans (browser.connect, browser.dns, browser.load_event...): the page URL.
  if (op.startsWith('browser.')) return url;
  return spanName;
}

/** As the SDK's getSanitizedUrlStringFromUrlObject: a relative URL's path; else no query, fragment, default port or credentials. */
function sanitizedUrl(url: string): string {
  if (url.startsWith('/')) return url.split(/[?#]/, 1)[0];
  try {
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    if (parsed.port === '80' || parsed.port === '443') parsed.port = '';
    if (parsed.password) parsed.password = '%filtered%';
    if (parsed.username) parsed.username = '%filtered%';
    return parsed.toString();
  } catch {
    return url.split(/[?#]/, 1)[0];
  }
}

const BROWSER_OPS = /^(pageload|navigation|ui\.|resource\.|browser\.)/;
const BROWSER_SDKS = new Set(['browser', 'react', 'vue', 'angular', 'svelte', 'ember', 'solid']);

/**
 * `sentry.platform` if sent; else from the SDK name `sentry.<platform>.<package>`. JavaScript SDKs
 * are `javascript` in the browser (browser packages, browser ops) and `node` elsewhere (Node and the
 * server half of meta-frameworks), as their classic events say.
 */
export function platformOf(read: AttributeReader, sdkName: string, op: string): string {
  const explicit = text(read, 'sentry.platform');
  if (explicit) return explicit;
  const [vendor, platform, pkg = ''] = sdkName.split('.');
  if (vendor !== 'sentry' || !platform) return 'other';
  if (platform !== 'javascript') return platform;
  return BROWSER_OPS.test(op) || BROWSER_SDKS.has(pkg) ? 'javascript' : 'node';
}
