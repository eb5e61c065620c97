import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { ApiError } from '@pulse/platform';
import { finalize, Observable } from 'rxjs';
import { authenticatedToken } from '../bearer-token.guard';
import { ReadRefusals } from '../read-refusals';
import { TokenAdmission } from './token-admission';

/** Injection token of the app's one TokenAdmission. */
export const TOKEN_ADMISSION = Symbol('TOKEN_ADMISSION');

/** Seconds a refused client is asked to wait: slots free as soon as one of its reads ends. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Every request that BearerTokenGuard let through (all tenant reads: analytics, SQL API, Grafana)
 * holds one of its token's slots from before its handler runs until its answer is produced; a
 * request without a slot is a 429 with Retry-After. Registered for the whole app (APP_INTERCEPTOR)
 * and keyed on what the guard authenticated, so a new endpoint behind the guard is covered without
 * opting in. Interceptors run after guards: an unknown token is a 401 and takes no slot.
 */
@Injectable()
export class TokenAdmissionInterceptor implements NestInterceptor {
  constructor(
    @Inject(TOKEN_ADMISSION) private readonly admission: TokenAdmission,
    private readonly refusals: ReadRefusals,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const token = authenticatedToken(context.switchToHttp().getRequest<object>());
    if (token === undefined) return next.handle();
    const admission = await this.admission.admit(token);
    if (!admission.ok) {
      this.refusals.count(admission.reason);
      const { maxRunning, maxQueued, maxWaitMs } = this.admission.limits;
      const detail =
        admission.reason === 'token_busy'
          ? `this token already has ${maxRunning} queries running and ${maxQueued} waiting; retry after ${RETRY_AFTER_SECONDS} s`
          : `this token's query waited ${maxWaitMs} ms for one of its ${maxRunning} slots; retry after ${RETRY_AFTER_SECONDS} s`;
      throw new ApiError(429, detail, [], { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    return next.handle().pipe(finalize(admission.release));
  }
}
