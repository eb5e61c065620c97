import { createParamDecorator, ExecutionContext, ValidationPipe } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * Grafana's request bodies carry many fields Pulse does not read, and each Grafana release adds
 * some (`scopes`, `groupByKeys`, `filters` replacing `adhocFilters`…). The app's global
 * ValidationPipe refuses unknown properties, which would turn a Grafana upgrade into a 400 on every
 * panel. These bodies are therefore read through a custom parameter decorator, which the global
 * pipe skips (it validates custom decorators only with `validateCustomDecorators`), and validated
 * here against the same class-validator DTOs, nested, with unknown properties stripped: every
 * field Pulse reads is still checked, and a bad one is a 400 naming its path
 * (`targets.0.hide must be a boolean value`).
 */
const TOLERANT_BODY_PIPE = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: false,
  transform: true,
  validateCustomDecorators: true,
});

const RequestBody = createParamDecorator((_data: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<FastifyRequest>().body);

/** The validated request body of a Grafana datasource call, typed by the parameter's DTO class. */
export function GrafanaBody(): ParameterDecorator {
  return RequestBody(undefined, TOLERANT_BODY_PIPE);
}
