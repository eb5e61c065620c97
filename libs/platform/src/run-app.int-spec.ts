import 'reflect-metadata';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SharedConfig } from '@pulse/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthController, READINESS_CHECKS } from './health.controller';
import { MetricsRegistry } from './metrics.registry';
import { AppContext, runApp } from './run-app';

/**
 * runApp on a real socket: an app built from its definition serves /health, /ready and /metrics
 * (behind PULSE_CONFIG's metrics token) with the registry runApp made, and the hooks run in order.
 */
jest.setTimeout(30_000);

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('runApp', () => {
  let app: NestFastifyApplication | undefined;
  afterAll(async () => app?.close());

  it('starts the app of a definition and listens on its port', async () => {
    const pulseConfigPath = join(mkdtempSync(join(tmpdir(), 'pulse-run-app-')), 'pulse-config.json');
    writeFileSync(pulseConfigPath, JSON.stringify({ projects: [{ id: 1, name: 'x', keys: ['0'.repeat(32)] }], tokens: [], metricsToken: METRICS_TOKEN }));
    const config: SharedConfig & { port: number } = {
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      pulseConfigPath,
      httpTimeouts: { requestMs: 5000, headersMs: 5000, idleMs: 10_000, keepAliveMs: 5000 },
    };
    const steps: string[] = [];
    let context: AppContext<typeof config> | undefined;
    await runApp({
      name: 'platform-test',
      loadConfig: () => config,
      port: ({ port }) => port,
      createModule: (given) => {
        context = given;
        steps.push('createModule');
        const module = { module: class RunAppTestModule {}, controllers: [HealthController], providers: [{ provide: READINESS_CHECKS, useValue: [] }, { provide: MetricsRegistry, useValue: given.metrics }] };
        Module({})(module.module);
        return {
          module,
          beforeListen: (created) => {
            app = created;
            steps.push('beforeListen');
          },
        };
      },
    });
    expect(steps).toEqual(['createModule', 'beforeListen']);
    expect(context?.config).toBe(config);
    expect(context?.registry.metricsToken).toBe(METRICS_TOKEN);
    if (!app) throw new Error('beforeListen was not given the app');
    const url = await app.getUrl();
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const scrape = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/^pulse_http_requests_total\{[^}]*route="\/health",status="200"[^}]*\} 1$/m);
  });
});
