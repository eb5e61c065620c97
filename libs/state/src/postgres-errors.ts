/**
 * Whether an error from `pg` means PostgreSQL cannot be reached or cannot take the request now
 * (rather than a bug or a bad statement): the server refuses or drops connections, is shutting
 * down or starting, has no connection slot left, or the pool timed out waiting for one. Callers
 * answer such errors as "unavailable, retry" (HTTP 503) instead of an internal error.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

/** SQLSTATE classes and codes: 08 connection exception, 57P0x operator intervention (shutdown, crash recovery), 53300 too many connections. */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || /^57P0[1-4]$/.test(code) || code === '53300';
}

export function isPostgresUnavailable(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: socket errors are made by Node's core, which may be another
  // realm than the caller's (a vm context, as under jest) and then fail instanceof.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || isUnavailableSqlState(code))) return true;
  // pg-pool and pg word these without a code.
  return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(message);
}
