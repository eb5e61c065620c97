import { RatedVitalName, rateVital, VITAL_THRESHOLDS, WebVitalRecord } from '@pulse/model';
import { SeedOptions } from '@pulse/testing';
import type { CompiledQuery, Source } from './aggregate-query';
import type { Filters } from './filters';
import { PERFORMANCE_SCORE_CURVES, performanceScore, ScoredVitalName } from './performance-score';
import { ddBounds, SeededDatabase, seededDatabase } from './testing/seeded-database';
import { QueryParameterError } from './time-range';
import { REPORTED_VITALS } from './web-vitals.dataset';
import {
  BreakdownDimension,
  compileWebVitalsBreakdownQuery,
  compileWebVitalsQuery,
  compileWebVitalsSeriesQuery,
  WebVitalsBreakdownInput,
} from './web-vitals.query';
import {
  toWebVitalsBreakdownResponse,
  toWebVitalsResponse,
  toWebVitalsSeriesResponse,
  VitalSummary,
  WebVitalsBreakdownEntry,
  WebVitalsBreakdownRow,
  WebVitalsRow,
  WebVitalsSeriesRow,
} from './web-vitals.result';

/**
 * Tolerances: counts and rating shares exactly (shares are integer ratios, computed alike here);
 * p50/p75/p95 within the DDSketch bound around the samples at the two ranks of each level
 * (vitalBounds); the score within the interval the p75 bounds give (each vital's score falls as its
 * p75 grows, so the score of the upper bounds and that of the lower bounds enclose it). Raw and
 * rollup answers: identical.
 */
jest.setTimeout(30_000);

const MINUTE = 60_000;
const PROJECT = 1;
const HOUR_MS = 3_600_000;
/**
 * 17 minutes past an hour, about three hours ago: the same place in the hour on every run, so the
 * range always has its edge minutes and whole hours in the same tiers (started at minute 31, its
 * last whole minute would end on the hour and the plan would have one branch fewer).
 */
const START_MS = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS + 17 * MINUTE;
const OPTIONS: SeedOptions = { startMs: START_MS, minutes: 150, webVitals: 6000 };
/** Not minute-aligned at either end: the rollup path reads raw rows for the edge minutes. */
const RANGE = { fromMs: START_MS + 7_345, toMs: START_MS + 150 * MINUTE - 23_456 };
const SCORED = Object.keys(PERFORMANCE_SCORE_CURVES) as ScoredVitalName[];
const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);

/**
 * ddBounds, widened above for samples below 1 (CLS): ClickHouse's DDSketch keys a value by
 * `static_cast<int>(log_γ x)` (DDSketch/Mapping.h), which truncates toward zero, so below 1 it
 * rounds the index up and answers one bucket high: between (1 + α)·x and (1 + α)·γ·x (≤ +3.04%)
 * instead of within ±α. Checked on this server for x from 1e-5 to 1e6.
 */
function vitalBounds(sorted: number[], q: number): { low: number; high: number } {
  const { low, high } = ddBounds(sorted, q, ALPHA);
  const upper = sorted[Math.ceil(q * (sorted.length - 1))];
  return { low, high: upper < 1 ? high * GAMMA : high };
}

const EMPTY: VitalSummary = { count: 0, p50: null, p75: null, p95: null, good: null, needs_improvement: null, poor: null };

function sample(overrides: Partial<WebVitalRecord>): WebVitalRecord {
  const timestampMs = overrides.timestampMs ?? START_MS + 30 * MINUTE;
  return {
    projectId: PROJECT, vital: 'lcp', value: 1000, page: '/', traceId: 'f'.repeat(32), segmentId: 'a'.repeat(16), release: '1.0.0',
    environment: 'production', browserName: 'Chrome', browserVersion: '120', osName: 'Windows', userId: '', timestampMs,
    receivedAtMs: timestampMs + 1000, ...overrides,
  };
}

/**
 * Besides the seeded ones: another OS, samples exactly at both range ends, a page with CLS only,
 * another project's outliers on a seeded page.
 */
