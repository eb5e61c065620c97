/**
 * Where a Sentry SDK puts its DSN public key. The JS SDKs use the `sentry_key` query parameter (to
 * avoid a CORS preflight); other SDKs send `X-Sentry-Auth: Sentry sentry_key=..., sentry_version=7`
 * or the same value in `Authorization`.
 */
export interface AuthSources {
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export type PublicKeyResult =
  | { ok: true; publicKey: string }
  /** `missing`: the request carries no key at all (tunnel mode may still supply one). */
  | { ok: false; missing: boolean; reason: string };

export function extractPublicKey({ query, headers }: AuthSources): PublicKeyResult {
  const found: string[] = [];
  const fromQuery = query['sentry_key'];
  if (typeof fromQuery === 'string' && fromQuery !== '') found.push(fromQuery);
  else if (Array.isArray(fromQuery)) return { ok: false, missing: false, reason: 'sentry_key appears more than once' };

  for (const name of ['x-sentry-auth', 'authorization']) {
    const header = headers[name];
    if (typeof header !== 'string' || !/^sentry\s/i.test(header)) continue;
    const key = parseSentryAuthHeader(header).sentry_key;
    if (!key) return { ok: false, missing: false, reason: `${name} header has no sentry_key` };
    found.push(key);
  }

  if (found.length === 0) return { ok: false, missing: true, reason: 'missing authentication: no sentry_key in the query string or X-Sentry-Auth header' };
  if (found.some((key) => key !== found[0])) return { ok: false, missing: false, reason: 'conflicting sentry_key values in the request' };
  return { ok: true, publicKey: found[0] };
}

/** `Sentry sentry_key=abc, sentry_version=7, sentry_client=x/1.0` → `{sentry_key: 'abc', ...}` */
export function parseSentryAuthHeader(header: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of header.replace(/^sentry\s+/i, '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    fields[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return fields;
}

/**
 * The key of a request, falling back to the envelope header's `dsn` (tunnel mode: the SDK posts to
 * the application's own server, which forwards the body without auth). A request key and a DSN
 * key that disagree are a conflict.
 */
export function resolvePublicKey(fromRequest: PublicKeyResult, dsnKey: string | undefined): PublicKeyResult {
  if (fromRequest.ok) {
    if (dsnKey !== undefined && dsnKey !== fromRequest.publicKey) {
      return { ok: false, missing: false, reason: 'the envelope header dsn names another key than the request' };
    }
    return fromRequest;
  }
  if (fromRequest.missing && dsnKey !== undefined) return { ok: true, publicKey: dsnKey };
  return fromRequest;
}
