import { exceedsJsonDepth, MAX_JSON_DEPTH } from '@pulse/protocol';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './error-body.filter';

/**
 * The `application/json` parser of every app that takes JSON bodies (the query API: SQL `params`,
 * Grafana datasource calls, and whatever comes next). The depth is checked on the bytes before
 * JSON.parse: class-transformer and class-validator recurse once per level, and about 3,000
 * levels threw a RangeError — a 500 — from the global ValidationPipe. Then Fastify's own parser,
 * which refuses `__proto__` and `constructor.prototype` keys. Bodies over the limit are refused
 * by Fastify (413) while they stream in, before this runs.
 */
export function registerBoundedJsonParser(fastify: FastifyInstance, bodyLimit: number, maxDepth = MAX_JSON_DEPTH): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body, done) => {
    if (exceedsJsonDepth(body as Buffer, maxDepth)) {
      done(new ApiError(400, `the JSON body is nested deeper than ${maxDepth} levels (the limit)`), undefined);
      return;
    }
    parseJson(request, (body as Buffer).toString('utf8'), done);
  });
}
