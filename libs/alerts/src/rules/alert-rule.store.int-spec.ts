import { FreshDatabase, freshDatabase } from '@pulse/testing';
import type { MetricRuleDefinition } from './alert-rule';
import { AlertRuleNotFound, AlertRuleStore, MAX_RULES_PER_PROJECT, ProvisionedRuleError, TooManyAlertRules } from './alert-rule.store';
import { REDACTED, redactRule } from './rule-secrets';
import { AlertRuleError, parseAlertRule } from './rule-validation';

/**
 * AlertRuleStore on a real PostgreSQL: project scoping, versions, the state a change clears (and
 * the open incident it resolves), provisioned rules refused, the per-project limit under
 * concurrent creates, and "[redacted]" sent back keeping the stored secret.
 */
jest.setTimeout(60_000);

const HOOK = { type: 'webhook' as const, url: 'http://127.0.0.1:9999/hook', secret: 's3cret' };
const issueRule = (name: string) => parseAlertRule({ name, kind: 'issue', trigger: { type: 'new_issue' }, actions: [HOOK] });
const metricRule = (above: number) =>
  parseAlertRule({ name: 'p95', kind: 'metric', aggregate: 'p95', windowSeconds: 60, critical: { above }, actions: [HOOK] }) as MetricRuleDefinition;

