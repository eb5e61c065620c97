import { AnalyticsRepository, CanaryService, CompiledQuery, RollupTiers } from '@pulse/analytics';
import { SeededDatabase, seededDatabase } from '@pulse/analytics/testing';
import type { SessionRecord, TransactionRecord } from '@pulse/model';
import type { ReleaseAlertNotification } from '@pulse/notifiers';
import { freshDatabase, FreshDatabase, seededRecords } from '@pulse/testing';
import type { ReleaseRuleDefinition } from '../rules/alert-rule';
import { releaseRuleDefinition } from '../testing/rule-definitions';
import { enabledRules } from '../rules/rule-rows';
import { ReleaseRuleEvaluator } from './release-evaluator';
import { releaseVerdict } from '../incidents/release-verdict';
import { NEVER_DUE_MS } from './release-state.queries';

/**
 * The release rule evaluator on real stores: per-minute traffic of a baseline and two canaries in
 * ClickHouse (one from the baseline's distribution, one with more failures and twice the latency),
 * rules, issues and state in PostgreSQL. The spec drives the clock: before any canary traffic both
 * rules are pending; mid-window the bad canary fails early on its critical failure rate and the good
 * one only stores an interim verdict; after the window the good one passes. Each notifies once.
 */
jest.setTimeout(180_000);

const MINUTE = 60_000;
const HOUR = 3_600_000;
const PROJECT = 4;
/** Minute-aligned and recent (inside the tables' retention); the records span [START, START + 30 min). */
const START = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const RELEASES = ['base', 'good', 'bad'] as const;

/** Generated traffic, dealt round-robin to the three releases; the bad canary's is made worse. */
function traffic(): { transactions: TransactionRecord[]; sessions: SessionRecord[] } {
  const seeded = seededRecords(77, { startMs: START, minutes: 30, transactions: 9_000, sessions: 1_500 });
  const transactions = seeded.transactions.map((r, i): TransactionRecord => {
    const release = RELEASES[i % 3];
    const common = { ...r, projectId: PROJECT, environment: 'production', release };
    if (release !== 'bad') return common;
    const durationMs = r.durationMs * 2;
    return { ...common, durationMs, startTimestampMs: r.timestampMs - durationMs, status: Math.floor(i / 3) % 3 === 0 ? 'internal_error' : r.status };
  });
  const sessions = seeded.sessions.map((s) => ({ ...s, projectId: PROJECT, environment: 'production', release: RELEASES[parseInt(s.sessionId.slice(0, 4), 16) % 3] }));
  return { transactions, sessions };
}

function definition(name: string, canary: string, over: Partial<ReleaseRuleDefinition> = {}): ReleaseRuleDefinition {
  return releaseRuleDefinition({ name, canary, baseline: 'base', windowMinutes: 20, thresholds: { newIssuesAbove: 1 }, ...over });
}

let pg: FreshDatabase;
let ch: SeededDatabase;
let evaluator: ReleaseRuleEvaluator;

class NoCoarseTiers extends RollupTiers {
  async starts() {
    return {};
  }
}

async function insertRule(rule: ReleaseRuleDefinition): Promise<number> {
  const result = await pg.pool.query<{ id: string }>(
    `INSERT INTO alert_rules (project_id, kind, name, definition, created_by) VALUES ($1, 'release', $2, $3::jsonb, 'spec') RETURNING id`,
    [PROJECT, rule.name, JSON.stringify(rule)],
  );
  return Number(result.rows[0].id);
}

async function insertIssue(shortNumber: number, release: string, firstSeenMs: number): Promise<void> {
  await pg.pool.query(
    `INSERT INTO issues (project_id, short_number, title, culprit, level, platform, status, substatus, substatus_changed_at, status_changed_at,
                         first_seen, last_seen, first_release, last_release, times_seen, grouping_config)
     VALUES ($1, $2, 'TypeError', 'app.js', 'error', 'node', 'unresolved', 'new', now(), now(), to_timestamp($3 / 1000.0), to_timestamp($3 / 1000.0), $4, $4, 1, 'newstyle:2023-01-11')`,
    [PROJECT, shortNumber, firstSeenMs, release],
  );
}

