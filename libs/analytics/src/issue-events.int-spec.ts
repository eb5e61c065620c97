import { boundEventJson, ErrorRecord } from '@pulse/model';
import { SeedOptions } from '@pulse/testing';
import { nodeCaptureExceptionEvent } from '@pulse/testing/fixtures';
import type { Source } from './aggregate-query';
import { ClickHouseAnalyticsRepository } from './analytics.repository';
import { compileFingerprintTotals, compileIssueSeries, IssueFilters, IssueRef } from './issue-events.query';
import { FingerprintTotals, FingerprintTotalsRow, SeriesRow, toFingerprintTotals, toIssueSeries } from './issue-events.result';
import { IssueEventsService } from './issue-events.service';
import { SeededDatabase, seededDatabase } from './testing/seeded-database';

/**
 * The issue reads on seeded data in the real ClickHouse, against values computed here from the
 * same records: an issue of two fingerprints whose users overlap (so per-hash users do not add up),
 * a third fingerprint and another project that must not count, a row written before event_json, a
 * trimmed event JSON and a full one. Raw and rollup answers: identical. Tolerances: none.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const PROJECT = 7;
const START_MS = Math.floor(Date.now() / MINUTE) * MINUTE - 4 * 3_600_000;
const OPTIONS: SeedOptions = { startMs: START_MS, minutes: 60, errors: 200 };
/** Longer than an hour (the rollup is chosen) and not minute-aligned (edge minutes read raw rows). */
const RANGE = { fromMs: START_MS + 17_345, toMs: START_MS + 150 * MINUTE + 31_234 };
const H1 = '1a'.repeat(16);
const H2 = '2b'.repeat(16);
const OTHER = '3c'.repeat(16);
const COUNT = 140;
const ISSUE: IssueRef = { projectId: PROJECT, hashes: [H1, H2] };

/** Events every 45 s from minute 3, the second half 40 minutes later: buckets without events between. */
function error(i: number, overrides: Partial<ErrorRecord> = {}): ErrorRecord {
  const slot = i % COUNT;
  const timestampMs = START_MS + 3 * MINUTE + slot * 45_000 + (slot >= COUNT / 2 ? 40 * MINUTE : 0);
  return {
    projectId: PROJECT, eventId: i.toString(16).padStart(32, '0'), timestampMs, level: 'error', platform: 'node',
    title: 'TypeError: issue', message: '', culprit: 'handler(app.js)', fingerprint: i % 2 === 0 ? H1 : H2, handled: true,
    exceptions: [{ type: 'TypeError', value: 'issue', mechanism: 'generic', handled: true, frames: [{ filename: 'app.js', absPath: '/srv/app.js', function: 'handler', module: '', lineno: 3, colno: 9, inApp: true, contextLine: 'throw x' }] }],
    transaction: i % 4 === 0 ? 'GET /a' : 'GET /b', traceId: '', spanId: '', release: i % 2 === 0 ? '1.0.0' : '2.0.0', environment: i % 3 === 0 ? 'staging' : 'production',
    dist: '', userId: i % 10 === 0 ? '' : `user-${i % 7}`, browserName: i % 5 === 0 ? 'Firefox' : 'Chrome', osName: 'Linux', sdkName: 'sentry.javascript.node',
    sdkVersion: '9.0.0', tags: { region: 'eu' }, eventJson: JSON.stringify({ event_id: i.toString(16).padStart(32, '0'), extra: { i } }), receivedAtMs: timestampMs + 800,
    groupingConfig: 'pulse:2026-06', secondaryFingerprint: '', ...overrides,
  };
}

const fullEvent = nodeCaptureExceptionEvent();
const bigEvent = { ...fullEvent, extra: { dump: 'x'.repeat(300_000) } };
const bigPayload = Buffer.from(JSON.stringify(bigEvent));
const EXTRA: ErrorRecord[] = [
  ...Array.from({ length: COUNT }, (_, i) => error(i)),
  // The oldest event of the issue: written before event_json existed.
  error(COUNT, { timestampMs: START_MS + MINUTE, eventJson: '' }),
  // The latest: the JSON of a real Node SDK event, as sent.
  error(COUNT + 1, { timestampMs: START_MS + 150 * MINUTE, eventJson: JSON.stringify(fullEvent) }),
  // One reduced at ingest: over the bound.
  error(COUNT + 2, { eventJson: boundEventJson(bigPayload, bigEvent) }),
  ...Array.from({ length: 20 }, (_, i) => error(300 + i, { fingerprint: OTHER })),
  ...Array.from({ length: 20 }, (_, i) => error(400 + i, { projectId: PROJECT + 1 })),
];
const TRIMMED_ID = (COUNT + 2).toString(16).padStart(32, '0');

