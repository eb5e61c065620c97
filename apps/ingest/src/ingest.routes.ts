import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiError } from '@pulse/platform';
import { encodeOtlpStatus, encodeOtlpTraceResponse, extractPublicKey, OTLP_CONTENT_TYPE, otlpEncodingOf } from '@pulse/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IngestReply, IngestService } from './ingest.service';
import { OtlpTracesService } from './otlp/otlp-traces.service';

type Endpoint = 'envelope' | 'store';
type ProjectRequest = FastifyRequest<{ Params: { projectId: string } }>;

/** What Nest's ParseIntPipe accepted, and its answer otherwise: the 400 body stays as it was. */
const PROJECT_ID = /^-?\d+$/;
const PROJECT_ID_ERROR = 'Validation failed (numeric string is expected)';

/**
 * The envelope and store endpoints as plain Fastify routes on the Nest app's own Fastify instance.
 * Nest builds and wires them (DI, module lifecycle), but a request skips its router machinery
 * (execution context, pipes, interceptors, the passthrough reply wrapper), which measured
 * cheaper per request (docs/benchmarks.md, "Ingest"). Everything around the handler is
 * unchanged: Fastify's hooks (CORS, /metrics guard, request metrics), its body limit and content
 * parser, and errors, which Fastify hands to the error handler Nest installs, so ErrorBodyFilter
 * writes every error body as before. Registered in onModuleInit: after Nest's own routes, before
 * Nest installs that error handler and before the server listens.
 */
@Injectable()
export class IngestRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly ingest: IngestService,
    private readonly otlp: OtlpTracesService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // The SDKs' endpoint: an envelope of any number of items.
    fastify.post('/api/:projectId/envelope', (request: ProjectRequest, reply) => this.handle('envelope', request, reply));
    // Legacy endpoint: one JSON event (or an envelope, by content type).
    fastify.post('/api/:projectId/store', (request: ProjectRequest, reply) => this.handle('store', request, reply));
    // OpenTelemetry's OTLP/HTTP trace export, at the path Sentry serves it (docs/otlp.md).
    fastify.post('/api/:projectId/integration/otlp/v1/traces', (request: ProjectRequest, reply) => this.handleOtlpTraces(request, reply));
  }

  /**
   * OTLP answers in the request's encoding (JSON when the content type is not OTLP's): the export
   * response, or a google.rpc.Status with the error's status and headers (Retry-After on 429/503:
   * the exporter retries those and gives up on the others, as the OTLP spec says).
   */
  private async handleOtlpTraces(request: ProjectRequest, reply: FastifyReply): Promise<Buffer> {
    const encoding = otlpEncodingOf(request.headers['content-type']) ?? 'json';
    void reply.header('content-type', OTLP_CONTENT_TYPE[encoding]);
    try {
      const result = await this.otlp.export({
        projectId: projectIdOf(request),
        body: request.body as Buffer | undefined,
        contentType: request.headers['content-type'],
        contentEncoding: request.headers['content-encoding'],
        auth: extractPublicKey({ query: request.query as Record<string, unknown>, headers: request.headers }),
      });
      return encodeOtlpTraceResponse(encoding, result.rejectedSpans > 0 ? { rejectedSpans: result.rejectedSpans, errorMessage: result.errorMessage } : undefined);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const status = error.getStatus();
      void reply.code(status).headers(error.headers);
      return encodeOtlpStatus(encoding, { code: RPC_CODE_OF_STATUS[status] ?? RPC_UNKNOWN, message: (error.getResponse() as { detail: string }).detail });
    }
  }

  private async handle(endpoint: Endpoint, request: ProjectRequest, reply: FastifyReply): Promise<IngestReply['body']> {
    const result = await this.ingest.ingest({
      projectId: projectIdOf(request),
      endpoint,
      body: request.body as Buffer | undefined,
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
      auth: extractPublicKey({ query: request.query as Record<string, unknown>, headers: request.headers }),
    });
    if (result.headers !== undefined) void reply.headers(result.headers);
    return result.body;
  }
}

function projectIdOf(request: ProjectRequest): number {
  const projectId = request.params.projectId;
  if (!PROJECT_ID.test(projectId) || !Number.isFinite(Number(projectId))) throw new ApiError(400, PROJECT_ID_ERROR);
  return parseInt(projectId, 10);
}

/** google.rpc.Code of each status ingest answers (https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto). */
const RPC_CODE_OF_STATUS: Record<number, number> = { 400: 3, 401: 16, 403: 7, 413: 3, 415: 3, 429: 8, 503: 14 };
const RPC_UNKNOWN = 2;