describe('AlertRuleStore', () => {
  let pg: FreshDatabase;
  let store: AlertRuleStore;

  beforeAll(async () => {
    pg = await freshDatabase('a18_rule_store');
    store = new AlertRuleStore(pg.pool);
  });

  afterAll(async () => {
    await pg?.drop();
  });

  /** A state row with an open metric incident, as the evaluator leaves them. */
  async function seedOpenIncident(projectId: number, ruleId: number): Promise<number> {
    const { rows } = await pg.pool.query<{ id: string }>(
      `INSERT INTO alert_incidents (project_id, rule_id, rule_name, kind, status, started_at) VALUES ($1, $2, 'p95', 'metric', 'critical', now()) RETURNING id`,
      [projectId, ruleId],
    );
    const incidentId = Number(rows[0].id);
    await pg.pool.query(`INSERT INTO alert_rule_state (rule_id, status, last_value, open_incident_id) VALUES ($1, 'critical', 900, $2)`, [ruleId, incidentId]);
    return incidentId;
  }

  async function stateOf(ruleId: number): Promise<string[]> {
    const { rows } = await pg.pool.query<{ status: string }>('SELECT status FROM alert_rule_state WHERE rule_id = $1', [ruleId]);
    return rows.map((row) => row.status);
  }

  it('creates, reads and lists the rules of one project only', async () => {
    const created = await store.create(11, issueRule('new errors'), 'deploy-bot');
    const metric = await store.create(11, metricRule(500), 'deploy-bot');
    await store.create(12, issueRule('elsewhere'), 'other');
    expect(created).toMatchObject({ projectId: 11, definition: issueRule('new errors'), provisionedFrom: null, createdBy: 'deploy-bot', version: 1 });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(await store.get(11, created.id)).toEqual(created);
    expect(await store.get(12, created.id)).toBeUndefined();
    expect((await store.list(11)).map((rule) => rule.id)).toEqual([created.id, metric.id]);
    expect((await store.list(11, { kind: 'metric' })).map((rule) => rule.id)).toEqual([metric.id]);
    expect(await store.list(13)).toEqual([]);
    await expect(store.replace(12, created.id, issueRule('x'), 'other')).rejects.toThrow(AlertRuleNotFound);
    await expect(store.delete(12, created.id)).rejects.toThrow(new AlertRuleNotFound(12, created.id).message);
    expect(await store.get(11, created.id)).toEqual(created);
  });

  it('replaces a rule: version + 1, updated_at, a fresh state, and its open incident resolved', async () => {
    const rule = await store.create(21, metricRule(500), 'a');
    const incidentId = await seedOpenIncident(21, rule.id);
    const disabled = { ...metricRule(800), enabled: false };
    const replaced = await store.replace(21, rule.id, disabled, 'b');
    expect(replaced).toMatchObject({ id: rule.id, version: 2, definition: disabled, createdBy: 'a' });
    expect(Date.parse(replaced.updatedAt)).toBeGreaterThan(Date.parse(rule.updatedAt));
    expect(await stateOf(rule.id)).toEqual([]);
    const { rows } = await pg.pool.query('SELECT status, resolved_at IS NOT NULL AS resolved, details FROM alert_incidents WHERE id = $1', [incidentId]);
    expect(rows).toEqual([{ status: 'resolved', resolved: true, details: { resolvedBecause: 'the rule changed' } }]);
    const { rows: columns } = await pg.pool.query('SELECT kind, name, enabled FROM alert_rules WHERE id = $1', [rule.id]);
    expect(columns).toEqual([{ kind: 'metric', name: 'p95', enabled: false }]);
    expect((await store.replace(21, rule.id, issueRule('now an issue rule'), 'b')).version).toBe(3);
  });

  it('deletes a rule with its state; the incident keeps its history', async () => {
    const rule = await store.create(31, metricRule(500), 'a');
    const incidentId = await seedOpenIncident(31, rule.id);
    await store.delete(31, rule.id);
    expect(await store.get(31, rule.id)).toBeUndefined();
    expect(await stateOf(rule.id)).toEqual([]);
    const { rows } = await pg.pool.query('SELECT rule_id, status, rule_name FROM alert_incidents WHERE id = $1', [incidentId]);
    expect(rows).toEqual([{ rule_id: null, status: 'resolved', rule_name: 'p95' }]);
    await expect(store.delete(31, rule.id)).rejects.toThrow(AlertRuleNotFound);
  });

  it('refuses to change or delete a provisioned rule', async () => {
    const { rows } = await pg.pool.query<{ id: string }>(
      `INSERT INTO alert_rules (project_id, kind, name, definition, provisioned_from, created_by) VALUES (41, 'issue', 'from git', $1::jsonb, '/etc/pulse/rules.yaml', 'provisioning') RETURNING id`,
      [JSON.stringify(issueRule('from git'))],
    );
    const id = Number(rows[0].id);
    await expect(store.replace(41, id, issueRule('changed'), 'a')).rejects.toThrow(new ProvisionedRuleError(id, '/etc/pulse/rules.yaml').message);
    await expect(store.delete(41, id)).rejects.toThrow(ProvisionedRuleError);
    expect((await store.get(41, id))?.definition.name).toBe('from git');
  });

  it(`holds a project to ${MAX_RULES_PER_PROJECT} rules, also under concurrent creates`, async () => {
    await pg.pool.query(
      `INSERT INTO alert_rules (project_id, kind, name, definition, created_by) SELECT 51, 'issue', 'r' || n, $1::jsonb, 'seed' FROM generate_series(1, $2::int) AS n`,
      [JSON.stringify(issueRule('r')), MAX_RULES_PER_PROJECT - 1],
    );
    const outcomes = await Promise.allSettled([store.create(51, issueRule('a'), 'x'), store.create(51, issueRule('b'), 'x'), store.create(51, issueRule('c'), 'x')]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toEqual(new TooManyAlertRules(51));
    }
    expect((await store.list(51)).length).toBe(MAX_RULES_PER_PROJECT);
    await expect(store.create(52, issueRule('another project'), 'x')).resolves.toMatchObject({ projectId: 52 });
  });

  it('keeps the stored secret when "[redacted]" comes back, and redacts what it answers', async () => {
    const rule = await store.create(61, issueRule('signed'), 'a');
    const answered = redactRule(rule);
    expect(JSON.stringify(answered)).not.toContain('s3cret');
    expect(answered.definition.actions).toEqual([{ ...HOOK, secret: REDACTED }]);
    const renamed = { ...answered.definition, name: 'signed, renamed' };
    const replaced = await store.replace(61, rule.id, renamed, 'a');
    expect(replaced.definition.actions).toEqual([HOOK]);
    await expect(store.replace(61, rule.id, { ...renamed, actions: [{ ...HOOK, url: 'http://127.0.0.1:1/elsewhere', secret: REDACTED }] }, 'a')).rejects.toThrow(AlertRuleError);
    await expect(store.create(61, { ...renamed, actions: [{ ...HOOK, secret: REDACTED }] }, 'a')).rejects.toThrow(AlertRuleError);
    expect((await store.get(61, rule.id))?.definition.actions).toEqual([HOOK]);
  });
});