async function evaluateAt(nowMs: number) {
  return evaluator.evaluate(await enabledRules<ReleaseRuleDefinition>(pg.pool, 'release', { projectIds: [PROJECT] }), nowMs);
}

async function stateOf(ruleId: number) {
  const result = await pg.pool.query<{ status: string; next_due_at: Date; last_result: Record<string, unknown> }>('SELECT status, next_due_at, last_result FROM alert_rule_state WHERE rule_id = $1', [ruleId]);
  return result.rows[0];
}

async function deliveriesOf(ruleId: number) {
  const result = await pg.pool.query<{ idempotency_key: string; notification: ReleaseAlertNotification; incident_id: string }>(
    'SELECT idempotency_key, notification, incident_id FROM alert_deliveries WHERE rule_id = $1 ORDER BY id',
    [ruleId],
  );
  return result.rows;
}

async function incidentsOf(ruleId: number) {
  const result = await pg.pool.query<{ id: string; kind: string; status: string; resolved_at: Date | null }>('SELECT id, kind, status, resolved_at FROM alert_incidents WHERE rule_id = $1', [ruleId]);
  return result.rows;
}

beforeAll(async () => {
  pg = await freshDatabase('e18_release_rules');
  ch = await seededDatabase('e18_release_rules', 1, { startMs: START, minutes: 30 }, traffic());
  const repository: AnalyticsRepository = { query: <T>(q: CompiledQuery) => ch.run<T>(q) };
  evaluator = new ReleaseRuleEvaluator(pg.pool, new CanaryService(repository, new NoCoarseTiers()));
});

afterAll(async () => {
  await pg?.drop();
  await ch?.client.command({ query: `DROP DATABASE IF EXISTS ${ch.database}` });
  await ch?.client.close();
});

