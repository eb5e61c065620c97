import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ProjectRegistry, TokenScope } from '@pulse/config';
import { ApiError } from '@pulse/platform';
import type { FastifyRequest } from 'fastify';
import { PROJECT_REGISTRY } from './query.tokens';

/** The token each authenticated request came with, for the per-token admission; never exported beyond. */
const TOKEN_OF_REQUEST = new WeakMap<object, string>();
/** Who the token is (its name, or a hash of it), for the history of what it changes. */
const ACTOR_OF_REQUEST = new WeakMap<object, string>();

/** The bearer token BearerTokenGuard accepted for `request`; undefined when the guard did not run on it. */
export function authenticatedToken(request: object): string | undefined {
  return TOKEN_OF_REQUEST.get(request);
}

const WRITE_ENDPOINT = Symbol('WRITE_ENDPOINT');

/** On a handler that changes something: its token needs the `write` scope besides `read`. */
export const RequiresWrite = (): MethodDecorator => SetMetadata(WRITE_ENDPOINT, true);

/** The actor of the request's token (BearerTokenGuard must guard the handler). */
export const TokenActor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const actor = ACTOR_OF_REQUEST.get(context.switchToHttp().getRequest<object>());
  if (actor === undefined) throw new Error('TokenActor on a handler that BearerTokenGuard does not guard');
  return actor;
});

/**
 * Query API authentication: `Authorization: Bearer <token>`; no or unknown token → 401, a token
 * without access to the project in the URL → 403, a token without the `read` scope (every
 * endpoint) or, on a handler marked RequiresWrite, the `write` scope → 403.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(PROJECT_REGISTRY) private readonly registry: ProjectRegistry,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { projectId?: string } }>>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new ApiError(401, 'missing bearer token: send Authorization: Bearer <token>', [], { 'WWW-Authenticate': 'Bearer' });
    const access = this.registry.tokenAccess(match[1]);
    if (!access) throw new ApiError(401, 'unknown token', [], { 'WWW-Authenticate': 'Bearer' });
    const projectId = Number(request.params.projectId);
    if (!access.projects.has(projectId)) throw new ApiError(403, `this token has no access to project ${request.params.projectId}`);
    const writes = this.reflector.get<boolean | undefined>(WRITE_ENDPOINT, context.getHandler()) === true;
    const missing = missingScope(access.scopes, writes);
    if (missing === 'read') throw new ApiError(403, `this token may not read anything (scopes: ${[...access.scopes].join(', ')})`);
    if (missing === 'write') throw new ApiError(403, `this token may not change anything (scopes: ${[...access.scopes].join(', ')})`);
    TOKEN_OF_REQUEST.set(request, match[1]);
    ACTOR_OF_REQUEST.set(request, access.actor);
    return true;
  }
}

/** The scope a request lacks: every endpoint needs `read`, one that changes something also `write`. */
export function missingScope(scopes: ReadonlySet<TokenScope>, writes: boolean): TokenScope | undefined {
  if (!scopes.has('read')) return 'read';
  return writes && !scopes.has('write') ? 'write' : undefined;
}
