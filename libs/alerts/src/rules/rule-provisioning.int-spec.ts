import { FreshDatabase, freshDatabase } from '@pulse/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertRuleStore } from './alert-rule.store';
import { ProvisioningError, provisionAlertRules } from './rule-provisioning';

/**
 * Provisioning from YAML and JSON files on a real PostgreSQL: created, unchanged (version and
 * state kept), updated (version + 1, state cleared), rules dropped from the file deleted,
 * deleteRules, and an invalid file applying nothing while naming the rule and its problems.
 */
jest.setTimeout(60_000);

const YAML_V1 = `
apiVersion: 1
rules:
  - projectId: 1
    name: checkout p95
    kind: metric
    aggregate: p95
    filters: { transaction: GET /checkout }
    windowSeconds: 60
    critical: { above: 500 }
    resolve: { below: 300 }
    actions:
      - type: webhook
        url: http://127.0.0.1:9999/hook
        secret: s3cret
  - projectId: 1
    name: new errors
    kind: issue
    trigger: { type: new_issue }
    actions: [{ type: webhook, url: http://127.0.0.1:9999/hook }]
  - projectId: 2
    name: new errors
    kind: issue
    trigger: { type: regression }
    actions: [{ type: webhook, url: http://127.0.0.1:9999/hook }]
`;

