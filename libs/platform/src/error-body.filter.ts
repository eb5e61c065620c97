import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';

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
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
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
      return { status: exception.getStatus(), body: { detail }, headers: {} };
    }
    this.logger.error({ err: exception }, 'unhandled error');
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { detail: 'internal error' }, headers: {} };
  }
}