describe('ReleaseRuleEvaluator', () => {
  it('waits for canary traffic, fails a bad canary early, passes a good one at the window’s end, each notified once', async () => {
    const goodId = await insertRule(definition('good canary', 'good'));
    const badId = await insertRule(definition('bad canary', 'bad', { environment: 'production' }));
    await insertIssue(1, 'good', START + 3 * MINUTE);
    await insertIssue(2, 'good', START + 25 * MINUTE);

    // Before any traffic: pending, due again in a minute, nothing sent.
    expect(await evaluateAt(START - 5 * MINUTE)).toEqual({ evaluated: 2, pending: 2, notified: 0, skipped: 0, failed: 0 });
    expect(await stateOf(goodId)).toMatchObject({ status: 'pending', last_result: { phase: 'pending', windowStartMs: null, verdict: null } });
    expect((await stateOf(goodId)).next_due_at.getTime()).toBe(START - 4 * MINUTE);

    // The recorder's first error of `good` came after its first transaction: ClickHouse's minute starts the window.
    await pg.pool.query('INSERT INTO releases (project_id, version, first_seen) VALUES ($1, $2, to_timestamp($3 / 1000.0))', [PROJECT, 'good', START + 5 * MINUTE]);

    // Ten minutes in: the bad canary's failure rate (critical) is High: an early, final fail.
    expect(await evaluateAt(START + 10 * MINUTE)).toEqual({ evaluated: 2, pending: 0, notified: 1, skipped: 0, failed: 0 });
    const bad = await stateOf(badId);
    expect(bad.status).toBe('fail');
    expect(bad.next_due_at.getTime()).toBe(NEVER_DUE_MS);
    expect(bad.last_result).toMatchObject({ phase: 'final', verdict: 'fail', early: true, score: 0, windowStartMs: START, windowStartSource: 'clickhouse' });
    const badMetrics = bad.last_result.metrics as Array<{ metric: string; classification: string; critical: boolean; test: { lower: number } | null }>;
    expect(badMetrics.find((m) => m.metric === 'failure_rate')).toMatchObject({ classification: 'High', critical: true });
    expect(badMetrics.find((m) => m.metric === 'p95')).toMatchObject({ classification: 'High' });
    const interim = await stateOf(goodId);
    expect(interim.status).toBe('pending');
    expect(interim.last_result).toMatchObject({ phase: 'running', verdict: 'pass', final: false, newIssues: 1, windowStartMs: START, minutes: { canary: 10, baseline: 10 } });
    expect(await deliveriesOf(goodId)).toEqual([]);

    const badDeliveries = await deliveriesOf(badId);
    expect(badDeliveries.map((d) => d.idempotency_key)).toEqual([`release:${badId}:v1:fail:0`]);
    expect(badDeliveries[0].notification).toMatchObject({ kind: 'release', action: 'triggered', verdict: 'fail', score: 0, canary: 'bad', baseline: 'base', environment: 'production' });
    expect(badDeliveries[0].notification.reasons.some((r) => r.startsWith('failure_rate: High'))).toBe(true);
    expect(await incidentsOf(badId)).toEqual([{ id: badDeliveries[0].incident_id, kind: 'release', status: 'fail', resolved_at: new Date(START + 10 * MINUTE) }]);

    // After the window (20 minutes from the first one): the good canary passes; the bad one is not evaluated again.
    expect(await evaluateAt(START + 25 * MINUTE)).toEqual({ evaluated: 1, pending: 0, notified: 1, skipped: 1, failed: 0 });
    const good = await stateOf(goodId);
    expect(good.status).toBe('pass');
    expect(good.next_due_at.getTime()).toBe(NEVER_DUE_MS);
    expect(good.last_result).toMatchObject({
      phase: 'final',
      verdict: 'pass',
      early: false,
      windowStartMs: START,
      windowStartSource: 'clickhouse',
      score: 100,
      newIssues: 1,
      thresholds: { newIssues: { value: 1, limit: 1, breached: false } },
      window: { start: new Date(START).toISOString(), end: new Date(START + 20 * MINUTE).toISOString(), complete: true },
      minutes: { canary: 20, baseline: 20 },
    });
    const goodMetrics = good.last_result.metrics as Array<{ classification: string; canary: { median: number }; test: unknown }>;
    expect(goodMetrics.map((m) => m.classification)).toEqual(['Pass', 'Pass', 'Pass', 'Pass']);
    expect(goodMetrics[2].canary.median).toBeGreaterThan(0);
    const goodDeliveries = await deliveriesOf(goodId);
    expect(goodDeliveries.map((d) => d.idempotency_key)).toEqual([`release:${goodId}:v1:pass:0`]);
    expect(goodDeliveries[0].notification).toMatchObject({ action: 'resolved', verdict: 'pass', score: 100, environment: '', link: `/api/v1/projects/${PROJECT}/alert-rules/${goodId}/verdict` });

    // Evaluated again (a scheduler that still lists them): nothing new.
    expect(await evaluateAt(START + 26 * MINUTE)).toEqual({ evaluated: 0, pending: 0, notified: 0, skipped: 2, failed: 0 });
    expect((await deliveriesOf(goodId)).length + (await deliveriesOf(badId)).length).toBe(2);
    expect((await incidentsOf(goodId)).length + (await incidentsOf(badId)).length).toBe(2);
    expect(await enabledRules(pg.pool, 'release', { dueBeforeMs: START + 26 * MINUTE })).toEqual([]);

    expect(await releaseVerdict(pg.pool, PROJECT, goodId)).toMatchObject({ found: 'release', view: { verdict: good.last_result } });
    expect(await releaseVerdict(pg.pool, PROJECT + 1, goodId)).toEqual({ found: 'not_found' });
  });

  it('fails on a breached release threshold before the window ends', async () => {
    const id = await insertRule(definition('good canary, strict on new issues', 'good', { thresholds: { newIssuesAbove: 0, failureRateAbove: 0.9 } }));
    expect(await evaluateAt(START + 8 * MINUTE)).toMatchObject({ notified: 1 });
    const state = await stateOf(id);
    expect(state.status).toBe('fail');
    expect(state.last_result).toMatchObject({ phase: 'final', verdict: 'fail', early: true, thresholds: { newIssues: { value: 1, limit: 0, breached: true }, failureRate: { limit: 0.9, breached: false } } });
    expect(state.last_result.reasons).toContain('new issues: 1 (more than 0)');
    expect((await deliveriesOf(id)).map((d) => d.idempotency_key)).toEqual([`release:${id}:v1:fail:0`]);
  });
});
