import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME } from './api-docs.decorators';

export const API_DOCS_PATH = '/docs';
export const API_DOCS_JSON_PATH = '/docs/json';

const DESCRIPTION = `
Transaction latency and the other analytics Pulse stores, per project.

**Authentication.** Every \`/api/v1/projects/{projectId}/…\` endpoint takes \`Authorization: Bearer <token>\`,
a token from the \`tokens\` of PULSE_CONFIG. Tokens are scoped to projects: no token or an unknown one
answers 401, a token without access to the project in the URL answers 403. \`/docs\`, \`/health\`
and \`/ready\` need no token; \`/metrics\` needs the \`metricsToken\` of PULSE_CONFIG.

**Time parameters.** Every endpoint reads \`from\` and \`to\` the same way: ISO-8601
(\`2026-01-01T00:00:00Z\`) or epoch milliseconds (\`1767225600000\`); \`to\` is exclusive. \`interval\`, the
bucket width of a series, is \`30s\`, \`5m\`, \`1h\`, \`1d\`, \`1w\` or plain milliseconds, widened so the
range holds at most QUERY_MAX_POINTS buckets.

**Errors.** Every error answers \`{"detail": "…", "causes": ["…"]}\` (\`causes\` only when there are
several); a bad parameter is a 400 whose \`detail\` names it.
`.trim();

/**
 * The OpenAPI 3 document of the query API as Swagger UI at /docs and JSON at /docs/json. The UI's
 * scripts and styles come from the swagger-ui-dist package through @fastify/static, so /docs
 * works offline. Call before the app listens: it registers routes.
 */
export function setUpApiDocs(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Pulse query API')
    .setDescription(DESCRIPTION)
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A token from the `tokens` of PULSE_CONFIG.' }, BEARER_SCHEME)
    .build();
  // Tags come from ApiProjectEndpoint only; by controller name they would split one group in two.
  const document = onlyApiPaths(SwaggerModule.createDocument(app, config, { autoTagControllers: false }));
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: API_DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Pulse query API',
    // Swagger UI would otherwise send the document to validator.swagger.io for a badge.
    swaggerOptions: { validatorUrl: null },
  });
  return document;
}

/** /health, /ready and /metrics are the same on every app, for orchestrators and Prometheus. */
function onlyApiPaths(document: OpenAPIObject): OpenAPIObject {
  const paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')));
  return { ...document, paths };
}
