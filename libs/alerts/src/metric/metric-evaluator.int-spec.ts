import { AlertValuesService, ClickHouseAnalyticsRepository, RollupTiers } from '@pulse/analytics';
import type { TransactionRecord } from '@pulse/model';
import type { MetricAlertNotification } from '@pulse/notifiers';
import { ClickHouseRowWriter, readRollupStarts, Tables, toTransactionRow } from '@pulse/storage';
import { migratedDatabase, MigratedDatabase } from '@pulse/storage/testing';
import { freshDatabase, FreshDatabase, seededRecords } from '@pulse/testing';
import type { MetricRuleDefinition } from '../rules/alert-rule';
import { enabledRules } from '../rules/rule-rows';
import { MetricEvaluationError, MetricRuleEvaluator } from './metric-evaluator';

/**
 * The metric rule evaluator on real stores: transactions inserted into ClickHouse as the consumer
 * does, rules and their state in PostgreSQL. The spec drives the clock (`nowMs`) and the data: a
 * p95 rule fires and resolves, a change alert compares with an hour earlier, a rule changed while
 * it was evaluated keeps its state, a group that cannot be read does not stop the others.
 */
jest.setTimeout(120_000);

const MINUTE = 60_000;
const HOUR = 3_600_000;
const PROJECT = 7;
/** Minute-aligned, recent (inside the tables' retention), two hours back so no real row lands later. */
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const TEMPLATE = seededRecords(1, { startMs: T0, minutes: 1, transactions: 1 }).transactions[0];

let db: FreshDatabase;
let ch: MigratedDatabase;
let writer: ClickHouseRowWriter;
let evaluator: MetricRuleEvaluator;
let inserted = 0;

class StoredRollupTiers extends RollupTiers {
  starts() {
    return readRollupStarts(ch.client);
  }
}

beforeAll(async () => {
  db = await freshDatabase('d18_metric_alerts');
  ch = await migratedDatabase('d18_metric_alerts');
  writer = new ClickHouseRowWriter(ch.client);
  const limits = { maxExecutionSeconds: 20, maxThreads: 2, maxMemoryUsageBytes: 500 * 1024 ** 2, maxConcurrentQueriesForUser: 0, osThreadPriority: 0 };
  const values = new AlertValuesService(new ClickHouseAnalyticsRepository(ch.client, limits, () => undefined), new StoredRollupTiers());
  evaluator = new MetricRuleEvaluator(db.pool, values);
}, 120_000);
afterAll(async () => {
  await db?.drop();
  await ch?.client.command({ query: `DROP DATABASE IF EXISTS ${ch.database}` });
  await ch?.client.close();
});

/** `count` transactions of `name`, `durationMs` each, spread over [fromMs, fromMs + 1 min). */
async function insertTransactions(name: string, fromMs: number, count: number, durationMs: number): Promise<void> {
  const records = Array.from({ length: count }, (_, i): TransactionRecord => {
    const n = (inserted += 1);
    const timestampMs = fromMs + Math.floor((i * MINUTE) / count);
    return { ...TEMPLATE, projectId: PROJECT, eventId: n.toString(16).padStart(32, '0'), name, environment: 'production', status: 'ok', durationMs, timestampMs, startTimestampMs: timestampMs - durationMs };
  });
  await writer.insert(Tables.transactions, records.map((record) => toTransactionRow(record, 90)), `${ch.database}-${inserted}`);
}

/** DDSketch answers within 1 % of the true quantile. */
const withinSketch = (value: number | null, expected: number) => value !== null && Math.abs(value - expected) <= expected * 0.01;

