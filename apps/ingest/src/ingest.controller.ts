import { Controller, HttpCode, Param, ParseIntPipe, Post, Req, Res } from '@nestjs/common';
import { extractPublicKey } from '@pulse/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IngestReply, IngestService } from './ingest.service';

@Controller('api/:projectId')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  /** The SDKs' endpoint: an envelope of any number of items. */
  @Post('envelope')
  @HttpCode(200)
  envelope(@Param('projectId', ParseIntPipe) projectId: number, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IngestReply['body']> {
    return this.handle('envelope', projectId, request, reply);
  }

  /** Legacy endpoint: one JSON event (or an envelope, by content type). */
  @Post('store')
  @HttpCode(200)
  store(@Param('projectId', ParseIntPipe) projectId: number, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IngestReply['body']> {
    return this.handle('store', projectId, request, reply);
  }

  private async handle(endpoint: 'envelope' | 'store', projectId: number, request: FastifyRequest, reply: FastifyReply): Promise<IngestReply['body']> {
    const result = await this.ingest.ingest({
      projectId,
      endpoint,
      body: request.body as Buffer | undefined,
      contentType: request.headers['content-type'],
      contentEncoding: request.headers['content-encoding'],
      auth: extractPublicKey({ query: request.query as Record<string, unknown>, headers: request.headers }),
    });
    void reply.headers(result.headers);
    return result.body;
  }
}
