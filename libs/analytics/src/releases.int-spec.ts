import type { SessionRecord } from '@pulse/model';
import type { Source } from './aggregate-query';
import { compileReleaseErrors, compileReleaseSeries, compileReleaseSessions, compileReleaseTransactions, ReleaseScope } from './releases.query';
import { compareReleases, ReleaseErrorsRow, ReleaseSessionsRow, ReleaseTransactionsRow, toReleaseDetails } from './releases.result';
import { ddBounds, SeededDatabase, seededDatabase } from './testing/seeded-database';

/**
 * Release health on generated data against values computed here: counts, rates, users and
 * crash-free shares exactly (uniq is exact at these cardinalities); first seen to the minute (the
 * rollups keep minutes); p50/p95 within the DDSketch bound. Raw and rollup paths must agree.
 */
jest.setTimeout(120_000);

// Recent, so the rows are well inside their retention (a past date would expire some day).
const START = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 4 * 3_600_000;
const range = { fromMs: START + 3 * 60_000 + 999, toMs: START + 150 * 60_000 + 30_001 };
const PROJECT = 2;
const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60_000;
const inRange = (ms: number) => ms >= range.fromMs && ms < range.toMs;

describe('release health against ClickHouse', () => {
  let db: SeededDatabase;

  beforeAll(async () => {
    db = await seededDatabase('analytics_releases', 23, { startMs: START, minutes: 160, transactions: 12_000, errors: 4_000, sessions: 3_000, sessionAggregates: 300 });
  });

  afterAll(async () => {
    await db.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db.client.close();
  });

  async function details(scope: ReleaseScope) {
    const [tx, err, ses] = await Promise.all([
      db.run<ReleaseTransactionsRow>(compileReleaseTransactions(scope)),
      db.run<ReleaseErrorsRow>(compileReleaseErrors(scope)),
      db.run<ReleaseSessionsRow>(compileReleaseSessions(scope)),
    ]);
    return toReleaseDetails(tx, err, ses);
  }

  it('gives every metric of every release exactly, identical on both paths', async () => {
    const scope = { projectId: PROJECT, range, filters: { environment: 'production' } };
    const raw = await details({ ...scope, source: 'raw' as Source });
    expect(await details({ ...scope, source: 'rollup' as Source })).toEqual(raw);

    const mine = <T extends { projectId: number; environment: string }>(rows: T[]) => rows.filter((r) => r.projectId === PROJECT && r.environment === 'production');
    const transactions = mine(db.records.transactions).filter((r) => inRange(r.timestampMs));
    const errors = mine(db.records.errors).filter((r) => inRange(r.timestampMs));
    const sessions = mine(db.records.sessions).filter((r) => inRange(r.startedMs));
    const releases = [...new Set([...transactions, ...errors, ...sessions].map((r) => r.release))].sort();
    expect(raw.map((r) => r.release).sort()).toEqual(releases);

    for (const row of raw) {
      const tx = transactions.filter((r) => r.release === row.release);
      const err = errors.filter((r) => r.release === row.release);
      const ses = sessions.filter((r) => r.release === row.release);
      expect(row.first_seen).toBe(Math.min(...[...tx.map((r) => r.timestampMs), ...err.map((r) => r.timestampMs), ...ses.map((r) => r.startedMs)].map(minuteOf)));
      expect(row.transactions).toBe(tx.length);
      expect(row.errors).toBe(err.length);
      expect(row.error_rate).toBeCloseTo(err.length / tx.length, 12);
      expect(row.failure_rate).toBeCloseTo(tx.filter((r) => !['ok', 'cancelled', 'unknown'].includes(r.status)).length / tx.length, 12);
      expect(row.users_affected).toBe(new Set(err.filter((r) => r.userId !== '').map((r) => r.userId)).size);
      expect(row.crash_free_sessions).toBeCloseTo(1 - crashed(ses) / started(ses), 12);
      expect(row.crash_free_users).toBeCloseTo(crashFreeUsers(ses), 12);
      const durations = tx.map((r) => r.durationMs).sort((a, b) => a - b);
      const p95 = ddBounds(durations, 0.95);
      expect(row.p95 as number).toBeGreaterThanOrEqual(p95.low - 1e-9);
      expect(row.p95 as number).toBeLessThanOrEqual(p95.high + 1e-9);
    }
  });

  it('compares two releases metric by metric', async () => {
    const scope = { projectId: PROJECT, range, filters: {}, releases: ['1.0.0', '2.0.0'] };
    const rows = await details(scope);
    expect(rows.map((r) => r.release).sort()).toEqual(['1.0.0', '2.0.0']);
    const comparison = compareReleases(rows.find((r) => r.release === '1.0.0')!, rows.find((r) => r.release === '2.0.0')!);
    const b = comparison.base;
    const c = comparison.candidate;
    expect(comparison.change.error_rate.absolute).toBeCloseTo((c.error_rate as number) - (b.error_rate as number), 15);
    expect(comparison.change.transactions).toEqual({ absolute: c.transactions - b.transactions, relative: (c.transactions - b.transactions) / b.transactions });
    const tx = db.records.transactions.filter((r) => r.projectId === PROJECT && r.release === '2.0.0' && inRange(r.timestampMs));
    expect(c.transactions).toBe(tx.length);
  });

  it('reads whole hours of transactions from the hour tier and still gives the raw answer (errors and sessions: minutes)', async () => {
    const scope = { projectId: PROJECT, range, filters: {} };
    const raw = await details({ ...scope, source: 'raw' as Source });
    expect(raw.length).toBeGreaterThan(1);
    for (const hourRollupFromMs of [0, START + 60 * 60_000]) {
      expect(compileReleaseTransactions({ ...scope, source: 'rollup', hourRollupFromMs }).sql).toContain('FROM transactions_hour');
      expect([hourRollupFromMs, await details({ ...scope, source: 'rollup' as Source, hourRollupFromMs })]).toEqual([hourRollupFromMs, raw]);
    }
  });

  it('a series in 1 h buckets reads the hour tier and gives the raw answer', async () => {
    const input = { projectId: PROJECT, range, intervalMs: 60 * 60_000, filters: {}, releases: ['1.0.0', '1.1.0'] };
    const run = async (source: Source, hourRollupFromMs?: number) => {
      const compiled = compileReleaseSeries({ ...input, source, hourRollupFromMs });
      return { intervalMs: compiled.intervalMs, tx: await db.run<Record<string, string>>(compiled.transactions), err: await db.run<Record<string, string>>(compiled.errors) };
    };
    const raw = await run('raw');
    expect(compileReleaseSeries({ ...input, source: 'rollup', hourRollupFromMs: 0 }).transactions.sql).toContain('FROM transactions_hour');
    expect(await run('rollup', 0)).toEqual(raw);
  });

  it('a series per bucket and release of transactions, failures and errors, identical on both paths', async () => {
    const input = { projectId: PROJECT, range, intervalMs: 20 * 60_000, filters: {}, releases: ['1.1.0'] };
    const run = async (source: Source) => {
      const compiled = compileReleaseSeries({ ...input, source });
      return { intervalMs: compiled.intervalMs, tx: await db.run<Record<string, string>>(compiled.transactions), err: await db.run<Record<string, string>>(compiled.errors) };
    };
    const raw = await run('raw');
    expect(await run('rollup')).toEqual(raw);
    for (const row of raw.tx) {
      const t = Number(row.t);
      const expected = db.records.transactions.filter((r) => r.projectId === PROJECT && r.release === '1.1.0' && inRange(r.timestampMs) && r.timestampMs >= t && r.timestampMs < t + raw.intervalMs);
      expect(Number(row.transactions)).toBe(expected.length);
    }
    const errorTotal = raw.err.reduce((sum, row) => sum + Number(row.errors), 0);
    expect(errorTotal).toBe(db.records.errors.filter((r) => r.projectId === PROJECT && r.release === '1.1.0' && inRange(r.timestampMs)).length);
  });
});

function started(sessions: SessionRecord[]): number {
  return sessions.filter((s) => s.init).reduce((sum, s) => sum + s.quantity, 0);
}

function crashed(sessions: SessionRecord[]): number {
  return sessions.filter((s) => s.status === 'crashed').reduce((sum, s) => sum + s.quantity, 0);
}

function crashFreeUsers(sessions: SessionRecord[]): number {
  const users = new Set(sessions.filter((s) => s.distinctId !== '').map((s) => s.distinctId));
  const crashedUsers = new Set(sessions.filter((s) => s.distinctId !== '' && s.status === 'crashed').map((s) => s.distinctId));
  return 1 - crashedUsers.size / users.size;
}
