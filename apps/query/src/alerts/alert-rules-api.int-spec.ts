import { FreshDatabase, freshDatabase, request } from '@pulse/testing';
import { QueryTestApp, READ_ONLY_TOKEN, startQueryApp, TOKEN_OF_PROJECT } from '../testing/query-test-app';
import { checkoutP95Rule } from '@pulse/alerts/testing';

/**
 * The alert rules API over HTTP on a real PostgreSQL: the acceptance rules are created (201) and
 * read back complete and redacted, replaced (the stored secret kept for "[redacted]") and deleted
 * (204); invalid rules and ids are 400s naming their problems, unknown and foreign rules 404,
 * provisioned rules 409, a read-only token 403, and PostgreSQL out of reach 503. ClickHouse is not read.
 */
jest.setTimeout(60_000);

const HOOK = 'http://127.0.0.1:9999/hook';
const NEW_ERRORS = {
  name: 'new errors',
  kind: 'issue',
  trigger: { type: 'new_issue' },
  filters: { environment: 'production' },
  actionIntervalMinutes: 30,
  actions: [{ type: 'webhook', url: HOOK, secret: 's3cret' }],
};
const CHECKOUT_P95 = checkoutP95Rule({ url: HOOK });

interface RuleAnswer {
  id: number;
  projectId: number;
  version: number;
  name: string;
  actions: Array<Record<string, unknown>>;
  [field: string]: unknown;
}
interface ProblemAnswer {
  detail: string;
  causes?: string[];
  error: string;
  problems: string[];
}

