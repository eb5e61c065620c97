import type { RatedVitalName } from '@pulse/model';
import { GRAFANA_CATALOG } from './grafana-catalog';
import type { GrafanaFrame, TableFrame, TimeSeriesFrame } from './grafana-frames';
import { annotationQuery } from './testing/grafana-replay';
import { grafanaRange, grafanaSuite, HOUR, NOW, OTHER_TOKEN, PROJECT, START, VARIABLES_ALL } from './testing/grafana-suite';
import type { RecordFilters } from './testing/seeded-expectations';

/**
 * The JSON datasource protocol end to end over a seeded ClickHouse: authentication, the catalog,
 * payload options, variables and ad-hoc filters, and the request bodies Grafana and the plugin
 * send (from the plugin's README/openapi.yaml and Grafana's DataQueryRequest and
 * executeAnnotationQuery). Answers are checked against values computed here from the seeded
 * records: counts, rates and distinct users exactly (1e-12 for floating point), percentiles
 * within the DDSketch bound (1% around the samples at the two ranks around q; one bucket more
 * above for vital values below 1, see vitalBounds). The shipped dashboard's requests:
 * grafana-dashboard.int-spec.ts.
 */
jest.setTimeout(180_000);

describe('Grafana JSON datasource against ClickHouse', () => {
  const suite = grafanaSuite('grafana');
  const { dashboard, range, call } = suite;

  describe('authentication', () => {
    it.each([
      ['GET', ''],
      ['POST', '/metrics'],
      ['POST', '/query'],
      ['POST', '/tag-keys'],
    ] as const)('%s %s: 401 without a token, 403 with another project\'s token', async (method, path) => {
      const body = method === 'POST' ? {} : undefined;
      expect((await call(method, path, body, null)).status).toBe(401);
      const elsewhere = await call<{ detail: string }>(method, path, body, OTHER_TOKEN);
      expect(elsewhere).toEqual({ status: 403, body: { detail: `this token has no access to project ${PROJECT}` } });
    });

    it('answers "Save & test" with 200, on the URL with and without a trailing slash', async () => {
      expect(await call('GET', '')).toEqual({ status: 200, body: { status: 'ok' } });
      expect(await call('GET', '/')).toEqual({ status: 200, body: { status: 'ok' } });
    });
  });

  describe('catalog, payload options, variables and ad-hoc filters', () => {
    it('lists every target with its payload fields (POST /metrics, with or without a body)', async () => {
      for (const body of [{}, { metric: 'transaction.p95', payload: { release: '1.0.0' } }]) {
        const answer = await call<Array<{ value: string; label: string; payloads: Array<{ name: string; type: string; options?: unknown[] }> }>>('POST', '/metrics', body);
        expect(answer.status).toBe(200);
        expect(answer.body.map((m) => m.value)).toEqual(GRAFANA_CATALOG.map((e) => e.value));
        const p95 = answer.body.find((m) => m.value === 'transaction.p95');
        expect(p95?.payloads.map((p) => p.name)).toEqual(['release', 'environment', 'transaction', 'group_by']);
        expect(p95?.payloads.every((p) => p.type === 'select')).toBe(true);
        expect(p95?.payloads.find((p) => p.name === 'group_by')?.options).toEqual([{ label: 'release', value: 'release' }]);
      }
    });

    it('gives the values of a payload dropdown from the last 30 days (POST /metric-payload-options)', async () => {
      const month = { fromMs: NOW - 30 * 24 * HOUR, toMs: NOW };
      const releases = await call<Array<{ label: string; value: string }>>('POST', '/metric-payload-options', { metric: 'transaction.p95', payload: {}, name: 'release' });
      expect(releases.status).toBe(200);
      expect(releases.body.map((o) => o.value).sort()).toEqual(suite.expected.dimension('release', month.fromMs, month.toMs));
      expect(releases.body.every((o) => o.label === o.value)).toBe(true);
      const names = await call<Array<{ value: string }>>('POST', '/metric-payload-options', { metric: 'transaction.count', payload: { release: '1.0.0' }, name: 'transaction' });
      // Transaction names are listed alphabetically.
      expect(names.body.map((o) => o.value)).toEqual(suite.expected.dimension('transaction', month.fromMs, month.toMs));
      expect((await call('POST', '/metric-payload-options', { metric: 'transaction.p95', name: 'group_by' })).body).toEqual([{ label: 'release', value: 'release' }]);
    });

    it('lists releases newest first (by the last minute they were seen)', async () => {
      const lastSeen = (release: string) =>
        Math.max(
          ...[...suite.db.records.transactions, ...suite.db.records.errors, ...suite.db.records.webVitals]
            .filter((r) => r.projectId === PROJECT && r.release === release)
            .map((r) => Math.floor(r.timestampMs / 60_000)),
          ...suite.db.records.sessions.filter((r) => r.projectId === PROJECT && r.release === release).map((r) => Math.floor(r.startedMs / 60_000)),
        );
      const answer = await call<Array<{ value: string }>>('POST', '/metric-payload-options', { metric: 'releases', name: 'release', range: grafanaRange(START, NOW) });
      const order = suite.expected.dimension('release', START, NOW).sort((a, b) => lastSeen(b) - lastSeen(a) || a.localeCompare(b));
      expect(answer.body.map((o) => o.value)).toEqual(order);
    });

    it('refuses a payload field the target does not have, and an unknown target', async () => {
      expect(await call('POST', '/metric-payload-options', { metric: 'transaction.p95', name: 'page' })).toEqual({
        status: 400,
        body: { detail: 'transaction.p95 has no payload field "page"; valid payload fields: release, environment, transaction, group_by' },
      });
      const unknown = await call<{ detail: string }>('POST', '/metric-payload-options', { metric: 'nope', name: 'release' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.detail).toMatch(/^unknown target "nope"; valid targets: transaction\.p50, /);
    });

    it('answers template variable queries as the plugin sends them (POST /variable)', async () => {
      const inRange = grafanaRange(START, START + HOUR);
      const releases = await call<Array<{ __text: string; __value: string }>>('POST', '/variable', { payload: { target: 'releases' }, range: inRange });
      expect(releases.status).toBe(200);
      expect(releases.body.map((v) => v.__value).sort()).toEqual(suite.expected.dimension('release', START, START + HOUR));
      expect(releases.body.every((v) => v.__text === v.__value)).toBe(true);
      // Raw JSON mode sends the parsed object; without a range, the last 30 days.
      const environments = await call<Array<{ __value: string }>>('POST', '/variable', { payload: { target: 'environments' } });
      expect(environments.body.map((v) => v.__value)).toEqual(['production', 'staging']);
      const transactions = await call<Array<{ __value: string }>>('POST', '/variable', { payload: { target: 'transactions' }, range: inRange });
      expect(transactions.body.map((v) => v.__value)).toEqual(suite.expected.dimension('transaction', START, START + HOUR));
      expect((await call<Array<{ __value: string }>>('POST', '/variable', { payload: { target: 'pages' } })).body.map((v) => v.__value)).toEqual(['/', '/checkout', '/products']);
      expect((await call<Array<{ __value: string }>>('POST', '/variable', { payload: { target: 'vitals' } })).body.map((v) => v.__value)).toEqual(['cls', 'fcp', 'fid', 'inp', 'lcp', 'ttfb']);
      const bad = await call<{ detail: string }>('POST', '/variable', { payload: { target: 'users' } });
      expect(bad).toEqual({ status: 400, body: { detail: 'unknown variable query "users"; valid queries: releases, environments, transactions, pages, vitals' } });
      expect((await call<{ detail: string }>('POST', '/variable', { range: inRange })).body.detail).toMatch(/payload/);
    });

    it('gives ad-hoc filter keys and values (POST /tag-keys, /tag-values)', async () => {
      expect(await call('POST', '/tag-keys', {})).toEqual({
        status: 200,
        body: ['transaction', 'release', 'environment', 'browser', 'os'].map((text) => ({ type: 'string', text })),
      });
      expect((await call('POST', '/tag-values', { key: 'environment' })).body).toEqual([{ text: 'production' }, { text: 'staging' }]);
      // Browser and OS come from raw rows of the last day.
      expect((await call('POST', '/tag-values', { key: 'browser', timeRange: grafanaRange(START, NOW) })).body).toEqual([{ text: 'Chrome' }, { text: 'Firefox' }, { text: 'Safari' }]);
      expect((await call('POST', '/tag-values', { key: 'os' })).body).toEqual([{ text: 'Linux' }, { text: 'Windows' }]);
      expect(await call('POST', '/tag-values', { key: 'city' })).toEqual({
        status: 400,
        body: { detail: 'unknown tag key "city"; valid keys: transaction, release, environment, browser, os' },
      });
    });
  });

  describe('POST /query with the bodies Grafana sends', () => {
    // The plugin README's example (an older client: adhocFilters), with Pulse targets.
    const readmeBody = (fromMs: number, toMs: number) => ({
      panelId: 1,
      range: grafanaRange(fromMs, toMs),
      rangeRaw: { from: 'now-6h', to: 'now' },
      interval: '30s',
      intervalMs: 30_000,
      maxDataPoints: 550,
      targets: [
        { target: 'transaction.p95', refId: 'A', payload: { release: '1.0.0' } },
        { target: 'errors.count', refId: 'B', hide: true },
      ],
      adhocFilters: [{ key: 'environment', operator: '=', value: 'production' }],
      format: 'json',
    });

    it('answers the README request: hidden target dropped, adhocFilters applied, buckets ≤ maxDataPoints', async () => {
      const answer = await call<TimeSeriesFrame[]>('POST', '/query', readmeBody(range.fromMs, range.toMs));
      expect(answer.status).toBe(200);
      expect(answer.body.map((f) => [f.refId, f.target])).toEqual([['A', 'p95 release=1.0.0']]);
      const [series] = answer.body;
      expect(series.datapoints.length).toBeLessThanOrEqual(550);
      suite.checks.checkSeries(series, 'transaction.p95', { release: '1.0.0', environment: 'production' }, range);
    });

    it('answers a full DataQueryRequest of Grafana 11 (filters, scopedVars, scopes…; unknown fields ignored)', async () => {
      const fromMs = START + 17 * 60_000 + 123;
      const toMs = START + 47 * 60_000 + 456; // 30 minutes, not minute-aligned: the raw path
      const body = {
        app: 'dashboard',
        requestId: 'SQR102',
        timezone: 'browser',
        panelId: 2,
        dashboardUID: 'pulse-overview',
        panelPluginId: 'timeseries',
        range: grafanaRange(fromMs, toMs),
        interval: '5s',
        intervalMs: 5000,
        maxDataPoints: 1920,
        targets: [
          { datasource: { type: 'simpod-json-datasource', uid: 'pulse' }, editorMode: 'builder', refId: 'A', target: 'transaction.count', payload: { transaction: 'GET /' } },
          { datasource: { type: 'simpod-json-datasource', uid: 'pulse' }, editorMode: 'builder', refId: 'B', target: 'transaction.failure_rate', payload: {} },
          { datasource: { type: 'simpod-json-datasource', uid: 'pulse' }, editorMode: 'code', refId: 'C', target: 'transaction.tpm', payload: {} },
        ],
        scopedVars: { __interval: { text: '5s', value: '5s' }, __interval_ms: { text: '5000', value: 5000 } },
        startTime: toMs,
        rangeRaw: { from: 'now-6h', to: 'now' },
        filters: [{ key: 'browser', operator: '=', value: 'Chrome', condition: '' }],
        scopes: [],
        groupByKeys: [],
        liveStreaming: false,
      };
      const answer = await call<TimeSeriesFrame[]>('POST', '/query', body);
      expect(answer.status).toBe(200);
      expect(answer.body.map((f) => [f.refId, f.target])).toEqual([
        ['A', 'count transaction=GET /'],
        ['B', 'failure_rate'],
        ['C', 'tpm'],
      ]);
      const window = { fromMs, toMs };
      suite.checks.checkSeries(answer.body[0], 'transaction.count', { transaction: 'GET /', browser: 'Chrome' }, window);
      suite.checks.checkSeries(answer.body[1], 'transaction.failure_rate', { browser: 'Chrome' }, window);
      suite.checks.checkSeries(answer.body[2], 'transaction.tpm', { browser: 'Chrome' }, window);
      // 5 s buckets over 30 minutes: 361 of them, within maxDataPoints.
      expect(answer.body[0].datapoints[1][1] - answer.body[0].datapoints[0][1]).toBe(5000);
    });

    it('reads builder-mode payloads with regex-escaped variable values', async () => {
      const body = { ...readmeBody(range.fromMs, range.toMs), targets: [{ target: 'transaction\\.p50', refId: 'A', payload: { release: '1\\.1\\.0', group_by: 'release' } }], adhocFilters: [] };
      const answer = await call<TimeSeriesFrame[]>('POST', '/query', body);
      expect(answer.status).toBe(200);
      expect(answer.body.map((f) => f.target)).toEqual(['p50 release=1.1.0']);
      suite.checks.checkSeries(answer.body[0], 'transaction.p50', { release: '1.1.0' }, range);
    });

    it('answers an annotation query as Grafana sends it: the releases table with first-seen times', async () => {
      const annotation = dashboard.annotations.list.find((a) => a.datasource?.uid === 'pulse');
      expect(annotation?.target?.target).toBe('releases');
      const body = annotationQuery(dashboard, annotation!, range, VARIABLES_ALL);
      const answer = await call<TableFrame[]>('POST', '/query', body);
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveLength(1);
      const [frame] = answer.body;
      expect(frame).toMatchObject({ type: 'table', refId: 'Anno' });
      expect(frame.columns.slice(0, 2)).toEqual([{ text: 'time', type: 'time' }, { text: 'release', type: 'string' }]);
      suite.checks.checkReleasesTable(frame, {}, range);
    });

    it.each([
      [{ filters: [{ key: 'release', operator: '!=', value: '1.0.0' }] }, 'ad-hoc filter operator "!=" (on release) is not supported; only = is'],
      [{ adhocFilters: [{ key: 'region', operator: '=', value: 'eu' }] }, 'unknown ad-hoc filter key "region"; valid keys: transaction, release, environment, browser, os'],
      [{ targets: [{ refId: 'A', target: 'transaction.p42' }] }, `unknown target "transaction.p42"; valid targets: ${GRAFANA_CATALOG.map((e) => e.value).join(', ')}`],
      [{ targets: [{ refId: 'A', target: 'transaction.p95', hide: 'yes' }] }, 'targets.0.hide must be a boolean value'],
      [{ targets: [{ refId: 'A', target: 'transaction.p95', payload: { release: '2.0.0' } }] }, 'conflicting filters: release="1.0.0" (ad-hoc filter) and release="2.0.0" (payload)'],
      [{ targets: [{ refId: 'A', target: 'transaction.p95', payload: { region: 'eu' } }] }, 'transaction.p95 has no payload field "region"; valid payload fields: release, environment, transaction, group_by'],
      [{ range: { from: 'now-6h', to: 'now' } }, 'range.from="now-6h" is not ISO-8601 or epoch milliseconds'],
      [{ range: undefined }, 'range should not be null or undefined; range must be an object'],
      [{ targets: [{ refId: 'A', target: 'releases' }], filters: [{ key: 'browser', operator: '=', value: 'Chrome' }] }, 'A (releases): releases can be filtered by release and environment, not browser'],
    ])('answers 400 with what was wrong: %j', async (change, detail) => {
      const body = { ...readmeBody(range.fromMs, range.toMs), adhocFilters: [{ key: 'release', operator: '=', value: '1.0.0' }], ...change };
      expect(await call('POST', '/query', body)).toEqual({ status: 400, body: { detail } });
    });

    // issue.events reads issues of PostgreSQL and needs its payload: apps/query/src/issues/issues-api.int-spec.ts checks it.
    // The annotation targets read alerts and releases of PostgreSQL: apps/query/src/alerts/alert-history-api.int-spec.ts checks them.
    const seededTargets = GRAFANA_CATALOG.filter((entry) => entry.value !== 'issue.events' && !entry.value.startsWith('annotations'));
    it.each(seededTargets.map((entry) => [entry.value, entry] as const))('%s answers correct data, without and with each payload field', async (_value, entry) => {
      const every: Record<string, string> = { release: '1.0.0', environment: 'production', transaction: 'GET /', page: '/checkout', vital: 'cls', group_by: 'release' };
      const payload = Object.fromEntries(entry.payloads.map((name) => [name, every[name]]));
      for (const sent of [{}, payload]) {
        const body = { range: grafanaRange(range.fromMs, range.toMs), intervalMs: 60_000, maxDataPoints: 1000, targets: [{ refId: 'A', target: entry.value, payload: sent }] };
        const answer = await call<GrafanaFrame[]>('POST', '/query', body);
        expect({ target: entry.value, sent, status: answer.status, frames: answer.body.length > 0 }).toEqual({ target: entry.value, sent, status: 200, frames: true });
        const filters: RecordFilters = { release: sent.release, environment: sent.environment, transaction: sent.transaction ?? sent.page };
        for (const frame of answer.body) {
          expect(frame.refId).toBe('A');
          if (entry.kind === 'series') suite.checks.checkSeries(frame as TimeSeriesFrame, entry.value, filters, range);
          else if (entry.value === 'releases') suite.checks.checkReleasesTable(frame as TableFrame, filters, range);
          else if (entry.value === 'transactions') suite.checks.checkTransactionsTable(frame as TableFrame, filters, range);
          else if (entry.value === 'web_vitals') suite.checks.checkWebVitalsTable(frame as TableFrame, filters, range, sent.vital ? [sent.vital as RatedVitalName] : undefined);
          else if (entry.value === 'errors') suite.checks.checkErrorsTable(frame as TableFrame, filters, range);
          else throw new Error(`no check for ${entry.value}`);
        }
      }
    });

    it('answers [] when every target is hidden or still empty', async () => {
      const body = { ...readmeBody(range.fromMs, range.toMs), targets: [{ refId: 'A', target: 'transaction.p95', hide: true }, { refId: 'B' }, { refId: 'C', target: '' }] };
      expect(await call('POST', '/query', body)).toEqual({ status: 200, body: [] });
    });
  });
});
