import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { Observable, throwError } from 'rxjs';

/** The one error body of every Pulse HTTP API (the shape Sentry SDKs and Relay use). */
export interface ErrorBody {
  detail: string;
  causes?: string[];
}

/** An HTTP error whose body is exactly an ErrorBody, plus optional response headers. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    detail: string,
    causes: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(causes.length > 0 ? { detail, causes } : { detail }, status);
  }
}

@Catch()
export class ErrorBodyFilter implements ExceptionFilter {
  /** `bodyLimit`: the app's largest body, named in the 413 answer. */
  constructor(
    private readonly logger: Logger,
    private readonly bodyLimit?: number,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // The consumer's Kafka transport inherits the app's filters: a batch that failed goes back to
    // the consumer as it is (which retries it), with no HTTP reply to write.
    if (host.getType() !== 'http') return throwError(() => exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = this.describe(exception);
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    void reply.status(status).send(body);
  }

  private describe(exception: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
    if (exception instanceof ApiError) return { status: exception.getStatus(), body: exception.getResponse() as ErrorBody, headers: exception.headers };
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
      // The only 413 that is no ApiError is Fastify's body limit ("Request body is too large").
      if (exception.getStatus() === 413 && this.bodyLimit !== undefined) {
        return { status: 413, body: { detail: `the request body is larger than ${this.bodyLimit} bytes (the limit)` }, headers: {} };
      }
      return { status: exception.getStatus(), body: { detail }, headers: {} };
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { detail: 'internal error' }, headers: {} };
  }
}
