import {
  compileWebVitalsBreakdownQuery,
  compileWebVitalsQuery,
  compileWebVitalsSeriesQuery,
  toWebVitalsBreakdownResponse,
  toWebVitalsResponse,
  toWebVitalsSeriesResponse,
  WebVitalsBreakdownRow,
  WebVitalsRow,
  WebVitalsSeriesRow,
} from '@pulse/analytics';
import { request } from '@pulse/testing';
import { seededQueryApp } from '../testing/seeded-query-app';

// The endpoints over HTTP on seeded ClickHouse: parameters, wiring and error answers. The numbers
// themselves are checked against the records in libs/analytics/src/web-vitals.int-spec.ts; here
// each answer must equal what the compiled query gives.
jest.setTimeout(30_000);

const MINUTE = 60_000;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 3_600_000;
const RANGE = { fromMs: START_MS + 5_000, toMs: START_MS + 120 * MINUTE + 5_000 };

describe('web vitals endpoints', () => {
  const suite = seededQueryApp({
    prefix: 'pulse_web_vitals_http',
    seed: 20251202,
    records: { startMs: START_MS, minutes: 120, webVitals: 1500 },
  });
  const get = <T>(path: string, query: string) => suite.get<T>(`${path}?from=${RANGE.fromMs}&to=${RANGE.toMs}${query}`);

  it('GET web-vitals answers what the compiled query gives, with the page filter on web_vitals.page', async () => {
    const response = await get('web-vitals', '&transaction=%2Fcheckout&environment=production');
    expect(response.status).toBe(200);
    const plan = compileWebVitalsQuery({ projectId: 1, range: RANGE, filters: { transaction: '/checkout', environment: 'production' } });
    expect(response.body).toEqual(toWebVitalsResponse(await suite.db.run<WebVitalsRow>(plan.query)));
    expect(response.body).toMatchObject({ lcp: { count: expect.any(Number) }, score: expect.any(Number) });
  });

  it('GET web-vitals/breakdown sorts and pages as asked', async () => {
    const response = await get('web-vitals/breakdown', '&by=browser&sort=lcp&order=asc&limit=2&offset=1');
    expect(response.status).toBe(200);
    const plan = compileWebVitalsBreakdownQuery({ projectId: 1, range: RANGE, filters: {}, by: 'browser', sort: 'lcp', order: 'asc', page: { limit: 2, offset: 1 } });
    const expected = toWebVitalsBreakdownResponse(await suite.db.run<WebVitalsBreakdownRow>(plan.query), 'browser');
    expect(expected).toHaveLength(2);
    expect(response.body).toEqual(expected);
  });

  it('GET web-vitals/series fills every bucket of the interval asked for', async () => {
    const response = await get<{ series: unknown[] }>('web-vitals/series', '&vital=cls&interval=10m');
    expect(response.status).toBe(200);
    const plan = compileWebVitalsSeriesQuery({ projectId: 1, range: RANGE, filters: {}, vital: 'cls', intervalMs: 10 * MINUTE });
    expect(response.body).toEqual(toWebVitalsSeriesResponse(await suite.db.run<WebVitalsSeriesRow>(plan.query), 'cls', RANGE, plan.intervalMs));
    expect(response.body.series).toHaveLength(13);
  });

  it.each([
    ['web-vitals', '&tag=region:eu', 'web vitals cannot be filtered by tag'],
    ['web-vitals/series', '', 'vital must be one of the following values: lcp, fcp, cls, inp, ttfb, fid'],
    ['web-vitals/series', '&vital=fp', 'vital must be one of the following values: lcp, fcp, cls, inp, ttfb, fid'],
    ['web-vitals/breakdown', '&by=os', 'by must be one of the following values: page, browser, release'],
    ['web-vitals/breakdown', '&by=page&sort=browser', 'sort="browser" must be one of count, page, lcp, fcp, cls, inp, ttfb, fid'],
    ['web-vitals/breakdown', '&by=page&order=up', 'order="up" must be asc or desc'],
    ['web-vitals/breakdown', '&by=page&limit=5000', 'limit="5000" must be an integer in [1, 1000]'],
    ['web-vitals/breakdown', '&by=page&offset=100001', 'offset="100001" must be an integer in [0, 100000]'],
  ])('GET %s%s answers 400: %s', async (path, query, detail) => {
    const response = await get(path, query);
    expect(response).toMatchObject({ status: 400, body: { detail } });
  });

  it('answers 401 without a token', async () => {
    const response = await request(`${suite.projectUrl}/web-vitals?from=${RANGE.fromMs}&to=${RANGE.toMs}`);
    expect(response.status).toBe(401);
  });
});
