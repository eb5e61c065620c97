import { loadQueryConfig } from '@pulse/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRAFANA_CATALOG } from './grafana-catalog';
import type { GrafanaFrame, TableFrame, TimeSeriesFrame } from './grafana-frames';
import { ALL, annotationQuery, DashboardPanel, intervalText, panelQuery, roundInterval, VariableValues, variableQuery } from './testing/grafana-replay';
import { DOCS_PATH, grafanaSuite, iso, REPO_ROOT, TOKEN, VARIABLES_ALL, VARIABLES_ONE } from './testing/grafana-suite';
import { infinityRecipes, InfinityRecipe, resolvePath } from './testing/infinity-recipes';
import type { RecordFilters } from './testing/seeded-expectations';

/**
 * Every request the shipped dashboard's panels, annotations and variables would send, rebuilt
 * from docker/grafana/dashboards/pulse.json, and the Infinity recipes of docs/grafana.md on the
 * REST endpoints, over a seeded ClickHouse. Answers are checked against values computed from the
 * seeded records as in grafana-datasource.int-spec.ts.
 */
jest.setTimeout(180_000);

describe('the Grafana dashboard and recipes against ClickHouse', () => {
  const suite = grafanaSuite('grafana_dashboard');
  const { dashboard, range, call } = suite;

  describe('the shipped dashboard (docker/grafana/dashboards/pulse.json), replayed', () => {
    const panels = dashboard.panels.filter((panel) => (panel.targets?.length ?? 0) > 0);

    it('is provisioned with the datasource it names, pointed at the query app', () => {
      const provisioning = readFileSync(join(REPO_ROOT, 'docker/grafana/provisioning/datasources/pulse.yaml'), 'utf8');
      const compose = readFileSync(join(REPO_ROOT, 'docker/compose.yaml'), 'utf8');
      const queryPort = loadQueryConfig({}).queryPort;
      expect(provisioning).toMatch(/^\s+uid: pulse$/m);
      expect(provisioning).toMatch(/^\s+type: simpod-json-datasource$/m);
      expect(provisioning).toContain(`url: http://query:${queryPort}/api/v1/projects/\${PULSE_PROJECT_ID}/grafana`);
      expect(provisioning).toContain('httpHeaderValue1: Bearer ${PULSE_GRAFANA_TOKEN}');
      expect(compose).toContain(`ports: ["${queryPort}:${queryPort}"]`);
      expect(compose).toMatch(/GF_INSTALL_PLUGINS: simpod-json-datasource \d+\.\d+\.\d+/);
      expect(compose).toContain('./grafana/dashboards:/var/lib/grafana/dashboards/pulse:ro');
      const dashboards = readFileSync(join(REPO_ROOT, 'docker/grafana/provisioning/dashboards/pulse.yaml'), 'utf8');
      expect(dashboards).toContain('path: /var/lib/grafana/dashboards/pulse');
    });

    it('has the headline panels, on the Pulse datasource and known targets only', () => {
      const used = new Set(panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.target)));
      const headline = ['transaction.p50', 'transaction.p95', 'transaction.p99', 'transaction.tpm', 'transaction.failure_rate', 'errors.rate', 'releases', 'transactions', 'errors', 'web_vitals'];
      for (const target of [...headline, ...['lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid'].map((vital) => `web_vitals.${vital}.p75`)]) expect({ target, used: used.has(target) }).toEqual({ target, used: true });
      const values = new Set(GRAFANA_CATALOG.map((e) => e.value));
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          expect({ panel: panel.title, target: target.target, known: values.has(target.target ?? '') }).toEqual({ panel: panel.title, target: target.target, known: true });
          expect(target.datasource).toEqual({ type: 'simpod-json-datasource', uid: 'pulse' });
        }
      }
    });

    it.each([
      ['every variable on All', VARIABLES_ALL],
      ['environment=production, release=1.1.0', VARIABLES_ONE],
    ])('answers every panel with correct, non-empty data (%s)', async (_case, values) => {
      for (const panel of panels) {
        const body = panelQuery(dashboard, panel, range, values);
        const answer = await call<GrafanaFrame[]>('POST', '/query', body);
        expect({ panel: panel.title, status: answer.status }).toEqual({ panel: panel.title, status: 200 });
        expect({ panel: panel.title, frames: answer.body.length > 0 }).toEqual({ panel: panel.title, frames: true });
        checkPanel(panel, answer.body, values);
      }
    });

    it('answers the annotation and the template variables of the dashboard', async () => {
      for (const annotation of dashboard.annotations.list.filter((a) => a.datasource?.uid === 'pulse')) {
        for (const values of [VARIABLES_ALL, VARIABLES_ONE]) {
          const answer = await call<TableFrame[]>('POST', '/query', annotationQuery(dashboard, annotation, range, values));
          expect(answer.status).toBe(200);
          suite.checks.checkReleasesTable(answer.body[0], scopeOf({ environment: values.environment }), range);
        }
      }
      const variables = dashboard.templating.list.filter((v) => v.type === 'query');
      expect(variables.map((v) => v.name).sort()).toEqual(['environment', 'release']);
      for (const variable of variables) {
        const answer = await call<Array<{ __value: string }>>('POST', '/variable', variableQuery(variable, range));
        expect(answer.status).toBe(200);
        const dimension = variable.name === 'release' ? 'release' : 'environment';
        expect(answer.body.map((v) => v.__value).sort()).toEqual(suite.expected.dimension(dimension, range.fromMs, range.toMs));
      }
    });
  });

  describe('the Infinity recipes of docs/grafana.md, replayed on the REST endpoints', () => {
    const recipes = infinityRecipes(readFileSync(DOCS_PATH, 'utf8'));

    it('has a recipe for each headline panel', () => {
      expect(recipes.map((r) => r.title)).toEqual(
        expect.arrayContaining([
          'Latency p50 / p95 / p99 (time series)',
          'p95 by release (time series)',
          'Throughput and failure rate (time series)',
          'Error rate per release (time series)',
          'Release health (table), and release annotations',
          'Web Vitals p75 (time series, one query per vital)',
          'Web Vitals summary (table)',
          'Error groups (table)',
        ]),
      );
    });

    it.each(infinityRecipes(readFileSync(DOCS_PATH, 'utf8')).map((recipe) => [recipe.title, recipe] as const))('%s', async (_title, recipe: InfinityRecipe) => {
      // Grafana's macros as it substitutes them for a 1200 px wide panel over the dashboard range.
      const interval = intervalText(roundInterval((range.toMs - range.fromMs) / 1200));
      const url = recipe.url
        .replace(/\$\{__from:date:iso\}/g, iso(range.fromMs))
        .replace(/\$\{__to:date:iso\}/g, iso(range.toMs))
        .replace(/\$\{__from\}/g, String(range.fromMs))
        .replace(/\$\{__to\}/g, String(range.toMs))
        .replace(/\$__interval\b/g, interval);
      expect(url).not.toMatch(/\$/);
      const response = await suite.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });
      expect({ url, status: response.statusCode, body: response.statusCode === 200 ? 'json' : response.body }).toEqual({ url, status: 200, body: 'json' });
      const body: unknown = response.json();
      const root = recipe.root === undefined ? body : resolvePath(body, recipe.root);
      const rows = Array.isArray(root) ? root : [root];
      expect({ url, rows: rows.length > 0 && rows.every((row) => typeof row === 'object' && row !== null) }).toEqual({ url, rows: true });
      for (const column of recipe.columns) {
        const values = rows.map((row) => resolvePath(row, column.selector));
        const type = { 'Time (UNIX ms)': 'number', Number: 'number', String: 'string' }[column.type];
        const where = { url, column: column.selector };
        expect({ ...where, wrong: values.filter((v) => v !== null && typeof v !== type) }).toEqual({ ...where, wrong: [] });
        expect({ ...where, present: values.some((v) => typeof v === type) }).toEqual({ ...where, present: true });
        if (column.type === 'Time (UNIX ms)') expect({ ...where, epochMs: values.every((v) => v === null || (v as number) > 1e12) }).toEqual({ ...where, epochMs: true });
      }
    });
  });

  /** Variable values as filters: the All value (`*`) filters nothing. */
  function scopeOf(values: Record<string, string | undefined>): RecordFilters {
    const filters: RecordFilters = {};
    for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== ALL) filters[name as keyof RecordFilters] = value;
    return filters;
  }

  /** Checks every frame of a dashboard panel against the seeded records. */
  function checkPanel(panel: DashboardPanel, frames: GrafanaFrame[], values: VariableValues): void {
    for (const target of panel.targets ?? []) {
      const own = frames.filter((frame) => frame.refId === target.refId);
      expect({ panel: panel.title, refId: target.refId, frames: own.length > 0 }).toEqual({ panel: panel.title, refId: target.refId, frames: true });
      const payload = JSON.parse(String(target.payload)) as Record<string, string>;
      const filters = scopeOf({ release: payload.release === '$release' ? values.release : undefined, environment: payload.environment === '$environment' ? values.environment : undefined });
      const entry = GRAFANA_CATALOG.find((e) => e.value === target.target);
      for (const frame of own) {
        if (entry?.kind === 'table') {
          if (target.target === 'releases') suite.checks.checkReleasesTable(frame as TableFrame, filters, range);
          else if (target.target === 'transactions') suite.checks.checkTransactionsTable(frame as TableFrame, filters, range);
          else if (target.target === 'web_vitals') suite.checks.checkWebVitalsTable(frame as TableFrame, filters, range);
          else if (target.target === 'errors') suite.checks.checkErrorsTable(frame as TableFrame, filters, range);
          else throw new Error(`no check for table ${target.target}`);
        } else {
          suite.checks.checkSeries(frame as TimeSeriesFrame, target.target as string, filters, range);
        }
      }
      if (payload.group_by === 'release' || target.target?.startsWith('errors.')) {
        // One series per release: every release with data in the range (three, within the top five).
        const split = own.map((frame) => / release=(\S+)$/.exec((frame as TimeSeriesFrame).target)?.[1]).sort();
        const releases = target.target?.startsWith('errors.') ? suite.expected.releases(filters, range.fromMs, range.toMs) : [...new Set(suite.expected.transactions(filters, range.fromMs, range.toMs).map((r) => r.release))].sort();
        expect({ panel: panel.title, split }).toEqual({ panel: panel.title, split: releases });
      }
    }
  }

});