describe('issue reads against seeded ClickHouse', () => {
  let db: SeededDatabase;
  let service: IssueEventsService;

  beforeAll(async () => {
    db = await seededDatabase('pulse_p5_issues', 20261207, OPTIONS, { errors: EXTRA });
    const limits = { maxExecutionSeconds: 20, maxThreads: 2, maxMemoryUsageBytes: 500 * 1024 ** 2, maxConcurrentQueriesForUser: 0, osThreadPriority: 0 };
    service = new IssueEventsService(new ClickHouseAnalyticsRepository(db.client, limits, () => undefined));
  }, 120_000);
  afterAll(async () => {
    await db?.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db?.client.close();
  });

  function events(hashes: readonly string[] | undefined, filters: IssueFilters = {}, projectId = PROJECT): ErrorRecord[] {
    return db.records.errors.filter(
      (r) => r.projectId === projectId && (hashes === undefined || hashes.includes(r.fingerprint)) && r.timestampMs >= RANGE.fromMs && r.timestampMs < RANGE.toMs &&
        (filters.release === undefined || r.release === filters.release) && (filters.environment === undefined || r.environment === filters.environment),
    );
  }
  const users = (list: ErrorRecord[]): number => new Set(list.filter((r) => r.userId !== '').map((r) => r.userId)).size;

  function expectedTotals(hashes: readonly string[] | undefined, filters: IssueFilters = {}): FingerprintTotals[] {
    const byHash = new Map<string, ErrorRecord[]>();
    for (const r of events(hashes, filters)) byHash.set(r.fingerprint, [...(byHash.get(r.fingerprint) ?? []), r]);
    return [...byHash.entries()]
      .map(([fingerprint, list]) => ({ fingerprint, count: list.length, userCount: users(list), firstSeenMs: Math.min(...list.map((r) => r.timestampMs)), lastSeenMs: Math.max(...list.map((r) => r.timestampMs)) }))
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs || (a.fingerprint < b.fingerprint ? -1 : 1));
  }

  async function totals(source: Source, filters: IssueFilters = {}, fingerprints?: readonly string[]): Promise<FingerprintTotals[]> {
    const { query } = compileFingerprintTotals({ projectId: PROJECT, range: RANGE, filters, fingerprints, source });
    return toFingerprintTotals(await db.run<FingerprintTotalsRow>(query));
  }

  it('totals per fingerprint: as the records say, identical on the raw and rollup paths, most recent first', async () => {
    expect(compileFingerprintTotals({ projectId: PROJECT, range: RANGE, filters: {} }).source).toBe('rollup');
    const raw = await totals('raw');
    expect(await totals('rollup')).toEqual(raw);
    expect(raw).toEqual(expectedTotals(undefined));
    expect(await service.fingerprintTotals(PROJECT, RANGE, {})).toEqual(raw);
    expect(raw.map((row) => row.fingerprint).sort()).toEqual([H1, H2, OTHER]);
  });

  it('totals per fingerprint: restricted to some fingerprints, filtered, limited', async () => {
    const filters = { release: '2.0.0', environment: 'production' };
    expect(await service.fingerprintTotals(PROJECT, RANGE, filters, { fingerprints: [H1, H2, OTHER] })).toEqual(expectedTotals([H1, H2, OTHER], filters));
    expect(await totals('rollup', filters, [H2])).toEqual(expectedTotals([H2], filters));
    expect(await service.fingerprintTotals(PROJECT, RANGE, {}, { fingerprints: [] })).toEqual([]);
    expect(await service.fingerprintTotals(PROJECT, RANGE, {}, { limit: 2 })).toEqual(expectedTotals(undefined).slice(0, 2));
  });

  it('counts the distinct users of an issue exactly across its hashes', async () => {
    const all = events(ISSUE.hashes);
    expect(users(all)).toBeLessThan(users(events([H1])) + users(events([H2])));
    expect(await service.userCount(ISSUE, RANGE, {})).toBe(users(all));
    expect(await service.userCount(ISSUE, RANGE, { environment: 'staging' })).toBe(users(events(ISSUE.hashes, { environment: 'staging' })));
  });

  it('breaks an issue down by release × environment and by its top tag values', async () => {
    const filters = { environment: 'production' };
    const list = events(ISSUE.hashes, filters);
    const breakdown = await service.breakdown(ISSUE, RANGE, filters);
    expect(breakdown.count).toBe(list.length);
    expect(breakdown.userCount).toBe(users(list));
    const pairs = new Map<string, ErrorRecord[]>();
    for (const r of list) pairs.set(`${r.release}|${r.environment}`, [...(pairs.get(`${r.release}|${r.environment}`) ?? []), r]);
    expect(breakdown.byReleaseEnvironment).toEqual(
      [...pairs.values()]
        .map((rs) => ({ release: rs[0].release, environment: rs[0].environment, count: rs.length, userCount: users(rs), firstSeenMs: Math.min(...rs.map((r) => r.timestampMs)), lastSeenMs: Math.max(...rs.map((r) => r.timestampMs)) }))
        .sort((a, b) => b.count - a.count || (a.release < b.release ? -1 : 1)),
    );
    const top = (field: (r: ErrorRecord) => string) => {
      const counts = new Map<string, number>();
      for (const r of list) if (field(r) !== '') counts.set(field(r), (counts.get(field(r)) ?? 0) + 1);
      return [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, 10);
    };
    expect(breakdown.topTags).toEqual([
      { key: 'release', values: top((r) => r.release) },
      { key: 'environment', values: top((r) => r.environment) },
      { key: 'browser', values: top((r) => r.browserName) },
      { key: 'os', values: top((r) => r.osName) },
      { key: 'transaction', values: top((r) => r.transaction) },
    ]);
  });

  it('reads the latest event in full, with the JSON as the SDK sent it', async () => {
    const latest = await service.event(ISSUE, 'latest', RANGE);
    expect(latest).toMatchObject({ eventId: (COUNT + 1).toString(16).padStart(32, '0'), request: fullEvent.request, contexts: fullEvent.contexts, user: fullEvent.user });
    expect(latest?.trimmed).toBeUndefined();
    expect(latest?.breadcrumbs.length).toBeGreaterThan(0);
    expect(latest?.timestamp).toBe(new Date(START_MS + 150 * MINUTE).toISOString());
  });

  it('reads the oldest event, written before event_json, from its columns; a chosen event; none outside the range', async () => {
    const oldest = await service.event(ISSUE, 'oldest', { fromMs: START_MS, toMs: RANGE.toMs });
    expect(oldest).toMatchObject({ eventId: COUNT.toString(16).padStart(32, '0'), trimmed: ['event_json_absent'], request: null, breadcrumbs: [] });
    expect(oldest?.exceptions[0].stacktrace.frames[0]).toMatchObject({ function: 'handler', inApp: true, contextLine: 'throw x', preContext: [] });
    const trimmed = await service.event(ISSUE, { eventId: TRIMMED_ID.toUpperCase() }, RANGE);
    expect(trimmed?.trimmed).toEqual((JSON.parse(boundEventJson(bigPayload, bigEvent)) as { _pulse: { trimmed: string[] } })._pulse.trimmed);
    expect(trimmed?.trimmed).toContain('extra');
    expect(trimmed?.unmodelled.extra).toBeUndefined();
    expect(trimmed?.request).toEqual(fullEvent.request);
    expect(await service.event(ISSUE, { eventId: (300).toString(16).padStart(32, '0') }, RANGE)).toBeUndefined();
    expect(await service.event(ISSUE, 'latest', { fromMs: START_MS - 3_600_000, toMs: START_MS })).toBeUndefined();
  });

  it('counts events per bucket with every bucket present, identical on the raw and rollup paths', async () => {
    const intervalMs = 5 * MINUTE;
    const run = async (source: Source) => toIssueSeries(await db.run<SeriesRow>(compileIssueSeries({ issue: ISSUE, range: RANGE, intervalMs, filters: {}, source }).query), RANGE, intervalMs);
    expect(compileIssueSeries({ issue: ISSUE, range: RANGE, intervalMs, filters: {} }).source).toBe('rollup');
    const raw = await run('raw');
    expect(await run('rollup')).toEqual(raw);
    expect(await service.series(ISSUE, RANGE, intervalMs, {})).toEqual(raw);
    const list = events(ISSUE.hashes);
    const expected = raw.map(({ timestampMs }) => ({ timestampMs, count: list.filter((r) => r.timestampMs >= Math.max(timestampMs, RANGE.fromMs) && r.timestampMs < Math.min(timestampMs + intervalMs, RANGE.toMs)).length }));
    expect(raw).toEqual(expected);
    expect(raw.some((point) => point.count === 0)).toBe(true);
    expect(raw[0].timestampMs).toBe(Math.floor(RANGE.fromMs / intervalMs) * intervalMs);
    // An interval of seconds cannot come from minute rows: raw, same total.
    expect(compileIssueSeries({ issue: ISSUE, range: RANGE, intervalMs: 90_000, filters: {} }).source).toBe('raw');
    const filtered = await service.series(ISSUE, RANGE, 90_000, { release: '1.0.0' });
    expect(filtered.reduce((sum, point) => sum + point.count, 0)).toBe(events(ISSUE.hashes, { release: '1.0.0' }).length);
  });
});
