import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SeededDatabase } from '@pulse/analytics/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN_OF_PROJECT } from '../../testing/query-test-app';
import { seededQueryApp } from '../../testing/seeded-query-app';
import { answerChecks } from './answer-checks';
import { ALL, Dashboard, resolveRange, VariableValues } from './grafana-replay';
import { Expectations } from './seeded-expectations';

/**
 * The set-up the Grafana int-specs share: a seeded ClickHouse, the whole query app (the Infinity
 * recipes call the REST endpoints too), the shipped dashboard and the expected answers computed
 * from the seeded records. Each spec file seeds its own database.
 */

export const NOW = Date.now();
export const HOUR = 3_600_000;
// Three hours of data ending more than an hour ago: inside the dashboard's now-6h … now.
export const START = Math.floor((NOW - 4 * HOUR) / HOUR) * HOUR;
export const PROJECT = 1;
export const OTHER_PROJECT = 2;
export const TOKEN = TOKEN_OF_PROJECT[PROJECT];
export const OTHER_TOKEN = TOKEN_OF_PROJECT[OTHER_PROJECT];
/** The repository's root, from apps/query/src/grafana/testing. */
export const REPO_ROOT = join(__dirname, '../../../../..');
export const DASHBOARD_PATH = join(REPO_ROOT, 'docker/grafana/dashboards/pulse.json');
export const DOCS_PATH = join(REPO_ROOT, 'docs/grafana.md');
export const VARIABLES_ALL: VariableValues = { environment: ALL, release: ALL };
export const VARIABLES_ONE: VariableValues = { environment: 'production', release: '1.1.0' };

export const iso = (ms: number) => new Date(ms).toISOString();
export const grafanaRange = (fromMs: number, toMs: number) => ({ from: iso(fromMs), to: iso(toMs), raw: { from: iso(fromMs), to: iso(toMs) } });

/** The suite's state; `db`, `app`, `expected` and `checks` are set in its beforeAll. */
export class GrafanaSuite {
  db!: SeededDatabase;
  app!: NestFastifyApplication;
  expected!: Expectations;
  checks!: ReturnType<typeof answerChecks>;
  readonly dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
  /** The dashboard's time range at NOW. */
  readonly range = resolveRange(this.dashboard.time, NOW);

  /** A request to `/api/v1/projects/<projectId>/grafana<path>` with the token (none when null). */
  readonly call = async <T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown, token: string | null = TOKEN, projectId = PROJECT): Promise<{ status: number; body: T }> => {
    const response = await this.app.inject({
      method,
      url: `/api/v1/projects/${projectId}/grafana${path}`,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.statusCode, body: response.json<T>() };
  };
}

/** Registers the suite's beforeAll (seed a database named after `prefix`, start the app) and afterAll (close, drop the database). */
export function grafanaSuite(prefix: string): GrafanaSuite {
  const suite = new GrafanaSuite();
  const seeded = seededQueryApp({
    prefix,
    seed: 31,
    records: { startMs: START, minutes: 180, transactions: 6000, webVitals: 3000, errors: 1500, sessions: 600, sessionAggregates: 60 },
    timeoutMs: 180_000,
  });

  beforeAll(() => {
    suite.db = seeded.db;
    suite.app = seeded.app.app;
    suite.expected = new Expectations(suite.db.records, PROJECT);
    suite.checks = answerChecks(suite.expected, NOW);
  });
  return suite;
}