async function addRule(name: string, rule: Partial<MetricRuleDefinition>): Promise<number> {
  const definition: MetricRuleDefinition = {
    kind: 'metric',
    name,
    enabled: true,
    actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }, { type: 'slack', url: 'http://127.0.0.1:9/slack' }],
    aggregate: 'p95',
    dataset: 'transactions',
    filters: {},
    windowSeconds: 600,
    evaluateEverySeconds: 60,
    critical: { above: 500 },
    triggerAfter: 1,
    resolveAfter: 1,
    guardSeconds: 0,
    ...rule,
  };
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO alert_rules (project_id, kind, name, definition, created_by) VALUES ($1, 'metric', $2, $3::jsonb, 'spec') RETURNING id`,
    [PROJECT, name, JSON.stringify(definition)],
  );
  return Number(rows[0].id);
}

async function rulesNamed(...ids: number[]) {
  return (await enabledRules<MetricRuleDefinition>(db.pool, 'metric')).filter((rule) => ids.includes(rule.id));
}

async function stateOf(ruleId: number) {
  const { rows } = await db.pool.query<{ status: string; pending: unknown; last_value: number | null; next_due_at: Date; open_incident_id: string | null; last_result: Record<string, unknown> }>(
    'SELECT status, pending, last_value, next_due_at, open_incident_id, last_result FROM alert_rule_state WHERE rule_id = $1',
    [ruleId],
  );
  return rows[0];
}

async function incidentsOf(ruleId: number) {
  const { rows } = await db.pool.query<{ id: string; status: string; started_at: Date; resolved_at: Date | null; details: Record<string, unknown> }>(
    'SELECT id, status, started_at, resolved_at, details FROM alert_incidents WHERE rule_id = $1 ORDER BY id',
    [ruleId],
  );
  return rows;
}

async function deliveriesOf(ruleId: number) {
  const { rows } = await db.pool.query<{ idempotency_key: string; destination: string; incident_id: string; notification: MetricAlertNotification }>(
    'SELECT idempotency_key, destination, incident_id, notification FROM alert_deliveries WHERE rule_id = $1 ORDER BY id',
    [ruleId],
  );
  return rows;
}

describe('MetricRuleEvaluator', () => {
  it('fires a p95 rule as slow transactions arrive, resolves it as fast ones replace them, with one incident and its deliveries', async () => {
    const name = 'GET /p95';
    const ruleId = await addRule('checkout p95', { filters: { transaction: name }, warning: { above: 300 } });
    await insertTransactions(name, T0 - 5 * MINUTE, 20, 100);

    const quiet = await evaluator.evaluate(await rulesNamed(ruleId), T0);
    expect(quiet).toMatchObject({ evaluated: 1, skipped: 0, transitions: 0, queries: 1, failedGroups: 0 });
    expect(await stateOf(ruleId)).toMatchObject({ status: 'ok', open_incident_id: null });
    expect(withinSketch((await stateOf(ruleId)).last_value, 100)).toBe(true);
    expect((await stateOf(ruleId)).next_due_at.getTime()).toBe(T0 + MINUTE);

    await insertTransactions(name, T0, 40, 1000);
    const firing = await evaluator.evaluate(await rulesNamed(ruleId), T0 + MINUTE);
    expect(firing).toMatchObject({ evaluated: 1, transitions: 1 });
    const [incident] = await incidentsOf(ruleId);
    expect(incident).toMatchObject({ status: 'critical', resolved_at: null });
    expect(incident.started_at.getTime()).toBe(T0 + MINUTE);
    expect(await stateOf(ruleId)).toMatchObject({ status: 'critical', open_incident_id: incident.id, pending: {} });
    const opened = await deliveriesOf(ruleId);
    expect(opened.map((d) => [d.idempotency_key, d.destination])).toEqual([
      [`metric:${ruleId}:incident:${incident.id}:critical:1:0`, 'webhook'],
      [`metric:${ruleId}:incident:${incident.id}:critical:1:1`, 'slack'],
    ]);
    expect(opened[0].notification).toMatchObject({
      kind: 'metric',
      action: 'triggered',
      status: 'critical',
      previousStatus: 'ok',
      threshold: { direction: 'above', value: 500 },
      aggregate: 'p95',
      filters: { transaction: name },
      link: `/api/v1/projects/${PROJECT}/alert-incidents/${incident.id}`,
      incidentId: Number(incident.id),
    });
    expect(withinSketch(opened[0].notification.value, 1000)).toBe(true);

    // The same instant again (an overlapping instance): nothing is decided twice.
    expect(await evaluator.evaluate(await rulesNamed(ruleId), T0 + MINUTE)).toMatchObject({ evaluated: 0, skipped: 1 });

    // Ten minutes on, the slow minute has left the window; fast transactions fill it.
    await insertTransactions(name, T0 + 5 * MINUTE, 30, 120);
    const resolving = await evaluator.evaluate(await rulesNamed(ruleId), T0 + 12 * MINUTE);
    expect(resolving).toMatchObject({ evaluated: 1, transitions: 1 });
    const [resolved] = await incidentsOf(ruleId);
    expect(resolved).toMatchObject({ id: incident.id, status: 'resolved' });
    expect(resolved.resolved_at?.getTime()).toBe(T0 + 12 * MINUTE);
    expect(resolved.details).toMatchObject({ transitions: 2, to: 'ok' });
    expect(await stateOf(ruleId)).toMatchObject({ status: 'ok', open_incident_id: null });
    expect(withinSketch((await stateOf(ruleId)).last_value, 120)).toBe(true);
    const all = await deliveriesOf(ruleId);
    expect(all.slice(2).map((d) => d.idempotency_key)).toEqual([`metric:${ruleId}:incident:${incident.id}:ok:2:0`, `metric:${ruleId}:incident:${incident.id}:ok:2:1`]);
    expect(all[2].notification).toMatchObject({ action: 'resolved', status: 'resolved', previousStatus: 'critical', threshold: { direction: 'below', value: 300 } });
  });

  it('evaluates a change alert against the same window an hour earlier', async () => {
    const name = 'GET /change';
    const ruleId = await addRule('throughput change', { aggregate: 'throughput', filters: { transaction: name }, comparison: 'hour', critical: { above: 50 } });
    const nowMs = T0 + 30 * MINUTE;
    await insertTransactions(name, nowMs - HOUR - 5 * MINUTE, 10, 50);
    await insertTransactions(name, nowMs - 5 * MINUTE, 30, 50);
    const result = await evaluator.evaluate(await rulesNamed(ruleId), nowMs);
    // Two queries: the window and the one an hour before.
    expect(result).toMatchObject({ evaluated: 1, transitions: 1, queries: 2 });
    const state = await stateOf(ruleId);
    expect(state.status).toBe('critical');
    expect(state.last_value).toBeCloseTo(200, 9);
    expect(state.last_result).toMatchObject({ comparison: 'hour', current: 3, before: 1 });
    const [delivery] = await deliveriesOf(ruleId);
    expect(delivery.notification).toMatchObject({ comparison: 'hour', aggregate: 'throughput' });

    // Nothing an hour before: no data, the state holds.
    const emptyBefore = await addRule('no baseline', { aggregate: 'throughput', filters: { transaction: 'GET /new' }, comparison: 'hour', critical: { above: 50 } });
    await insertTransactions('GET /new', nowMs - 5 * MINUTE, 30, 50);
    await evaluator.evaluate(await rulesNamed(emptyBefore), nowMs);
    expect(await stateOf(emptyBefore)).toMatchObject({ status: 'ok', last_value: null });
  });

  it('does not write over a rule changed while it was evaluated', async () => {
    const name = 'GET /changed';
    await insertTransactions(name, T0 + 40 * MINUTE, 20, 2000);
    const changed = await addRule('changed meanwhile', { filters: { transaction: name } });
    const kept = await addRule('kept', { filters: { transaction: name } });
    const loaded = await rulesNamed(changed, kept);
    await db.pool.query('UPDATE alert_rules SET version = version + 1 WHERE id = $1', [changed]);
    const result = await evaluator.evaluate(loaded, T0 + 45 * MINUTE);
    expect(result).toMatchObject({ evaluated: 1, skipped: 1, transitions: 1, queries: 1 });
    expect(await stateOf(changed)).toBeUndefined();
    expect(await incidentsOf(changed)).toEqual([]);
    expect(await stateOf(kept)).toMatchObject({ status: 'critical' });
  });

  it('evaluates the other groups when one cannot be read, then reports the failure', async () => {
    const name = 'GET /failing';
    await insertTransactions(name, T0 + 50 * MINUTE, 20, 2000);
    const good = await addRule('good', { filters: { transaction: name }, windowSeconds: 300 });
    // A vital rule without its vital (written past validation): its query is refused.
    const broken = await addRule('broken', { aggregate: 'web_vital_p75', dataset: 'web_vitals', filters: {} });
    const error: unknown = await evaluator.evaluate(await rulesNamed(broken, good), T0 + 52 * MINUTE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricEvaluationError);
    const failure = error as MetricEvaluationError;
    expect(failure.result).toMatchObject({ evaluated: 1, failedGroups: 1, transitions: 1 });
    expect(String(failure.errors[0])).toContain('needs a vital');
    expect(await stateOf(good)).toMatchObject({ status: 'critical' });
    expect(await stateOf(broken)).toBeUndefined();
  });
});