describe('alert rules API over HTTP', () => {
  let pg: FreshDatabase;
  let app: QueryTestApp;

  beforeAll(async () => {
    pg = await freshDatabase('a18_rules_api');
    app = await startQueryApp({ database: 'default', env: { DATABASE_URL: pg.url } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await pg?.drop();
  });

  const call = <T>(method: string, path: string, body?: unknown, token: string = app.tokens[1], projectId = 1) =>
    request<T>(`${app.url}/api/v1/projects/${projectId}/alert-rules${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function storedSecret(id: number): Promise<unknown> {
    const { rows } = await pg.pool.query<{ secret: unknown }>(`SELECT definition->'actions'->0->'secret' AS secret FROM alert_rules WHERE id = $1`, [id]);
    return rows[0]?.secret;
  }

  it('creates the acceptance rules (201), answers them complete and redacted, and lists them', async () => {
    const bodies = [NEW_ERRORS, CHECKOUT_P95, { ...NEW_ERRORS, name: 'regressions', trigger: { type: 'regression' } }, { ...NEW_ERRORS, name: 'bursts', trigger: { type: 'event_frequency', count: 100, windowSeconds: 60 } }];
    const created: RuleAnswer[] = [];
    for (const body of bodies) {
      const answer = await call<RuleAnswer>('POST', '', body);
      expect([answer.status, answer.body]).toEqual([201, expect.objectContaining({ id: expect.any(Number), projectId: 1, version: 1, provisionedFrom: null, name: body.name })]);
      created.push(answer.body);
    }
    expect(created[0]).toMatchObject({ ...NEW_ERRORS, enabled: true, actions: [{ type: 'webhook', url: HOOK, secret: '[redacted]' }], createdBy: expect.stringMatching(/^token:/) });
    expect(created[1]).toMatchObject({ ...CHECKOUT_P95, enabled: true, triggerAfter: 1, resolveAfter: 1, guardSeconds: 0 });
    expect(await storedSecret(created[0].id)).toBe('s3cret');

    const one = await call<RuleAnswer>('GET', `/${created[1].id}`);
    expect([one.status, one.body]).toEqual([200, created[1]]);
    const list = await call<{ data: RuleAnswer[] }>('GET', '');
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual(created);
    expect(JSON.stringify(list.body)).not.toContain('s3cret');
    expect((await call<{ data: RuleAnswer[] }>('GET', '?kind=metric')).body.data.map((rule) => rule.id)).toEqual([created[1].id]);
    expect((await call<{ data: RuleAnswer[] }>('GET', '', undefined, app.tokens[2], 2)).body).toEqual({ data: [] });
  });

  it('replaces a rule, keeping the secret sent back as "[redacted]", and deletes it (204)', async () => {
    const { body: rule } = await call<RuleAnswer>('POST', '', NEW_ERRORS);
    const { id, projectId, version, provisionedFrom, createdBy, createdAt, updatedAt, ...definition } = rule;
    expect([projectId, version, provisionedFrom, typeof createdBy, typeof createdAt, typeof updatedAt]).toEqual([1, 1, null, 'string', 'string', 'string']);
    const replaced = await call<RuleAnswer>('PUT', `/${id}`, { ...definition, actionIntervalMinutes: 60 });
    expect([replaced.status, replaced.body]).toEqual([200, expect.objectContaining({ id, version: 2, actionIntervalMinutes: 60, actions: [{ type: 'webhook', url: HOOK, secret: '[redacted]' }] })]);
    expect(await storedSecret(id)).toBe('s3cret');
    await call('PUT', `/${id}`, { ...definition, actions: [{ type: 'webhook', url: HOOK, secret: 'rotated' }] });
    expect(await storedSecret(id)).toBe('rotated');

    const deleted = await call<string>('DELETE', `/${id}`);
    expect([deleted.status, deleted.body]).toEqual([204, '']);
    expect((await call('GET', `/${id}`)).status).toBe(404);
    expect((await call('DELETE', `/${id}`)).status).toBe(404);
  });

  it('answers 400 naming the problems of an invalid rule, id or kind', async () => {
    const invalid = await call<ProblemAnswer>('POST', '', { ...CHECKOUT_P95, name: 'never stored', windowSeconds: 5, critical: { above: 500, below: 1 }, colour: 'red' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      detail: 'invalid alert rule',
      error: 'invalid alert rule',
      problems: [
        'critical must give exactly one of above and below',
        'windowSeconds must be an integer from 60 to 86400',
        expect.stringMatching(/^colour is not a field of a metric rule/),
      ],
      causes: expect.any(Array),
    });
    expect(invalid.body.causes).toEqual(invalid.body.problems);
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '', [NEW_ERRORS], 'the rule must be a JSON object'],
      ['POST', '', { ...NEW_ERRORS, actions: [{ type: 'webhook', url: HOOK, secret: '[redacted]' }] }, 'actions[0].secret is "[redacted]", which stands for a stored secret'],
      ['GET', '/abc', undefined, 'ruleId must be a positive integer, not "abc"'],
      ['PUT', '/0', NEW_ERRORS, 'ruleId must be a positive integer, not "0"'],
      ['DELETE', '/1e3', undefined, 'ruleId must be a positive integer, not "1e3"'],
      ['GET', '?kind=log', undefined, 'kind must be one of issue, metric, release'],
    ];
    for (const [method, path, body, problem] of cases) {
      const answer = await call<ProblemAnswer>(method, path, body);
      expect([method, path, answer.status, answer.body.problems]).toEqual([method, path, 400, [expect.stringContaining(problem)]]);
    }
    const { rows } = await pg.pool.query(`SELECT id FROM alert_rules WHERE name = 'never stored'`);
    expect(rows).toEqual([]);
  });

  it('answers 404 for a rule of another project and 409 for a provisioned rule', async () => {
    const { body: elsewhere } = await call<RuleAnswer>('POST', '', NEW_ERRORS, app.tokens[2], 2);
    expect((await call('GET', `/${elsewhere.id}`)).status).toBe(404);
    expect((await call('PUT', `/${elsewhere.id}`, NEW_ERRORS)).status).toBe(404);
    expect((await call('DELETE', `/${elsewhere.id}`)).status).toBe(404);
    expect((await call('GET', `/${elsewhere.id}`, undefined, app.tokens[2], 2)).status).toBe(200);

    const { rows } = await pg.pool.query<{ id: string }>(
      `INSERT INTO alert_rules (project_id, kind, name, definition, provisioned_from, created_by) VALUES (1, 'issue', 'from git', $1::jsonb, '/etc/pulse/alert-rules.yaml', 'provisioning') RETURNING id`,
      [JSON.stringify({ ...NEW_ERRORS, name: 'from git', enabled: true })],
    );
    const id = rows[0].id;
    for (const [method, body] of [['PUT', NEW_ERRORS], ['DELETE', undefined]] as const) {
      const refused = await call<{ detail: string }>(method, `/${id}`, body);
      expect([refused.status, refused.body]).toEqual([409, { detail: `alert rule ${id} is provisioned from /etc/pulse/alert-rules.yaml: change it there` }]);
    }
    expect((await call<RuleAnswer>('GET', `/${id}`)).body).toMatchObject({ name: 'from git', provisionedFrom: '/etc/pulse/alert-rules.yaml', actions: [{ secret: '[redacted]' }] });
  });

  it('refuses changes to a read-only token with 403 and lets it read', async () => {
    const { body: rule } = await call<RuleAnswer>('POST', '', CHECKOUT_P95);
    for (const [method, path, body] of [['POST', '', CHECKOUT_P95], ['PUT', `/${rule.id}`, CHECKOUT_P95], ['DELETE', `/${rule.id}`, undefined]] as const) {
      const refused = await call<{ detail: string }>(method, path, body, READ_ONLY_TOKEN.token);
      expect([method, refused.status, refused.body]).toEqual([method, 403, { detail: 'this token may not change anything (scopes: read)' }]);
    }
    expect((await call('GET', `/${rule.id}`, undefined, READ_ONLY_TOKEN.token)).status).toBe(200);
    expect((await call('GET', '', undefined, TOKEN_OF_PROJECT[2])).status).toBe(403);
  });

  it('answers 503 with Retry-After while PostgreSQL cannot be reached', async () => {
    // Port 1 (tcpmux) of the loopback: privileged, and nothing listens there, so every connect is refused.
    const down = await startQueryApp({ database: 'default', env: { DATABASE_URL: 'postgres://pulse:pulse@127.0.0.1:1/pulse' } });
    try {
      for (const [method, path, body] of [['POST', '', NEW_ERRORS], ['GET', '', undefined], ['GET', '/1', undefined], ['PUT', '/1', NEW_ERRORS], ['DELETE', '/1', undefined]] as const) {
        const answer = await request<{ detail: string }>(`${down.url}/api/v1/projects/1/alert-rules${path}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN_OF_PROJECT[1]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect([method, path, answer.status, answer.headers.get('retry-after')]).toEqual([method, path, 503, '5']);
      }
    } finally {
      await down.close();
    }
  });
});
