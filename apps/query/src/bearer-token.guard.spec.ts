import { Controller, Put } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';
import { parsePulseConfig, ProjectRegistry } from '@pulse/config';
import { ApiError } from '@pulse/platform';
import { authenticatedToken, BearerTokenGuard, missingScope, RequiresWrite } from './bearer-token.guard';

@Controller()
class ExampleController {
  @Put()
  @RequiresWrite()
  change(): void {}

  read(): void {}
}

const READ_ONLY = 'read-only-token-0123456789';
const READ_WRITE = 'read-write-token-0123456789';
const LEGACY = 'legacy-token-0123456789';

describe('BearerTokenGuard scopes', () => {
  const registry = new ProjectRegistry(
    parsePulseConfig({
      projects: [{ id: 1, name: 'shop', keys: ['a'.repeat(32)] }],
      tokens: [
        { token: READ_ONLY, projects: [1], scopes: ['read'] },
        { token: READ_WRITE, projects: [1], scopes: ['read', 'write'], name: 'deploy-bot' },
        { token: LEGACY, projects: [1] },
      ],
    }),
  );
  const guard = new BearerTokenGuard(registry, new Reflector());

  function contextOf(token: string, handler: keyof ExampleController): { context: ExecutionContext; request: object } {
    const request = { headers: { authorization: `Bearer ${token}` }, params: { projectId: '1' } };
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
      getHandler: () => ExampleController.prototype[handler],
    } as unknown as ExecutionContext;
    return { context, request };
  }

  function refusal(token: string, handler: keyof ExampleController): ApiError | undefined {
    try {
      guard.canActivate(contextOf(token, handler).context);
      return undefined;
    } catch (error) {
      return error as ApiError;
    }
  }

  it('lets every token with read through a read', () => {
    for (const token of [READ_ONLY, READ_WRITE, LEGACY]) {
      const { context, request } = contextOf(token, 'read');
      expect(guard.canActivate(context)).toBe(true);
      expect(authenticatedToken(request)).toBe(token);
    }
  });

  it('refuses a change to a read-only token with 403, and lets write tokens (and tokens without scopes) through', () => {
    const refused = refusal(READ_ONLY, 'change');
    expect(refused?.getStatus()).toBe(403);
    expect(refused?.getResponse()).toEqual({ detail: 'this token may not change anything (scopes: read)' });
    expect(refusal(READ_WRITE, 'change')).toBeUndefined();
    expect(refusal(LEGACY, 'change')).toBeUndefined();
  });

  it('names the scope a request lacks', () => {
    expect(missingScope(new Set(['read']), false)).toBeUndefined();
    expect(missingScope(new Set(['read']), true)).toBe('write');
    expect(missingScope(new Set(['write']), false)).toBe('read');
    expect(missingScope(new Set(['read', 'write']), true)).toBeUndefined();
  });
});
