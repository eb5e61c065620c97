import { waitUntil } from '@pulse/local-infra';
import { FreshDatabase, freshDatabase } from '@pulse/testing';
import type { AlertRuleKind, StoredAlertRule } from '../rules/alert-rule';
import { ALERT_SHARDS } from '../rules/rule-rows';
import { RuleScheduler, ScheduledEvaluator, ScheduledRuleKind, SchedulerErrorSource, TickReport } from './rule-scheduler';
import { ShardLeases } from './shard-leases';

jest.setTimeout(30_000);

const LEASE_MS = 15_000;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

/** An evaluator that records the rule ids of every call (and can be made to throw). */
class RecordingEvaluator implements ScheduledEvaluator {
  readonly calls: { ruleIds: number[]; nowMs: number }[] = [];
  failure: Error | null = null;
  constructor(readonly kind: ScheduledRuleKind) {}
  async evaluate(rules: StoredAlertRule[], nowMs: number): Promise<void> {
    this.calls.push({ ruleIds: rules.map((rule) => rule.id), nowMs });
    if (this.failure) throw this.failure;
  }
}

describe('the rule scheduler against a real PostgreSQL', () => {
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshDatabase('h18_rule_scheduler');
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.pool.query('TRUNCATE alert_rules, alert_rule_state, alert_shard_leases, alert_instances CASCADE');
  });

  /** A rule with a chosen id (so its shard is known), optionally disabled or with its next due instant. */
  const insertRule = async (id: number, kind: AlertRuleKind, options: { enabled?: boolean; nextDueMs?: number } = {}): Promise<void> => {
    const definition = { kind, name: `rule ${id}`, enabled: options.enabled ?? true, actions: [] };
    await database.pool.query(
      `INSERT INTO alert_rules (id, project_id, kind, name, definition, enabled, created_by) OVERRIDING SYSTEM VALUE
       VALUES ($1, 1, $2, $3, $4::jsonb, $5, 'h18 spec')`,
      [id, kind, definition.name, JSON.stringify(definition), definition.enabled],
    );
    if (options.nextDueMs !== undefined) {
      await database.pool.query("INSERT INTO alert_rule_state (rule_id, status, next_due_at) VALUES ($1, 'ok', to_timestamp($2::float8 / 1000))", [id, options.nextDueMs]);
    }
  };
  const leases = (instanceId: string): ShardLeases => new ShardLeases(database.pool, { instanceId, leaseMs: LEASE_MS });

  it('hands each evaluator only the due, enabled rules of its kind in the shards this instance owns', async () => {
    // Instance a ends up with shards 0 … 31, b with 32 … 63.
    const a = leases('a');
    const b = leases('b');
    await a.renew(T0);
    await b.renew(T0 + 100);
    await a.renew(T0 + 200);
    await b.renew(T0 + 300);
    const owned = ALERT_SHARDS + 1; // shard 1
    const other = ALERT_SHARDS + 40; // shard 40
    await insertRule(1, 'metric');
    await insertRule(owned, 'metric', { nextDueMs: T0 + 500 });
    await insertRule(2, 'metric', { nextDueMs: T0 + 5_000 });
    await insertRule(3, 'metric', { enabled: false });
    await insertRule(other, 'metric');
    await insertRule(4, 'release', { nextDueMs: T0 });
    await insertRule(5, 'issue');
    await insertRule(other + 1, 'release');
    const metric = new RecordingEvaluator('metric');
    const release = new RecordingEvaluator('release');
    const reports: TickReport[] = [];
    const scheduler = new RuleScheduler(database.pool, a, [metric, release], { onTick: (report) => reports.push(report) });

    const report = await scheduler.tickOnce(T0 + 1_000);
    expect(metric.calls).toEqual([{ ruleIds: [1, owned], nowMs: T0 + 1_000 }]);
    expect(release.calls).toEqual([{ ruleIds: [4], nowMs: T0 + 1_000 }]);
    expect(report).toMatchObject({ atMs: T0 + 1_000, evaluatedRules: { metric: 2, release: 1 }, failed: [] });
    expect(report.ownedShards).toEqual(Array.from({ length: 32 }, (_, shard) => shard));
    expect(reports).toEqual([report]);

    const scheduledB = new RecordingEvaluator('metric');
    await new RuleScheduler(database.pool, b, [scheduledB]).tickOnce(T0 + 1_000);
    expect(scheduledB.calls).toEqual([{ ruleIds: [other], nowMs: T0 + 1_000 }]);

    await scheduler.tickOnce(T0 + 6_000);
    expect(metric.calls[1]).toEqual({ ruleIds: [1, 2, owned], nowMs: T0 + 6_000 });
    expect(scheduler.status(T0 + 6_000)).toMatchObject({ running: false, lastTickAtMs: T0 + 6_000, lastError: null });
  });

  it('does not call an evaluator when no rule is due or no shard is owned', async () => {
    await insertRule(1, 'metric', { nextDueMs: T0 + 60_000 });
    const metric = new RecordingEvaluator('metric');
    const a = leases('a');
    const scheduler = new RuleScheduler(database.pool, a, [metric]);
    expect((await scheduler.tickOnce(T0)).evaluatedRules.metric).toBe(0);
    await a.release();
    // Another instance holds every shard validly: this one owns nothing, so even a due rule waits.
    await insertRule(2, 'metric');
    await leases('first').renew(T0 + 30_000);
    const second = new RuleScheduler(database.pool, leases('second'), [metric]);
    const report = await second.tickOnce(T0 + 30_100);
    expect(report.ownedShards).toEqual([]);
    expect(report.evaluatedRules.metric).toBe(0);
    expect(metric.calls).toEqual([]);
  });

  it('reports a throwing evaluator with its kind and still runs the other kind', async () => {
    await insertRule(1, 'metric');
    await insertRule(2, 'release');
    const metric = new RecordingEvaluator('metric');
    metric.failure = new Error('ClickHouse did not answer');
    const release = new RecordingEvaluator('release');
    const errors: [string, SchedulerErrorSource][] = [];
    const scheduler = new RuleScheduler(database.pool, leases('a'), [metric, release], { onError: (error, source) => errors.push([error.message, source]) });

    const report = await scheduler.tickOnce(T0);
    expect(report.failed).toEqual(['metric']);
    expect(errors).toEqual([['ClickHouse did not answer', 'metric']]);
    expect(release.calls).toEqual([{ ruleIds: [2], nowMs: T0 }]);
    expect(scheduler.status(T0).lastError).toEqual({ source: 'metric', message: 'ClickHouse did not answer', atMs: T0 });

    metric.failure = null;
    const next = await scheduler.tickOnce(T0 + 1_000);
    expect(next.failed).toEqual([]);
    expect(metric.calls.map((call) => call.ruleIds)).toEqual([[1], [1]]);
  });

  it('reports a failed renewal and keeps working on the leases that still hold', async () => {
    await insertRule(1, 'metric');
    const metric = new RecordingEvaluator('metric');
    const errors: SchedulerErrorSource[] = [];
    const scheduler = new RuleScheduler(database.pool, leases('a'), [metric], { onError: (_error, source) => errors.push(source) });
    await scheduler.tickOnce(T0);
    await database.pool.query('ALTER TABLE alert_instances RENAME TO alert_instances_away');
    try {
      const during = await scheduler.tickOnce(T0 + 1_000);
      expect(during.failed).toEqual(['leases']);
      expect(during.ownedShards).toHaveLength(ALERT_SHARDS);
      const expired = await scheduler.tickOnce(T0 + LEASE_MS);
      expect(expired.ownedShards).toEqual([]);
    } finally {
      await database.pool.query('ALTER TABLE alert_instances_away RENAME TO alert_instances');
    }
    expect(errors).toEqual(['leases', 'leases']);
    expect(metric.calls.map((call) => call.nowMs)).toEqual([T0, T0 + 1_000]);
    expect(scheduler.status(T0 + LEASE_MS).lastError).toMatchObject({ source: 'leases', atMs: T0 + LEASE_MS });
  });

  it('never runs two ticks at once', async () => {
    await insertRule(1, 'metric');
    let renewals = 0;
    const real = leases('a');
    const counting = {
      renew: (nowMs?: number): Promise<number[]> => {
        renewals += 1;
        return real.renew(nowMs);
      },
      owned: (nowMs?: number): number[] => real.owned(nowMs),
      release: (): Promise<void> => real.release(),
    };
    let finishFirst: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finishFirst = resolve));
    const evaluated: number[] = [];
    const slow: ScheduledEvaluator<'metric'> = {
      kind: 'metric',
      evaluate: async (_rules, nowMs) => {
        evaluated.push(nowMs);
        if (evaluated.length === 1) await gate;
      },
    };
    const scheduler = new RuleScheduler(database.pool, counting, [slow]);
    const first = scheduler.tickOnce(T0);
    await waitUntil('the first tick to evaluate', async () => evaluated.length === 1, { timeoutMs: 10_000, intervalMs: 10 });
    const second = scheduler.tickOnce(T0 + 1_000);
    await Promise.resolve();
    expect(renewals).toBe(1);
    finishFirst();
    await Promise.all([first, second]);
    expect(renewals).toBe(2);
    expect(evaluated).toEqual([T0, T0 + 1_000]);
  });

  it('ticks on its own once started, and stop() waits for the running tick, then releases the leases', async () => {
    await insertRule(1, 'metric');
    const real = leases('a');
    let releases = 0;
    const counting = {
      renew: (nowMs?: number): Promise<number[]> => real.renew(nowMs),
      owned: (nowMs?: number): number[] => real.owned(nowMs),
      release: (): Promise<void> => {
        releases += 1;
        return real.release();
      },
    };
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let calls = 0;
    /** Shards owned when each evaluation ended: the second one is held until stop() was called. */
    const ownedAtEnd: number[] = [];
    const metric: ScheduledEvaluator<'metric'> = {
      kind: 'metric',
      evaluate: async () => {
        calls += 1;
        if (calls === 2) await gate;
        ownedAtEnd.push(real.owned().length);
      },
    };
    const scheduler = new RuleScheduler(database.pool, counting, [metric], { tickMs: 20 });
    scheduler.start();
    await waitUntil('the second tick to evaluate', async () => calls === 2, { timeoutMs: 10_000, intervalMs: 10 });
    expect(scheduler.status()).toMatchObject({ running: true, ownedShards: Array.from({ length: ALERT_SHARDS }, (_, shard) => shard), lastError: null });
    const stopping = scheduler.stop();
    await Promise.resolve();
    expect(releases).toBe(0);
    openGate();
    await stopping;
    expect(releases).toBe(1);
    expect(ownedAtEnd).toEqual([ALERT_SHARDS, ALERT_SHARDS]);
    expect(calls).toBe(2);
    expect(scheduler.status()).toMatchObject({ running: false, ownedShards: [] });
    const { rows } = await database.pool.query('SELECT shard FROM alert_shard_leases');
    expect(rows).toEqual([]);
    // A second instance owns everything at once.
    expect(await leases('b').renew()).toHaveLength(ALERT_SHARDS);
  });

  it('refuses two evaluators of one kind and a tick interval that cannot work', () => {
    const a = leases('a');
    expect(() => new RuleScheduler(database.pool, a, [new RecordingEvaluator('metric'), new RecordingEvaluator('metric')])).toThrow(/more than one scheduled evaluator for kind metric/);
    expect(() => new RuleScheduler(database.pool, a, [], { tickMs: 0 })).toThrow(/tickMs/);
  });
});
