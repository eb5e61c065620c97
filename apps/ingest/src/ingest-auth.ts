import type { ProjectRegistry } from '@pulse/config';
import { ApiError } from '@pulse/platform';
import { parseDsn, PublicKeyResult, resolvePublicKey } from '@pulse/protocol';

/**
 * The key of a request (query, X-Sentry-Auth, Authorization: Sentry — or, in tunnel mode, the
 * envelope header `dsn`) must be known (else 401) and belong to the project in the URL (else 403).
 * Returns the public key for rate limiting.
 */
export function authenticate(registry: ProjectRegistry, projectId: number, fromRequest: PublicKeyResult, headerDsn: string | undefined): string {
  const dsn = headerDsn === undefined ? undefined : parseDsn(headerDsn);
  const key = resolvePublicKey(fromRequest, dsn?.publicKey);
  if (!key.ok) throw new ApiError(401, key.reason);
  const owner = registry.projectOfKey(key.publicKey);
  if (owner === undefined) throw new ApiError(401, 'unknown DSN public key');
  if (owner !== projectId) throw new ApiError(403, `this DSN key does not belong to project ${projectId}`);
  if (dsn && !fromRequest.ok && String(dsn.projectId) !== String(projectId)) {
    throw new ApiError(403, `the envelope's dsn names project ${dsn.projectId}, not ${projectId}`);
  }
  return key.publicKey;
}
