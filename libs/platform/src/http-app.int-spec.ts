import 'reflect-metadata';
import { Body, Controller, DynamicModule, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { connect, Socket } from 'node:net';
import pino from 'pino';
import { HealthController, READINESS_CHECKS, ReadinessCheck } from './health.controller';
import { createHttpApp, HttpAppOptions } from './http-app';
import { MetricsRegistry } from './metrics.registry';

/**
 * createHttpApp on a real socket: what every Pulse app gets before its own routes run. No Kafka or
 * ClickHouse is involved; the apps' own tests (test/hostile-input.e2e-spec.ts) cover the same
 * through the built services.
 */
jest.setTimeout(30_000);

class InnerDto {
  @IsOptional() @IsObject() params?: Record<string, unknown>;
}

class EchoDto {
  @IsString() sql!: string;
  @IsOptional() @ValidateNested() @Type(() => InnerDto) inner?: InnerDto;
  @IsOptional() @IsObject() params?: Record<string, unknown>;
}

@Controller('echo')
class EchoController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: EchoDto): { sql: string } {
    return { sql: body.sql };
  }
}

const METRICS_TOKEN = 'metrics-token-0123456789';
const TIMEOUTS = { requestMs: 1000, headersMs: 600, idleMs: 10_000, keepAliveMs: 5000 };

async function startApp(options: Partial<HttpAppOptions> = {}, checks: ReadinessCheck[] = []): Promise<{ app: NestFastifyApplication; url: string; port: number }> {
  const metrics = new MetricsRegistry('platform-test');
  const module: DynamicModule = {
    module: class TestModule {},
    controllers: [HealthController, EchoController],
    providers: [
      { provide: READINESS_CHECKS, useValue: checks },
      { provide: MetricsRegistry, useValue: metrics },
    ],
  };
  Module({})(module.module);
  const app = await createHttpApp(module, { logger: pino({ level: 'silent' }), metrics, bodyLimit: 64 * 1024, timeouts: TIMEOUTS, metricsToken: METRICS_TOKEN, ...options });
  // What the query app does: transform bodies into DTO instances (class-transformer recurses).
  app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  return { app, url: `http://127.0.0.1:${port}`, port };
}

const nestedObject = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

describe('createHttpApp: JSON bodies', () => {
  let server: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    server = await startApp();
  });
  afterAll(() => server.app.close());

  const post = (body: string, contentType = 'application/json') => fetch(`${server.url}/echo`, { method: 'POST', body, headers: { 'content-type': contentType } });

  it('answers 400 naming the limit for 3,000 levels of nesting in params, at the top and inside a nested DTO', async () => {
    for (const body of [`{"sql":"SELECT 1","params":${nestedObject(3000)}}`, `{"sql":"SELECT 1","inner":{"params":${nestedObject(3000)}}}`, '['.repeat(60_000)]) {
      const response = await post(body);
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { detail: 'the JSON body is nested deeper than 128 levels (the limit)' } });
    }
  });

  it('takes bodies within the limit, and still refuses prototype pollution and bad JSON', async () => {
    const ok = await post(`{"sql":"SELECT 1","params":${nestedObject(100)}}`);
    expect({ status: ok.status, body: await ok.json() }).toEqual({ status: 200, body: { sql: 'SELECT 1' } });
    expect((await post('{"sql":"x","__proto__":{"polluted":true}}')).status).toBe(400);
    expect((await post('{"sql":')).status).toBe(400);
    expect((await post('{"sql":"x"}', 'application/json; charset=utf-8')).status).toBe(200);
  });

  it('answers 413 for a body over the limit', async () => {
    const response = await post(JSON.stringify({ sql: 'x'.repeat(70 * 1024) }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { detail: string }).detail).toBe('the request body is larger than 65536 bytes (the limit)');
  });
});

describe('createHttpApp: /metrics needs the metrics token', () => {
  let server: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    server = await startApp();
  });
  afterAll(() => server.app.close());

  const scrape = (authorization?: string, path = '/metrics') => fetch(`${server.url}${path}`, { headers: authorization ? { authorization } : {} });

  it('answers 401 without the token or with another, 200 with it', async () => {
    for (const [authorization, detail] of [
      [undefined, 'missing "Authorization: Bearer <metrics token>"'],
      ['Bearer wrong-token-wrong-token', 'unknown metrics token'],
      [`Basic ${METRICS_TOKEN}`, 'missing "Authorization: Bearer <metrics token>"'],
      [`Bearer ${METRICS_TOKEN}x`, 'unknown metrics token'],
    ] as const) {
      const response = await scrape(authorization);
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 401, body: { detail } });
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    }
    for (const path of ['/metrics', '/metrics/', '/metrics?x=1']) {
      const response = await scrape(`Bearer ${METRICS_TOKEN}`, path);
      expect(response.status).toBe(200);
      expect(await response.text()).toMatch(/^# HELP pulse_/m);
    }
  });

  it('leaves /health and /ready open, and they show no token', async () => {
    for (const path of ['/health', '/ready']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).not.toContain(METRICS_TOKEN);
    }
  });

  it('does not quote credentials of a failing dependency on /ready', async () => {
    const failing = await startApp({}, [{ name: 'clickhouse', check: () => Promise.reject(new Error('connect to http://default:hunter2@ch:8123/ refused')) }]);
    try {
      const response = await fetch(`${failing.url}/ready`);
      expect({ status: response.status, body: await response.json() }).toEqual({
        status: 503,
        body: { status: 'not ready', checks: { clickhouse: 'connect to http://***@ch:8123/ refused' } },
      });
    } finally {
      await failing.app.close();
    }
  });

  it('serves metrics to nobody when no token is configured', async () => {
    const closed = await startApp({ metricsToken: undefined });
    try {
      const response = await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 401, body: { detail: 'metrics are not served: PULSE_CONFIG sets no metricsToken' } });
    } finally {
      await closed.app.close();
    }
  });
});

describe('createHttpApp: slow clients', () => {
  let server: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    server = await startApp();
  });
  afterAll(() => server.app.close());

  /** Opens a socket, writes `text`, and resolves with what came back and when the socket closed. */
  function stall(text: string, giveUpMs: number): Promise<{ answer: string; closedAfterMs: number | undefined }> {
    return new Promise((resolve) => {
      const started = Date.now();
      let answer = '';
      const socket: Socket = connect(server.port, '127.0.0.1', () => socket.write(text));
      const giveUp = setTimeout(() => {
        socket.destroy();
        resolve({ answer, closedAfterMs: undefined });
      }, giveUpMs);
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(giveUp);
        resolve({ answer, closedAfterMs: Date.now() - started });
      });
    });
  }

  it('closes a request whose body stalls after the request timeout, and keeps serving others meanwhile', async () => {
    const stalled = stall(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"sql":"SEL`, 10_000);
    // Others are served while the stalled request waits.
    const healthy = await fetch(`${server.url}/health`);
    expect(healthy.status).toBe(200);
    const { answer, closedAfterMs } = await stalled;
    expect(closedAfterMs).toBeDefined();
    // requestMs (1000) plus at most one sweep of Node's connection check (250 ms here) and slack.
    expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUTS.requestMs - 50);
    expect(closedAfterMs).toBeLessThan(TIMEOUTS.requestMs + 2000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('closes a connection whose headers never end after the headers timeout', async () => {
    const { answer, closedAfterMs } = await stall('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ', 10_000);
    expect(closedAfterMs).toBeDefined();
    expect(closedAfterMs).toBeLessThan(TIMEOUTS.headersMs + 2000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
