import type { ProjectRegistry } from '@pulse/config';
import { parseDsn, PublicKeyResult, resolvePublicKey } from '@pulse/protocol';
import type { Refusal } from '../drop-reasons';

/**
 * authenticate: the key of a request (query, X-Sentry-Auth, Authorization: Sentry — or, in tunnel
 * mode, the envelope header `dsn`) must be known (else 401) and belong to the project in the URL
 * (else 403). Returns the public key, for the quotas, or why the request is refused.
 */
export function authenticate(registry: ProjectRegistry, projectId: number, fromRequest: PublicKeyResult, headerDsn: string | undefined): string | Refusal {
  const dsn = headerDsn === undefined ? undefined : parseDsn(headerDsn);
  const key = resolvePublicKey(fromRequest, dsn?.publicKey);
  if (!key.ok) return { refusal: 'no_key', reason: key.reason };
  const owner = registry.projectOfKey(key.publicKey);
  if (owner === undefined) return { refusal: 'unknown_key' };
  if (owner !== projectId) return { refusal: 'foreign_key', projectId };
  if (dsn && !fromRequest.ok && String(dsn.projectId) !== String(projectId)) return { refusal: 'foreign_dsn', projectId, dsnProjectId: dsn.projectId };
  return key.publicKey;
}
