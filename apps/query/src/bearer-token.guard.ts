import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { ProjectRegistry } from '@pulse/config';
import { ApiError } from '@pulse/platform';
import type { FastifyRequest } from 'fastify';
import { PROJECT_REGISTRY } from './query.tokens';

/** The token each authenticated request came with, for the per-token admission; never exported beyond. */
const TOKEN_OF_REQUEST = new WeakMap<object, string>();

/** The bearer token BearerTokenGuard accepted for `request`; undefined when the guard did not run on it. */
export function authenticatedToken(request: object): string | undefined {
  return TOKEN_OF_REQUEST.get(request);
}

/**
 * Query API authentication: `Authorization: Bearer <token>`; no or unknown token → 401, a token
 * without access to the project in the URL → 403.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(@Inject(PROJECT_REGISTRY) private readonly registry: ProjectRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { projectId?: string } }>>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new ApiError(401, 'missing bearer token: send Authorization: Bearer <token>', [], { 'WWW-Authenticate': 'Bearer' });
    const projects = this.registry.projectsOfToken(match[1]);
    if (!projects) throw new ApiError(401, 'unknown token', [], { 'WWW-Authenticate': 'Bearer' });
    const projectId = Number(request.params.projectId);
    if (!projects.has(projectId)) throw new ApiError(403, `this token has no access to project ${request.params.projectId}`);
    TOKEN_OF_REQUEST.set(request, match[1]);
    return true;
  }
}

