/**
 * A Sentry DSN: `<scheme>://<public_key>[:secret]@<host>[:port]/[path/]<project_id>`.
 * Pulse reads one from the envelope header in tunnel mode: the SDK posts to the application's own
 * server, which forwards the body without the `sentry_key` query parameter, so the DSN is the auth.
 */
export interface Dsn {
  publicKey: string;
  /** Digits, as in the `/api/<project_id>/envelope/` route. */
  projectId: string;
  /** Host name with the port when it is not the scheme's default (`sentry.example.com:9000`). */
  host: string;
}

const PROJECT_ID = /^\d+$/;

/**
 * Parses a DSN the way the Sentry SDKs and Relay do: http or https only, a non-empty public key,
 * and the project id as the last path segment (a DSN may carry a path prefix when Sentry is served
 * under a sub-path; a trailing slash is tolerated). The secret key of old DSNs is ignored: the
 * public key alone authenticates. Anything else is `undefined`; the caller answers 400/401.
 */
export function parseDsn(dsn: string): Dsn | undefined {
  let url: URL;
  try {
    url = new URL(dsn.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username === '' || url.hostname === '') return undefined;

  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const projectId = segments[segments.length - 1];
  if (projectId === undefined || !PROJECT_ID.test(projectId)) return undefined;

  return { publicKey: url.username, projectId, host: url.host };
}