const EXTRA: WebVitalRecord[] = [
  ...REPORTED_VITALS.map((vital, i) => sample({ vital, value: VITAL_THRESHOLDS[vital].poor * 2, osName: 'Mac OS', page: '/products', timestampMs: START_MS + (40 + i) * MINUTE + 1234 })),
  sample({ vital: 'lcp', value: 9000, timestampMs: RANGE.fromMs }),
  sample({ vital: 'lcp', value: 9000, timestampMs: RANGE.toMs }),
  sample({ vital: 'cls', value: 0.05, page: '/cls-only' }),
  ...Array.from({ length: 40 }, (_, i) => sample({ projectId: 4, vital: REPORTED_VITALS[i % 6], value: 1e6, page: '/checkout', timestampMs: START_MS + i * MINUTE + 500 })),
];

const FIELDS: Record<keyof Filters & string, (r: WebVitalRecord) => string> = {
  transaction: (r) => r.page,
  release: (r) => r.release,
  environment: (r) => r.environment,
  browser: (r) => r.browserName,
  os: (r) => r.osName,
  tags: () => '',
};

describe('web vitals queries against seeded ClickHouse', () => {
  let db: SeededDatabase;

  beforeAll(async () => {
    db = await seededDatabase('pulse_web_vitals', 20251201, OPTIONS, { webVitals: EXTRA });
  }, 120_000);
  afterAll(() => db?.client.close());

  /** The samples the API should see: the project, the range [from, to), the filters. */
  const samples = (filters: Filters = {}, projectId = PROJECT, range = RANGE): WebVitalRecord[] =>
    db.records.webVitals.filter(
      (r) =>
        r.projectId === projectId &&
        r.timestampMs >= range.fromMs &&
        r.timestampMs < range.toMs &&
        Object.entries(filters).every(([name, value]) => value === undefined || FIELDS[name as keyof Filters](r) === value),
    );
  const valuesOf = (records: WebVitalRecord[], vital: RatedVitalName) => records.filter((r) => r.vital === vital).map((r) => r.value);

  function expectSummary(actual: VitalSummary, values: number[], vital: RatedVitalName): void {
    const sorted = [...values].sort((a, b) => a - b);
    if (sorted.length === 0) {
      expect(actual).toEqual(EMPTY);
      return;
    }
    expect(actual.count).toBe(sorted.length);
    for (const [key, level] of [['p50', 0.5], ['p75', 0.75], ['p95', 0.95]] as const) {
      const { low, high } = vitalBounds(sorted, level);
      expect(actual[key]).toBeGreaterThanOrEqual(low);
      expect(actual[key]).toBeLessThanOrEqual(high);
    }
    const share = (rating: string) => sorted.filter((value) => rateVital(vital, value) === rating).length / sorted.length;
    expect([actual.good, actual.needs_improvement, actual.poor]).toEqual([share('good'), share('needs_improvement'), share('poor')]);
  }

  function expectScore(actual: number | null, records: WebVitalRecord[]): void {
    const present = SCORED.filter((vital) => valuesOf(records, vital).length > 0);
    if (present.length === 0) {
      expect(actual).toBeNull();
      return;
    }
    const p75Bound = (side: 'low' | 'high') =>
      Object.fromEntries(present.map((vital) => [vital, vitalBounds([...valuesOf(records, vital)].sort((a, b) => a - b), 0.75)[side]]));
    const exactP75 = (vital: ScoredVitalName) => {
      const sorted = [...valuesOf(records, vital)].sort((a, b) => a - b);
      const rank = 0.75 * (sorted.length - 1);
      return sorted[Math.floor(rank)] + (rank - Math.floor(rank)) * (sorted[Math.ceil(rank)] - sorted[Math.floor(rank)]);
    };
    const exact = performanceScore(Object.fromEntries(present.map((vital) => [vital, exactP75(vital)]))) as number;
    const lowest = performanceScore(p75Bound('high')) as number;
    const highest = performanceScore(p75Bound('low')) as number;
    const tolerance = Math.max(exact - lowest, highest - exact);
    expect(Math.abs((actual as number) - exact)).toBeLessThanOrEqual(tolerance);
    expect(actual).toBeGreaterThanOrEqual(lowest);
    expect(actual).toBeLessThanOrEqual(highest);
  }

  const overview = async (filters: Filters, source?: Source, projectId = PROJECT) => {
    const plan = compileWebVitalsQuery({ projectId, range: RANGE, filters, source });
    return { source: plan.source, response: toWebVitalsResponse(await db.run<WebVitalsRow>(plan.query)) };
  };

  describe('GET web-vitals', () => {
    it('has seeded samples on the rating thresholds and CLS at 0, so the checks below mean something', () => {
      const records = samples();
      expect(records.filter((r) => r.vital === 'cls' && r.value === 0).length).toBeGreaterThan(5);
      for (const vital of REPORTED_VITALS) {
        expect(records.some((r) => r.vital === vital && (r.value === VITAL_THRESHOLDS[vital].good || r.value === VITAL_THRESHOLDS[vital].poor))).toBe(true);
      }
    });

    it('reports every vital of the project and range: counts, percentiles, rating shares and the score', async () => {
      const { source, response } = await overview({});
      expect(source).toBe('rollup');
      const records = samples();
      expect(Object.keys(response)).toEqual([...REPORTED_VITALS, 'score']);
      for (const vital of REPORTED_VITALS) expectSummary(response[vital], valuesOf(records, vital), vital);
      expectScore(response.score, records);
      // The sample at `from` counts, the one at `to` does not.
      expect(response.lcp.count).toBe(db.records.webVitals.filter((r) => r.projectId === PROJECT && r.vital === 'lcp' && r.timestampMs >= RANGE.fromMs && r.timestampMs < RANGE.toMs).length);
    });

    it.each<[string, Filters]>([
      ['page', { transaction: '/checkout' }],
      ['release and environment', { release: '1.1.0', environment: 'staging' }],
      ['browser', { browser: 'Firefox' }],
      ['os (raw table only)', { os: 'Mac OS' }],
      ['a page without samples', { transaction: '/nowhere' }],
    ])('filters by %s', async (_, filters) => {
      const { source, response } = await overview(filters);
      expect(source).toBe(filters.os ? 'raw' : 'rollup');
      const records = samples(filters);
      for (const vital of REPORTED_VITALS) expectSummary(response[vital], valuesOf(records, vital), vital);
      expectScore(response.score, records);
    });

    it('never counts another project: project 4 sees only its own samples', async () => {
      const { response } = await overview({}, undefined, 4);
      for (const vital of REPORTED_VITALS) expectSummary(response[vital], valuesOf(samples({}, 4), vital), vital);
      expect(response.lcp.p50).toBeGreaterThan(0.99e6);
    });

    it('gives identical numbers from the raw table and the rollup', async () => {
      for (const filters of [{}, { transaction: '/', browser: 'Safari' }, { release: '2.0.0' }]) {
        const [raw, rollup] = await Promise.all([overview(filters, 'raw'), overview(filters, 'rollup')]);
        expect(rollup.response).toEqual(raw.response);
      }
    });

    it('refuses tag filters', () => {
      expect(() => compileWebVitalsQuery({ projectId: PROJECT, range: RANGE, filters: { tags: [['region', 'eu']] } })).toThrow(new QueryParameterError('web vitals cannot be filtered by tag'));
    });
  });

  describe('GET web-vitals/breakdown', () => {
    const KEY_OF: Record<BreakdownDimension, (r: WebVitalRecord) => string> = { page: (r) => r.page, browser: (r) => r.browserName, release: (r) => r.release };

    const breakdown = async (input: Partial<WebVitalsBreakdownInput> & { by: BreakdownDimension }): Promise<WebVitalsBreakdownEntry[]> => {
      const plan = compileWebVitalsBreakdownQuery({ projectId: PROJECT, range: RANGE, filters: {}, sort: 'count', order: 'desc', page: { limit: 50, offset: 0 }, ...input });
      return toWebVitalsBreakdownResponse(await db.run<WebVitalsBreakdownRow>(plan.query), input.by);
    };

    /** Keys by samples of the reported vitals, most first, then by key. */
    const expectedKeys = (by: BreakdownDimension, filters: Filters = {}) => {
      const totals = new Map<string, number>();
      for (const r of samples(filters)) if (r.vital !== 'fp') totals.set(KEY_OF[by](r), (totals.get(KEY_OF[by](r)) ?? 0) + 1);
      return [...totals].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([key]) => key);
    };

    it.each<BreakdownDimension>(['page', 'browser', 'release'])('by %s: one row per key, every vital as the records say, most samples first', async (by) => {
      const rows = await breakdown({ by });
      expect(rows.map((row) => row[by])).toEqual(expectedKeys(by));
      for (const row of rows) {
        const records = samples().filter((r) => KEY_OF[by](r) === row[by]);
        for (const vital of REPORTED_VITALS) expectSummary(row[vital], valuesOf(records, vital), vital);
        expectScore(row.score, records);
      }
    });

    it('paginates and filters', async () => {
      const filters = { environment: 'production' };
      const all = await breakdown({ by: 'page', filters });
      expect(all.map((row) => row.page)).toEqual(expectedKeys('page', filters));
      expect(await breakdown({ by: 'page', filters, page: { limit: 1, offset: 1 } })).toEqual(all.slice(1, 2));
      expect(await breakdown({ by: 'page', filters, page: { limit: 2, offset: all.length - 1 } })).toEqual(all.slice(-1));
      expect(await breakdown({ by: 'page', filters, page: { limit: 10, offset: all.length } })).toEqual([]);
    });

    it('sorts by a vital p75, keys without that vital last in either order, and by name', async () => {
      for (const order of ['asc', 'desc'] as const) {
        const rows = await breakdown({ by: 'page', sort: 'lcp', order });
        expect(rows.map((row) => row.page).sort()).toEqual([...expectedKeys('page')].sort());
        expect(rows[rows.length - 1]).toMatchObject({ page: '/cls-only', lcp: { count: 0 } });
        const p75s = rows.slice(0, -1).map((row) => row.lcp.p75 as number);
        expect(p75s).toEqual([...p75s].sort((a, b) => (order === 'asc' ? a - b : b - a)));
      }
      const byName = await breakdown({ by: 'release', sort: 'key', order: 'desc' });
      expect(byName.map((row) => row.release)).toEqual([...expectedKeys('release')].sort().reverse());
    });

    it('gives identical rows from the raw table and the rollup', async () => {
      for (const by of ['page', 'browser', 'release'] as const) {
        const [raw, rollup] = await Promise.all([breakdown({ by, source: 'raw' }), breakdown({ by, source: 'rollup' })]);
        expect(rollup).toEqual(raw);
      }
    });
  });

  describe('GET web-vitals/series', () => {
    const INTERVAL = 10 * MINUTE;
    const compile = (vital: RatedVitalName, filters: Filters = {}, source?: Source, projectId = PROJECT) =>
      compileWebVitalsSeriesQuery({ projectId, range: RANGE, filters, vital, intervalMs: INTERVAL, source });
    const series = async (vital: RatedVitalName, filters: Filters = {}, source?: Source, projectId = PROJECT) => {
      const plan = compile(vital, filters, source, projectId);
      return toWebVitalsSeriesResponse(await db.run<WebVitalsSeriesRow>(plan.query), vital, RANGE, plan.intervalMs);
    };

    it.each<RatedVitalName>(['lcp', 'cls', 'inp'])('%s: every bucket of the range, each as its records say', async (vital) => {
      const filters = { browser: 'Chrome' };
      const response = await series(vital, filters);
      expect(response.vital).toBe(vital);
      expect(response.interval_ms).toBe(INTERVAL);
      const first = Math.floor(RANGE.fromMs / INTERVAL) * INTERVAL;
      expect(response.series.map((point) => point.t)).toEqual(Array.from({ length: Math.ceil((RANGE.toMs - first) / INTERVAL) }, (_, i) => first + i * INTERVAL));
      const records = samples(filters).filter((r) => r.vital === vital);
      for (const { t, ...point } of response.series) {
        expectSummary(point, records.filter((r) => Math.floor(r.timestampMs / INTERVAL) * INTERVAL === t).map((r) => r.value), vital);
      }
    });

    it('answers count 0 and nulls in every bucket where there is nothing', async () => {
      for (const response of [await series('fid', { transaction: '/nowhere' }), await series('lcp', {}, undefined, 5)]) {
        expect(response.series.length).toBe(Math.ceil((RANGE.toMs - Math.floor(RANGE.fromMs / INTERVAL) * INTERVAL) / INTERVAL));
        expect(response.series.every(({ t, ...point }) => t > 0 && Object.values(point).every((value) => value === 0 || value === null))).toBe(true);
      }
    });

    it('gives identical buckets from the raw table and the rollup', async () => {
      for (const vital of ['lcp', 'ttfb'] as const) {
        const [raw, rollup] = await Promise.all([series(vital, {}, 'raw'), series(vital, {}, 'rollup')]);
        expect(rollup).toEqual(raw);
      }
    });

    it('pushes the vital condition down to the primary key of every branch', async () => {
      const plan = compile('lcp');
      expect(plan.source).toBe('rollup');
      const lines = await explainIndexes(plan.query);
      const reads = lines.filter((line) => line.includes('ReadFromMergeTree')).length;
      expect(reads).toBe(3);
      expect(lines.filter((line) => /Condition: .*vital in \['lcp', 'lcp'\]/.test(line)).length).toBe(reads);
    });
  });

  describe('the hour tier', () => {
    const HOUR = 60 * MINUTE;
    // Complete from the start of time (a fresh install), or from an instant inside the range (an
    // upgraded one; the range holds one or two whole hours, so at most the second is read from hours).
    const HOUR_STARTS = [0, Math.ceil(RANGE.fromMs / HOUR) * HOUR + 1];

    it('gives the overview and every breakdown exactly as the raw rows do', async () => {
      const raw = toWebVitalsResponse(await db.run<WebVitalsRow>(compileWebVitalsQuery({ projectId: PROJECT, range: RANGE, filters: {}, source: 'raw' }).query));
      for (const hourRollupFromMs of HOUR_STARTS) {
        const plan = compileWebVitalsQuery({ projectId: PROJECT, range: RANGE, filters: {}, source: 'rollup', hourRollupFromMs });
        if (hourRollupFromMs === 0) expect(plan.query.sql).toContain('FROM web_vitals_hour');
        expect(toWebVitalsResponse(await db.run<WebVitalsRow>(plan.query))).toEqual(raw);
      }
      for (const by of ['page', 'browser', 'release'] as const) {
        const input = { projectId: PROJECT, range: RANGE, filters: { environment: 'production' }, by, sort: 'count' as const, order: 'desc' as const, page: { limit: 50, offset: 0 } };
        const rows = async (read: { source: Source; hourRollupFromMs?: number }) => toWebVitalsBreakdownResponse(await db.run<WebVitalsBreakdownRow>(compileWebVitalsBreakdownQuery({ ...input, ...read }).query), by);
        const rawRows = await rows({ source: 'raw' });
        for (const hourRollupFromMs of HOUR_STARTS) expect(await rows({ source: 'rollup', hourRollupFromMs })).toEqual(rawRows);
      }
    });

    it.each([HOUR, 5 * MINUTE])('gives series in %d ms buckets exactly as the raw rows do', async (intervalMs) => {
      const answer = async (vital: RatedVitalName, read: { source: Source; hourRollupFromMs?: number }) => {
        const plan = compileWebVitalsSeriesQuery({ projectId: PROJECT, range: RANGE, filters: {}, vital, intervalMs, ...read });
        if (read.hourRollupFromMs === 0) expect(plan.query.sql.includes('FROM web_vitals_hour')).toBe(intervalMs % HOUR === 0);
        return toWebVitalsSeriesResponse(await db.run<WebVitalsSeriesRow>(plan.query), vital, RANGE, plan.intervalMs);
      };
      for (const vital of ['lcp', 'cls'] as const) {
        const raw = await answer(vital, { source: 'raw' });
        for (const hourRollupFromMs of HOUR_STARTS) expect(await answer(vital, { source: 'rollup', hourRollupFromMs })).toEqual(raw);
      }
    });

    it('pushes the vital condition down to the primary key of the hour branch too', async () => {
      const plan = compileWebVitalsSeriesQuery({ projectId: PROJECT, range: RANGE, filters: {}, vital: 'lcp', intervalMs: HOUR, hourRollupFromMs: 0 });
      const lines = await explainIndexes(plan.query);
      const reads = lines.filter((line) => line.includes('ReadFromMergeTree')).length;
      expect(reads).toBe(5);
      expect(lines.filter((line) => /Condition: .*vital in \['lcp', 'lcp'\]/.test(line)).length).toBe(reads);
    });
  });

  async function explainIndexes(query: CompiledQuery): Promise<string[]> {
    const result = await db.client.query({ query: `EXPLAIN indexes = 1 ${query.sql}`, query_params: query.params, format: 'TabSeparatedRaw' });
    return (await result.text()).split('\n');
  }
});
