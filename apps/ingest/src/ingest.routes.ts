import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiError } from '@pulse/platform';
import { extractPublicKey } from '@pulse/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IngestReply, IngestService } from './ingest.service';

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
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // The SDKs' endpoint: an envelope of any number of items.
    fastify.post('/api/:projectId/envelope', (request: ProjectRequest, reply) => this.handle('envelope', request, reply));
    // Legacy endpoint: one JSON event (or an envelope, by content type).
    fastify.post('/api/:projectId/store', (request: ProjectRequest, reply) => this.handle('store', request, reply));
  }

  private async handle(endpoint: Endpoint, request: ProjectRequest, reply: FastifyReply): Promise<IngestReply['body']> {
    const projectId = request.params.projectId;
    if (!PROJECT_ID.test(projectId) || !Number.isFinite(Number(projectId))) throw new ApiError(400, PROJECT_ID_ERROR);
    const result = await this.ingest.ingest({
      projectId: parseInt(projectId, 10),
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
