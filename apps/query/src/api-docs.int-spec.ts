import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { FastifyInstance } from 'fastify';
import { isDeepStrictEqual } from 'node:util';
import { request } from '@pulse/testing';
import { API_DOCS_JSON_PATH, API_DOCS_PATH } from './api-docs';
import { startQueryApp, TOKEN_OF_PROJECT } from './testing/query-test-app';

// The real query app with its docs, on a free port. No handler runs a query (the guard answers
// first or nothing is called), so ClickHouse is never reached and the database need not exist.
const OWN_PROJECT = 1;
const OTHER_PROJECT = 2;
const TOKEN = TOKEN_OF_PROJECT[OWN_PROJECT];

interface Route {
  method: string;
  /** The OpenAPI form: `{projectId}`, not `:projectId`. */
  path: string;
}

describe('query API document', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let document: OpenAPIObject;
  const apiRoutes: Route[] = [];

  beforeAll(async () => {
    const started = await startQueryApp({
      database: 'pulse_api_docs_never_queried',
      // Nest registers its routes on Fastify when the app starts, after this hook is in place.
      beforeListen: (nest) => {
        (nest.getHttpAdapter().getInstance() as unknown as FastifyInstance).addHook('onRoute', (route) => {
          if (!route.url.startsWith('/api/v1/')) return;
          for (const method of [route.method].flat()) {
            if (method !== 'HEAD') apiRoutes.push({ method: method.toLowerCase(), path: toOpenApiPath(route.url) });
          }
        });
      },
    });
    app = started.app;
    baseUrl = started.url;
    const json = await request<OpenAPIObject>(`${baseUrl}${API_DOCS_JSON_PATH}`);
    expect(json.status).toBe(200);
    document = json.body;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is an OpenAPI 3 document with the bearer scheme and the parameter formats', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('Pulse query API');
    expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.info.description).toEqual(expect.stringContaining('ISO-8601'));
    expect(document.info.description).toEqual(expect.stringContaining('epoch milliseconds'));
    expect(document.info.description).toEqual(expect.stringContaining('`30s`, `5m`, `1h`'));
  });

  it('has every /api/v1 route the app registered, with its method', () => {
    expect(apiRoutes).toContainEqual({ method: 'get', path: '/api/v1/projects/{projectId}/transactions/latency' });
    const missing = apiRoutes.filter(({ method, path }) => !document.paths[path]?.[method as 'get']).map(describeRoute);
    expect(missing).toEqual([]);
  });

  it('gives every route a 2xx body schema, bearer security and the 400/401/403 error body', () => {
    const errorBody = { $ref: '#/components/schemas/ErrorBody' };
    const problems = apiRoutes.flatMap((route) => {
      const operation = document.paths[route.path]?.[route.method as 'get'];
      if (!operation) return [`${describeRoute(route)}: not in the document`];
      const success = Object.entries(operation.responses).find(([status]) => /^2\d\d$/.test(status));
      return [
        // 204 (a delete) has no body to describe.
        ...(success && (jsonSchemaOf(success[1]) || success[0] === '204') ? [] : [`${describeRoute(route)}: no 2xx response with a JSON schema`]),
        ...(isDeepStrictEqual(operation.security, [{ bearer: [] }]) ? [] : [`${describeRoute(route)}: no bearer security`]),
        ...['400', '401', '403']
          .filter((status) => !isDeepStrictEqual(jsonSchemaOf(operation.responses[status]), errorBody))
          .map((status) => `${describeRoute(route)}: no ${status} response with the ErrorBody schema`),
      ];
    });
    expect(problems).toEqual([]);
    expect(document.components?.schemas?.ErrorBody).toMatchObject({ required: ['detail'], properties: { detail: { type: 'string' }, causes: { type: 'array' } } });
  });

  it('answers 401 without a token and 403 for a project the token cannot read, on every route', async () => {
    const problems: string[] = [];
    for (const route of apiRoutes) {
      const url = (projectId: number): string => `${baseUrl}${route.path.replace('{projectId}', String(projectId)).replace(/\{\w+\}/g, '1')}`;
      const init: RequestInit = { method: route.method.toUpperCase() };
      const anonymous = await request<{ detail?: unknown }>(url(OWN_PROJECT), init);
      if (anonymous.status !== 401 || typeof anonymous.body.detail !== 'string') problems.push(`${describeRoute(route)} without a token: ${anonymous.status} ${JSON.stringify(anonymous.body)}`);
      if (!route.path.includes('{projectId}')) continue;
      const elsewhere = await request<{ detail?: unknown }>(url(OTHER_PROJECT), { ...init, headers: { authorization: `Bearer ${TOKEN}` } });
      if (elsewhere.status !== 403 || typeof elsewhere.body.detail !== 'string') problems.push(`${describeRoute(route)} for another project: ${elsewhere.status} ${JSON.stringify(elsewhere.body)}`);
    }
    expect(problems).toEqual([]);
  });

  it('documents exactly the query-string fields each handler accepts', () => {
    const handlers = queryFieldsOfHandlers(app).filter(({ path }) => path.startsWith('/api/v1/'));
    expect(handlers.length).toBeGreaterThan(0);
    const problems = handlers.flatMap(({ fields, ...route }) => {
      const operation = document.paths[route.path]?.[route.method as 'get'];
      const documented = (operation?.parameters ?? []).filter((parameter): parameter is ParameterObject => 'in' in parameter && parameter.in === 'query').map(({ name }) => name);
      const undocumented = fields.filter((field) => !documented.includes(field));
      const unknown = documented.filter((name) => !fields.includes(name));
      return [
        ...(undocumented.length > 0 ? [`${describeRoute(route)}: undocumented query fields ${undocumented.join(', ')}`] : []),
        ...(unknown.length > 0 ? [`${describeRoute(route)}: documented query fields it does not accept: ${unknown.join(', ')}`] : []),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('describes the latency answer: totals, interval, series and one key per percentile', () => {
    const operation = operationOf(document, { method: 'get', path: '/api/v1/projects/{projectId}/transactions/latency' });
    expect(jsonSchemaOf(operation.responses['200'])).toEqual({ $ref: '#/components/schemas/LatencyResponseDto' });
    const percentile = { type: 'number', nullable: true };
    expect(document.components?.schemas?.LatencyResponseDto).toMatchObject({
      required: expect.arrayContaining(['count', 'interval_ms', 'series']),
      properties: { series: { type: 'array', items: { $ref: '#/components/schemas/LatencySeriesPointDto' } } },
      additionalProperties: percentile,
    });
    expect(document.components?.schemas?.LatencySeriesPointDto).toMatchObject({ required: ['t', 'count'], additionalProperties: percentile });
    expect(operation.parameters).toContainEqual(expect.objectContaining({ name: 'percentiles', in: 'query', required: false }));
  });

  it.each([API_DOCS_PATH, `${API_DOCS_PATH}/`])('serves Swagger UI at %s, without a token, from its own assets', async (page) => {
    const html = await request<string>(`${baseUrl}${page}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const assets = [...html.body.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map(([, ref]) => new URL(ref, `${baseUrl}${page}`));
    expect(assets.map((url) => url.pathname)).toEqual(expect.arrayContaining([`${API_DOCS_PATH}/swagger-ui-bundle.js`, `${API_DOCS_PATH}/swagger-ui.css`, `${API_DOCS_PATH}/swagger-ui-init.js`]));
    for (const url of assets) {
      expect(url.origin).toBe(new URL(baseUrl).origin);
      const asset = await fetch(url);
      const body = await asset.text();
      expect({ url: url.href, status: asset.status, empty: body.length === 0 }).toEqual({ url: url.href, status: 200, empty: false });
    }
    const init = await request<string>(`${baseUrl}${API_DOCS_PATH}/swagger-ui-init.js`);
    expect(init.body).toContain('"title": "Pulse query API"');
  });
});

function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function describeRoute({ method, path }: Route): string {
  return `${method.toUpperCase()} ${path}`;
}

function operationOf(document: OpenAPIObject, { method, path }: Route): OperationObject {
  const operation = document.paths[path]?.[method as 'get'];
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  return operation;
}

function jsonSchemaOf(response: unknown): SchemaObject | undefined {
  return (response as ResponseObject | undefined)?.content?.['application/json']?.schema as SchemaObject | undefined;
}

/**
 * Per controller handler: its route and the query-string fields it accepts (a named @Query
 * parameter, or each validated property of a @Query() DTO: the ValidationPipe whitelists them).
 */
function queryFieldsOfHandlers(app: NestFastifyApplication): Array<Route & { fields: string[] }> {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  return discovery.getControllers().flatMap(({ metatype }) => {
    const controller = metatype as Type<unknown> | null;
    if (!controller) return [];
    return scanner.getAllMethodNames(controller.prototype).flatMap((name) => {
      const handler = (controller.prototype as Record<string, unknown>)[name] as object;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      const segments = [Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler)] as string[];
      const path = toOpenApiPath(`/${segments.map((segment) => segment.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`);
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number; data?: string }>;
      const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as Array<Type<unknown>>;
      const fields = Object.entries(args)
        .filter(([key]) => key.split(':')[0] === String(RouteParamtypes.QUERY))
        .flatMap(([, { index, data }]) => (data ? [data] : validatedProperties(types[index])));
      return [{ method: RequestMethod[method].toLowerCase(), path, fields: [...new Set(fields)] }];
    });
  });
}

function validatedProperties(dto: Type<unknown>): string[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(dto, '', true, false)
    .map(({ propertyName }) => propertyName);
}
