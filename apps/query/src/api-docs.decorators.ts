/**
 * OpenAPI decorators for the query API's endpoints. Every `/api/v1/projects/:projectId/…` endpoint
 * takes one of them, and api-docs.int-spec.ts fails for an endpoint that does not:
 *
 *   @Get('transactions/latency')
 *   @ApiProjectEndpoint({ tag: 'transactions', summary: 'Latency percentiles', ok: LatencyResponseDto })
 *   @ApiAnalyticsQuery()
 *   latency(@Param('projectId', ParseIntPipe) projectId: number, @Query() query: LatencyQueryDto) { … }
 *
 * - ApiProjectEndpoint: the tag it is listed under in /docs, a one-line summary (optional
 *   `description` for more), the 200 body (`ok: Dto` for an object, `ok: [Dto]` for a JSON array
 *   of them; the class has @ApiProperty fields), the `projectId` path parameter, the bearer
 *   requirement and the 400/401/403/429 answers, all with the ErrorBody schema.
 * - ApiAnalyticsQuery: the query string every analytics endpoint shares (AnalyticsQueryDto: time
 *   range, interval, filters). An endpoint's own query fields take @ApiProperty /
 *   @ApiPropertyOptional in its DTO instead.
 * - ApiOpenKeys: on a response class whose keys depend on the request (p50, p95… after
 *   `percentiles`), the schema of those extra keys.
 *
 * Give optional filters no `example` (write one in the description): Swagger UI's "Try it out"
 * fills examples in, and a filter nobody asked for empties the answer.
 */
import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiSchema,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  SchemaObject,
} from '@nestjs/swagger';
import type { ErrorBody } from '@pulse/platform';

/** The name of the bearer security scheme in the document (setUpApiDocs declares it). */
export const BEARER_SCHEME = 'bearer';

@ApiSchema({ name: 'ErrorBody', description: 'The body of every error answer of every Pulse API.' })
export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ description: 'What went wrong, for a person to read.', example: 'from="yesterday" is not ISO-8601 or epoch milliseconds' })
  detail!: string;

  @ApiPropertyOptional({ description: 'The individual problems, when there are several.', type: [String] })
  causes?: string[];
}

export type ProjectEndpointDocs = {
  /** The group it is listed under in /docs, e.g. `transactions`, `releases`. */
  tag: string;
  summary: string;
  description?: string;
} & (
  | {
      /** The 200 (or 201) body: a class with @ApiProperty fields, or `[Class]` for a JSON array of them. */
      ok: Type<unknown> | [Type<unknown>];
      /** 201 for a create; default 200. */
      status?: 200 | 201;
    }
  /** A 204 without a body (a delete). */
  | { status: 204 }
);

export function ApiProjectEndpoint(docs: ProjectEndpointDocs): MethodDecorator {
  const { tag, summary, description } = docs;
  return applyDecorators(
    ApiTags(tag),
    ApiOperation({ summary, description }),
    ApiBearerAuth(BEARER_SCHEME),
    ApiParam({ name: 'projectId', type: 'integer', description: 'The project, as in its DSN and PULSE_CONFIG.', example: 1 }),
    successResponse(docs),
    ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A parameter is missing, unknown or cannot be parsed; `detail` says which.' }),
    ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No `Authorization: Bearer <token>`, or an unknown token.' }),
    ApiForbiddenResponse({ type: ErrorBodyDto, description: 'The token has no access to this project.' }),
    ApiTooManyRequestsResponse({
      type: ErrorBodyDto,
      description: 'The token already has its most queries running and waiting (QUERY_MAX_CONCURRENT_PER_TOKEN, QUERY_MAX_QUEUED_PER_TOKEN); retry after `Retry-After` seconds.',
    }),
  );
}

function successResponse(docs: ProjectEndpointDocs): MethodDecorator {
  if (docs.status === 204) return ApiResponse({ status: 204, description: 'Done; no body.' });
  const [type, isArray] = Array.isArray(docs.ok) ? [docs.ok[0], true] : [docs.ok, false];
  return ApiResponse({ status: docs.status ?? 200, type, isArray, description: docs.status === 201 ? 'Created.' : 'The result.' });
}

/** The fields of AnalyticsQueryDto; api-docs.int-spec.ts checks they match what the DTO accepts. */
export function ApiAnalyticsQuery(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'from',
      type: String,
      description: 'Start of the time range (inclusive): ISO-8601 or epoch milliseconds.',
      example: '2026-01-01T00:00:00Z',
    }),
    ApiQuery({
      name: 'to',
      type: String,
      description: 'End of the time range (exclusive): ISO-8601 or epoch milliseconds. The range spans at most QUERY_MAX_RANGE_DAYS days.',
      example: '1767312000000',
    }),
    ApiQuery({
      name: 'interval',
      type: String,
      required: false,
      description:
        'Bucket width of the series: `30s`, `5m`, `1h`, `1d`, `1w` or milliseconds. Widened so the range holds at most ' +
        'QUERY_MAX_POINTS buckets; by default about 100 buckets. The answer says the width used.',
    }),
    ApiQuery({ name: 'transaction', type: String, required: false, description: 'Only this transaction name (exact match), e.g. `GET /checkout`.' }),
    ApiQuery({ name: 'release', type: String, required: false, description: 'Only this release (exact match), e.g. `shop@1.0.0`.' }),
    ApiQuery({ name: 'environment', type: String, required: false, description: 'Only this environment (exact match), e.g. `production`.' }),
    ApiQuery({ name: 'browser', type: String, required: false, description: 'Only this browser name (exact match), e.g. `Chrome`.' }),
    ApiQuery({ name: 'os', type: String, required: false, description: 'Only this operating system name (exact match), e.g. `Windows`.' }),
    ApiQuery({
      name: 'tag',
      type: String,
      isArray: true,
      required: false,
      description:
        'Only events with this tag, as `key:value` (the first `:` separates them), e.g. `browser.name:Chrome`; repeat it ' +
        'for several, all of which must match.',
    }),
  );
}

export interface OpenKeysDocs {
  description: string;
  /** The schema of each key the class does not declare. */
  additionalProperties: SchemaObject;
}

/**
 * The class's schema gets `additionalProperties`. @ApiSchema copies every option but `name` into
 * the schema, though its type lists only `name` and `description`; api-docs.int-spec.ts checks
 * the result.
 */
export function ApiOpenKeys(docs: OpenKeysDocs): ClassDecorator {
  return ApiSchema(docs);
}
