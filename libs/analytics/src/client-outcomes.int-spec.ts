import type { ClientReportRecord } from '@pulse/model';
import { SeedOptions } from '@pulse/testing';
import { ClickHouseAnalyticsRepository } from './analytics.repository';
import type { ClientOutcomesInput } from './client-outcomes.query';
import { ClientOutcomesService } from './client-outcomes.service';
import type { Filters } from './filters';
import { SeededDatabase, seededDatabase } from './testing/seeded-database';
import { QueryParameterError } from './time-range';

/**
 * "Dropped by the client" on generated client report outcomes (three projects, five reasons, three
 * categories) against sums computed here from the same records: exact, as they are sums of integers.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const PROJECT = 1;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 3_600_000;
const OPTIONS: SeedOptions = { startMs: START_MS, minutes: 150, clientReports: 600 };
const RANGE = { fromMs: START_MS + 17_345, toMs: START_MS + 140 * MINUTE + 31_234 };
const MAX_QUANTITY = 2 ** 32 - 1;

function outcome(overrides: Partial<ClientReportRecord>): ClientReportRecord {
  const timestampMs = START_MS + 30 * MINUTE;
  return {
    projectId: PROJECT, reason: 'queue_overflow', category: 'error', quantity: 1, timestampMs, release: '1.0.0', environment: 'production',
    sdkName: 'sentry.python', sdkVersion: '2.76.0', receivedAtMs: timestampMs + 1000, ...overrides,
  };
}

/**
 * Besides the seeded outcomes: a reason an SDK may add one day, quantities at the reader's bound
 * (their sum is past 2^32), rows at both ends of the range (the start is in, the end is out), and
 * a reason only another project has.
 */
const EXTRA: ClientReportRecord[] = [
  outcome({ reason: 'a_reason_from_2030', category: 'profile_chunk', quantity: 5 }),
  ...Array.from({ length: 3 }, (_, i) => outcome({ reason: 'backpressure', category: 'span', quantity: MAX_QUANTITY, timestampMs: START_MS + (40 + i) * MINUTE })),
  outcome({ reason: 'edge', timestampMs: RANGE.fromMs, quantity: 11 }),
  outcome({ reason: 'edge', timestampMs: RANGE.toMs, quantity: 13 }),
  outcome({ projectId: 2, reason: 'other_project_only', quantity: 1000 }),
];

function expectedGroups(records: readonly ClientReportRecord[], filters: Filters): Array<{ reason: string; category: string; quantity: number }> {
  const sums = new Map<string, { reason: string; category: string; quantity: number }>();
  for (const r of records) {
    if (r.projectId !== PROJECT || r.timestampMs < RANGE.fromMs || r.timestampMs >= RANGE.toMs) continue;
    if ((filters.release !== undefined && r.release !== filters.release) || (filters.environment !== undefined && r.environment !== filters.environment)) continue;
    const key = `${r.reason}\n${r.category}`;
    const group = sums.get(key) ?? { reason: r.reason, category: r.category, quantity: 0 };
    group.quantity += r.quantity;
    sums.set(key, group);
  }
  return [...sums.values()].sort((a, b) => b.quantity - a.quantity || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0) || (a.category < b.category ? -1 : 1));
}

describe('client outcomes ("dropped by the client") against seeded ClickHouse', () => {
  let db: SeededDatabase;
  let service: ClientOutcomesService;
  const request = (filters: Filters, seriesIntervalMs?: number): ClientOutcomesInput => ({ projectId: PROJECT, range: RANGE, filters, seriesIntervalMs });

  beforeAll(async () => {
    db = await seededDatabase('pulse_p4_client_outcomes', 20261207, OPTIONS, { clientReports: EXTRA });
    const limits = { maxExecutionSeconds: 20, maxThreads: 2, maxMemoryUsageBytes: 500 * 1024 ** 2, maxConcurrentQueriesForUser: 0, osThreadPriority: 0 };
    service = new ClientOutcomesService(new ClickHouseAnalyticsRepository(db.client, limits, () => undefined));
  }, 120_000);
  afterAll(async () => {
    await db?.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db?.client.close();
  });

  it.each<[string, Filters]>([
    ['no filter', {}],
    ['a release', { release: '1.1.0' }],
    ['an environment', { environment: 'staging' }],
    ['both', { release: '1.0.0', environment: 'production' }],
  ])('sums the items dropped per reason and category, most first, and in total: %s', async (_name, filters) => {
    const expected = expectedGroups(db.records.clientReports, filters);
    const answer = await service.outcomes(request(filters));
    expect(answer.byReason).toEqual(expected);
    expect(answer.total).toBe(expected.reduce((sum, group) => sum + group.quantity, 0));
    expect(answer.series).toBeUndefined();
  });

  it('keeps new reasons, sums past 2^32 exactly, takes the start of the range and not its end, and no other project', async () => {
    const { byReason } = await service.outcomes(request({}));
    expect(byReason[0]).toEqual({ reason: 'backpressure', category: 'span', quantity: 3 * MAX_QUANTITY });
    expect(byReason).toContainEqual({ reason: 'a_reason_from_2030', category: 'profile_chunk', quantity: 5 });
    expect(byReason.filter((group) => group.reason === 'edge')).toEqual([{ reason: 'edge', category: 'error', quantity: 11 }]);
    expect(byReason.some((group) => group.reason === 'other_project_only')).toBe(false);
  });

  it('gives every bucket of the range with the items dropped in it when an interval is asked for', async () => {
    const intervalMs = 10 * MINUTE;
    const answer = await service.outcomes(request({ environment: 'production' }, intervalMs));
    const first = Math.floor(RANGE.fromMs / intervalMs) * intervalMs;
    const expected = new Map<number, number>();
    for (let t = first; t < RANGE.toMs; t += intervalMs) expected.set(t, 0);
    for (const r of db.records.clientReports) {
      if (r.projectId !== PROJECT || r.environment !== 'production' || r.timestampMs < RANGE.fromMs || r.timestampMs >= RANGE.toMs) continue;
      const t = Math.floor(r.timestampMs / intervalMs) * intervalMs;
      expected.set(t, (expected.get(t) ?? 0) + r.quantity);
    }
    expect(answer.interval_ms).toBe(intervalMs);
    expect(answer.series).toEqual([...expected].map(([t, quantity]) => ({ t, quantity })));
    expect(answer.series?.reduce((sum, point) => sum + point.quantity, 0)).toBe(answer.total);
  });

  it('refuses a filter client reports know nothing of', async () => {
    await expect(service.outcomes(request({ os: 'Linux' }))).rejects.toThrow(new QueryParameterError('client outcomes cannot be filtered by os'));
    await expect(service.outcomes(request({ tags: [['region', 'eu']] }))).rejects.toThrow(QueryParameterError);
  });
});
