import type { RollupStarts, Source } from './aggregate-query';
import type { AnalyticsRepository } from './analytics.repository';
import type { CompiledQuery } from './aggregate-query';
import { compileFirstMinutes } from './canary.query';
import type { CanaryMinute } from './canary.result';
import { CanaryService } from './canary.service';
import { RollupTiers } from './rollup-tiers';
import { ddBounds, SeededDatabase, seededDatabase } from './testing/seeded-database';

/**
 * Canary samples on generated data against values computed here from the records: per minute and
 * release, counts exactly, p95 within the DDSketch bound; minutes without traffic absent; raw and
 * rollup paths identical. And the first minute a release was seen.
 */
jest.setTimeout(120_000);

const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
const PROJECT = 2;
const CANARY = '1.1.0';
const BASELINE = '1.0.0';
const window = { fromMs: START + 4 * 60_000 + 999, toMs: START + 84 * 60_000 + 30_001 };
const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;
const inWindow = (ms: number) => ms >= window.fromMs && ms < window.toMs;

class FixedTiers extends RollupTiers {
  constructor(private readonly known: RollupStarts = {}) {
    super();
  }

  async starts() {
    return this.known;
  }
}

describe('CanaryService against ClickHouse', () => {
  let db: SeededDatabase;
  let service: CanaryService;

  beforeAll(async () => {
    db = await seededDatabase('analytics_canary', 41, { startMs: START, minutes: 90, transactions: 3_000, errors: 1_200, sessions: 900, sessionAggregates: 60 });
    const repository: AnalyticsRepository = { query: <T>(q: CompiledQuery) => db.run<T>(q) };
    service = new CanaryService(repository, new FixedTiers());
  });

  afterAll(async () => {
    await db.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db.client.close();
  });

  function expectedMinutes(release: string): Map<number, { tx: number[]; failures: number; errors: number; sessions: number; crashed: number }> {
    const mine = <T extends { projectId: number; environment: string; release: string }>(rows: T[]) =>
      rows.filter((r) => r.projectId === PROJECT && r.environment === 'production' && r.release === release);
    const minutes = new Map<number, { tx: number[]; failures: number; errors: number; sessions: number; crashed: number }>();
    const at = (ms: number) => {
      const key = minuteOf(ms);
      if (!minutes.has(key)) minutes.set(key, { tx: [], failures: 0, errors: 0, sessions: 0, crashed: 0 });
      return minutes.get(key)!;
    };
    for (const r of mine(db.records.transactions).filter((r) => inWindow(r.timestampMs))) {
      const m = at(r.timestampMs);
      m.tx.push(r.durationMs);
      if (!['ok', 'cancelled', 'unknown'].includes(r.status)) m.failures++;
    }
    for (const r of mine(db.records.errors).filter((r) => inWindow(r.timestampMs))) at(r.timestampMs).errors++;
    for (const r of mine(db.records.sessions).filter((r) => inWindow(r.startedMs))) {
      const m = at(r.startedMs);
      if (r.init) m.sessions += r.quantity;
      if (r.status === 'crashed') m.crashed += r.quantity;
    }
    return minutes;
  }

  function check(release: string, actual: CanaryMinute[]): void {
    const expected = expectedMinutes(release);
    expect(actual.map((m) => m.minuteMs)).toEqual([...expected.keys()].sort((a, b) => a - b));
    // Sparse data: some minutes of the window had no traffic of this release and are absent.
    expect(actual.length).toBeLessThan(80);
    for (const minute of actual) {
      const e = expected.get(minute.minuteMs)!;
      expect([minute.minuteMs, minute.transactions, minute.failures, minute.errors, minute.sessions, minute.crashedSessions]).toEqual([
        minute.minuteMs,
        e.tx.length,
        e.failures,
        e.errors,
        e.sessions,
        e.crashed,
      ]);
      expect(minute.failureRate).toBe(e.tx.length > 0 ? e.failures / e.tx.length : null);
      expect(minute.errorRate).toBe(e.tx.length > 0 ? e.errors / e.tx.length : null);
      expect(minute.crashFreeRate).toBe(e.sessions > 0 ? Math.max(0, 1 - e.crashed / e.sessions) : null);
      if (e.tx.length === 0) {
        expect(minute.p95Ms).toBeNull();
      } else {
        const bounds = ddBounds([...e.tx].sort((a, b) => a - b), 0.95);
        expect(minute.p95Ms!).toBeGreaterThanOrEqual(bounds.low - 1e-9);
        expect(minute.p95Ms!).toBeLessThanOrEqual(bounds.high + 1e-9);
      }
    }
  }

  it('gives per-minute samples of both releases over the same window, identical on both paths', async () => {
    const request = { projectId: PROJECT, environment: 'production', canary: CANARY, baseline: BASELINE, ...window };
    const raw = await service.samples({ ...request, source: 'raw' as Source });
    expect(await service.samples({ ...request, source: 'rollup' as Source })).toEqual(raw);
    expect(await service.samples(request)).toEqual(raw);
    check(CANARY, raw.canary);
    check(BASELINE, raw.baseline);
    expect(raw.canary.some((m) => m.errors > 0 && m.transactions > 0)).toBe(true);
    expect(raw.canary.some((m) => m.sessions > 0)).toBe(true);
  });

  it('leaves a release without traffic empty and refuses a bad window', async () => {
    const samples = await service.samples({ projectId: PROJECT, canary: '9.9.9', baseline: BASELINE, ...window });
    expect(samples.canary).toEqual([]);
    expect(samples.baseline.length).toBeGreaterThan(0);
    await expect(service.samples({ projectId: PROJECT, canary: CANARY, baseline: CANARY, ...window })).rejects.toThrow('different releases');
    await expect(service.samples({ projectId: PROJECT, canary: CANARY, baseline: BASELINE, fromMs: window.toMs, toMs: window.fromMs })).rejects.toThrow('from < to');
  });

  it('finds the first minute a release had a transaction or a session, on both paths', async () => {
    const range = { fromMs: START - 3_600_000, toMs: START + 2 * 3_600_000 };
    const mine = (release: string) => [
      ...db.records.transactions.filter((r) => r.projectId === PROJECT && r.release === release && r.environment === 'staging').map((r) => r.timestampMs),
      ...db.records.sessions.filter((r) => r.projectId === PROJECT && r.release === release && r.environment === 'staging').map((r) => r.startedMs),
    ];
    for (const release of [CANARY, BASELINE, '2.0.0']) {
      const expected = minuteOf(Math.min(...mine(release)));
      for (const source of ['raw', 'rollup'] as Source[]) {
        expect([release, source, await service.firstMinute({ projectId: PROJECT, environment: 'staging', release, ...range, source })]).toEqual([release, source, expected]);
      }
    }
    // Through the hour and day tiers too (they keep the first minute of their hour).
    const coarse = new CanaryService({ query: <T>(q: CompiledQuery) => db.run<T>(q) }, new FixedTiers({ hourRollupFromMs: 0, dayRollupFromMs: 0 }));
    const wide = { fromMs: START - 48 * 3_600_000, toMs: START + 3 * 3_600_000 };
    const tiers = compileFirstMinutes({ projectId: PROJECT, release: CANARY, range: wide, hourRollupFromMs: 0, dayRollupFromMs: 0 }).transactions.sql;
    expect([tiers.includes('FROM transactions_hour'), tiers.includes('FROM transactions_day')]).toEqual([true, true]);
    for (const release of [CANARY, BASELINE]) {
      const all = [
        ...db.records.transactions.filter((r) => r.projectId === PROJECT && r.release === release).map((r) => r.timestampMs),
        ...db.records.sessions.filter((r) => r.projectId === PROJECT && r.release === release).map((r) => r.startedMs),
      ];
      expect(await coarse.firstMinute({ projectId: PROJECT, release, ...wide })).toBe(minuteOf(Math.min(...all)));
    }
    expect(await service.firstMinute({ projectId: PROJECT, release: '9.9.9', ...range })).toBeNull();
    expect(await service.firstMinute({ projectId: PROJECT, release: CANARY, fromMs: START + 3 * 3_600_000, toMs: START + 4 * 3_600_000 })).toBeNull();
  });
});
