import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ProjectRegistry } from '@pulse/config';
import { ApiError } from '@pulse/platform';
import { extractPublicKey } from '@pulse/protocol';
import type { FastifyRequest } from 'fastify';
import { PROJECT_REGISTRY } from './ingest.tokens';

/**
 * DSN authentication: the public key (query `sentry_key`, `X-Sentry-Auth` or `Authorization:
 * Sentry ...`) must be known (else 401) and belong to the project in the URL (else 403).
 */
@Injectable()
export class ProjectKeyGuard implements CanActivate {
  constructor(@Inject(PROJECT_REGISTRY) private readonly registry: ProjectRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { projectId: string } }>>();
    const key = extractPublicKey({ query: request.query as Record<string, unknown>, headers: request.headers });
    if (!key.ok) throw new ApiError(401, key.reason);
    const owner = this.registry.projectOfKey(key.publicKey);
    if (owner === undefined) throw new ApiError(401, 'unknown DSN public key');
    if (String(owner) !== request.params.projectId) throw new ApiError(403, `this DSN key does not belong to project ${request.params.projectId}`);
    return true;
  }
}
