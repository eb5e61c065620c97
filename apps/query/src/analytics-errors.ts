import { CallHandler, Injectable, NestInterceptor } from '@nestjs/common';
import { QueryParameterError, ReadFailure, ReadFailureKind } from '@pulse/analytics';
import { ApiError } from '@pulse/platform';
import { isPostgresUnavailable } from '@pulse/state';
import { catchError, Observable, throwError } from 'rxjs';

/**
 * How the query app answers what @pulse/analytics throws: a parameter that is wrong is a 400
 * with its message; a ReadFailure has a status by kind, and Retry-After where waiting helps
 * (ClickHouse busy or unreachable; a slow query is as slow when retried). PostgreSQL (issues) out
 * of reach is a 503 with Retry-After too, not an internal error.
 */
const FAILURE_ANSWERS: Record<ReadFailureKind, { status: number; headers: Record<string, string> }> = {
  not_found: { status: 404, headers: {} },
  too_many_rows: { status: 400, headers: {} },
  too_slow: { status: 503, headers: {} },
  busy: { status: 503, headers: { 'Retry-After': '5' } },
  unavailable: { status: 503, headers: { 'Retry-After': '5' } },
};

/** The ApiError for an error of the analytics library; anything else as it is. */
export function toApiError(error: unknown): unknown {
  if (error instanceof QueryParameterError) return new ApiError(400, error.message);
  if (error instanceof ReadFailure) {
    const { status, headers } = FAILURE_ANSWERS[error.kind];
    return new ApiError(status, error.message, [], headers);
  }
  if (isPostgresUnavailable(error)) return new ApiError(503, 'PostgreSQL (issues and alerts) is unavailable; retry later', [], { 'Retry-After': '5' });
  return error;
}

/**
 * Applies toApiError to every handler's error (APP_INTERCEPTOR): controllers parse their request
 * and call the library's services without translating errors themselves.
 */
@Injectable()
export class AnalyticsErrorsInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => toApiError(error))));
  }
}