describe('provisionAlertRules', () => {
  let pg: FreshDatabase;
  let dir: string;
  let store: AlertRuleStore;

  beforeAll(async () => {
    pg = await freshDatabase('a18_rule_provisioning');
    store = new AlertRuleStore(pg.pool);
    dir = await mkdtemp(join(tmpdir(), 'a18-provisioning-'));
  });

  afterAll(async () => {
    await pg?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function fileWith(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  async function rulesOf(projectId: number) {
    return (await store.list(projectId)).map((rule) => ({ id: rule.id, name: rule.definition.name, version: rule.version, provisionedFrom: rule.provisionedFrom }));
  }

  async function snapshot(): Promise<unknown[]> {
    const { rows } = await pg.pool.query('SELECT id, project_id, name, definition, version, provisioned_from FROM alert_rules ORDER BY id');
    return rows;
  }

  it('creates, keeps, updates and deletes the rules of a file', async () => {
    const path = await fileWith('rules.yaml', YAML_V1);
    expect(await provisionAlertRules(pg.pool, path)).toEqual({ created: 3, updated: 0, deleted: 0, unchanged: 0 });
    const [p95, newErrors] = await store.list(1);
    expect(p95).toMatchObject({ provisionedFrom: path, createdBy: 'provisioning', version: 1 });
    expect(p95.definition).toMatchObject({ kind: 'metric', dataset: 'transactions', evaluateEverySeconds: 60, triggerAfter: 1, actions: [{ secret: 's3cret' }] });
    await pg.pool.query(`INSERT INTO alert_rule_state (rule_id, status, last_value) VALUES ($1, 'critical', 900)`, [p95.id]);

    expect(await provisionAlertRules(pg.pool, path)).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: 3 });
    expect(await store.get(1, p95.id)).toEqual(p95);
    expect((await pg.pool.query('SELECT status FROM alert_rule_state WHERE rule_id = $1', [p95.id])).rows).toEqual([{ status: 'critical' }]);

    const v2 = YAML_V1.replace('above: 500', 'above: 700').replace(/ {2}- projectId: 2[\s\S]*$/, '  - projectId: 3\n    name: flaky\n    kind: issue\n    trigger: { type: escalating }\n    actions: [{ type: slack, url: https://hooks.slack.com/services/T0/B0/x }]\n');
    await writeFile(path, v2);
    expect(await provisionAlertRules(pg.pool, path)).toEqual({ created: 1, updated: 1, deleted: 1, unchanged: 1 });
    expect(await rulesOf(1)).toEqual([
      { id: p95.id, name: 'checkout p95', version: 2, provisionedFrom: path },
      { id: newErrors.id, name: 'new errors', version: 1, provisionedFrom: path },
    ]);
    expect((await store.get(1, p95.id))?.definition).toMatchObject({ critical: { above: 700 } });
    expect((await pg.pool.query('SELECT status FROM alert_rule_state WHERE rule_id = $1', [p95.id])).rows).toEqual([]);
    expect(await rulesOf(2)).toEqual([]);
    expect(await rulesOf(3)).toEqual([expect.objectContaining({ name: 'flaky' })]);

    await writeFile(path, 'apiVersion: 1\nrules: []\n');
    expect(await provisionAlertRules(pg.pool, path)).toEqual({ created: 0, updated: 0, deleted: 3, unchanged: 0 });
    expect([...(await rulesOf(1)), ...(await rulesOf(3))]).toEqual([]);
  });

  it('applies nothing from an invalid file, naming each rule and its problems', async () => {
    const good = await fileWith('good.json', JSON.stringify({ apiVersion: 1, rules: [{ projectId: 5, name: 'kept', kind: 'issue', trigger: { type: 'new_issue' }, actions: [{ type: 'webhook', url: 'http://127.0.0.1:9999/hook' }] }] }));
    await provisionAlertRules(pg.pool, good);
    const before = await snapshot();
    const bad = YAML_V1.replace('windowSeconds: 60', 'windowSeconds: 5').replace('trigger: { type: regression }', 'trigger: { type: regression }\n    colour: red');
    const path = await fileWith('bad.yaml', bad);
    const error = await provisionAlertRules(pg.pool, path).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ProvisioningError);
    expect((error as ProvisioningError).problems).toEqual([
      'rules[0] (project 1, "checkout p95"): windowSeconds must be an integer from 60 to 86400',
      expect.stringMatching(/^rules\[2\] \(project 2, "new errors"\): colour is not a field of an issue rule/),
    ]);
    expect(await snapshot()).toEqual(before);

    const cases: Array<[string, string]> = [
      ['apiVersion: 2\nrules: []\n', 'apiVersion must be 1'],
      ['apiVersion: 1\nrules: []\nextra: 1\n', 'extra: not a field of a provisioning file (known: apiVersion, rules, deleteRules)'],
      ['apiVersion: 1\n', 'rules must be a list (it may be empty)'],
      ['apiVersion: 1\nrules: [1]\n', 'rules[0] must be an object'],
      ['apiVersion: 1\nrules: []\ndeleteRules: [{ projectId: 1 }]\n', 'deleteRules[0] must be {projectId: <positive integer>, name: <string>} and nothing else'],
      ['rules: [: :\n', 'not YAML or JSON'],
      [YAML_V1.replace('- projectId: 2', '- projectId: 1'), 'rules[2] (project 1, "new errors"): another rule of the file has this project and name'],
      [YAML_V1.replace('- projectId: 2', '- projectId: 0'), 'rules[2] (project 0, "new errors"): projectId must be a positive integer'],
      [YAML_V1.replace('secret: s3cret', 'secret: "[redacted]"'), 'rules[0] (project 1, "checkout p95"): actions[0].secret is "[redacted]"'],
      [`${YAML_V1}deleteRules: [{ projectId: 1, name: new errors }]\n`, 'deleteRules[0] (project 1, "new errors") is also in rules'],
    ];
    for (const [text, problem] of cases) {
      await writeFile(path, text);
      await expect(provisionAlertRules(pg.pool, path)).rejects.toThrow(problem);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a rule another file provisions, and deletes one named in deleteRules', async () => {
    const first = await fileWith('first.yaml', YAML_V1);
    await provisionAlertRules(pg.pool, first);
    const second = await fileWith('second.yaml', YAML_V1.replace(/ {2}- projectId: 1\n {4}name: new errors[\s\S]*$/, ''));
    await expect(provisionAlertRules(pg.pool, second)).rejects.toThrow(`rules[0] (project 1, "checkout p95"): already provisioned from ${first}`);

    await writeFile(second, 'apiVersion: 1\nrules: []\ndeleteRules:\n  - { projectId: 1, name: checkout p95 }\n  - { projectId: 9, name: never existed }\n');
    expect(await provisionAlertRules(pg.pool, second)).toEqual({ created: 0, updated: 0, deleted: 1, unchanged: 0 });
    expect((await rulesOf(1)).map((rule) => rule.name)).toEqual(['new errors']);
    expect(await provisionAlertRules(pg.pool, first)).toEqual({ created: 1, updated: 0, deleted: 0, unchanged: 2 });
  });
});
