import { AlertRuleKind, enqueueNotification, IncidentView, openIncident, TimelineAnnotation, updateIncident } from '@pulse/alerts';
import { seedRelease } from '@pulse/issues/testing';
import type { AlertAction, Notification } from '@pulse/notifiers';
import { withTransaction } from '@pulse/state';
import { FreshDatabase, freshDatabase, request } from '@pulse/testing';
import type { Pool } from 'pg';
import type { TableFrame } from '../grafana/grafana-frames';
import { QueryTestApp, startQueryApp } from '../testing/query-test-app';

/**
 * The alert history over HTTP on a real PostgreSQL: incidents opened with openIncident and their
 * notifications enqueued with enqueueNotification (the evaluators' write path), releases seeded:
 * the incident list with its filters and deliveries (never a secret), one incident, the
 * deliveries, a release rule's verdict, the 400s, 404s and token scoping, the Grafana annotations
 * (POST /annotations and the /query targets) and the 503 while PostgreSQL is down. ClickHouse is
 * not read by these endpoints.
 */
jest.setTimeout(60_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const at = (hoursAgo: number): number => NOW - hoursAgo * HOUR;

const SECRET = 'hmac-secret-never-shown';
const API_TOKEN = 'jira-api-token-never-shown';
const SLACK_TOKEN = 'XXslackTokenNeverShownXX';
const ACTIONS: AlertAction[] = [
  { type: 'webhook', url: 'https://hooks.example.com/pulse?token=query-token-never-shown', secret: SECRET },
  { type: 'slack', url: `https://hooks.slack.com/services/T000/B000/${SLACK_TOKEN}` },
  { type: 'jira', url: 'https://example.atlassian.net', projectKey: 'OPS', email: 'ops@example.com', apiToken: API_TOKEN },
];

async function insertRule(pool: Pool, projectId: number, kind: AlertRuleKind, name: string): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO alert_rules (project_id, kind, name, definition, created_by) VALUES ($1, $2, $3, $4::jsonb, 'test') RETURNING id`, [
    projectId,
    kind,
    name,
    JSON.stringify({ kind, name, actions: ACTIONS }),
  ]);
  return Number(rows[0].id);
}

function notification(projectId: number, rule: { id: number; name: string }, incidentId: number, atMs: number): Notification {
  return {
    kind: 'metric',
    action: 'triggered',
    status: 'critical',
    previousStatus: 'ok',
    value: 912,
    threshold: { direction: 'above', value: 800 },
    aggregate: 'p95',
    dataset: 'transactions',
    windowSeconds: 300,
    filters: {},
    projectId,
    rule,
    at: new Date(atMs).toISOString(),
    link: `http://pulse.test/api/v1/projects/${projectId}/alert-incidents/${incidentId}`,
    incidentId,
  };
}

/** Opens an incident and, like the evaluators, enqueues its notifications in the same transaction. */
async function incident(pool: Pool, input: { projectId: number; rule: { id: number; name: string }; kind: AlertRuleKind; status: string; hoursAgo: number; issueId?: number; actions?: AlertAction[]; details?: Record<string, unknown> }): Promise<number> {
  return withTransaction(pool, async (client) => {
    const startedAtMs = at(input.hoursAgo);
    const id = await openIncident(client, { projectId: input.projectId, ruleId: input.rule.id, ruleName: input.rule.name, kind: input.kind, issueId: input.issueId, status: input.status, startedAtMs, details: input.details ?? {} });
    await enqueueNotification(client, { notification: notification(input.projectId, input.rule, id, startedAtMs), actions: input.actions ?? [], keyBase: `test:${input.rule.id}:incident:${id}` });
    return id;
  });
}

describe('alert history API over HTTP', () => {
  let pg: FreshDatabase;
  let app: QueryTestApp;
  const ids: Record<string, number> = {};
  const rules: Record<string, { id: number; name: string }> = {};

  beforeAll(async () => {
    pg = await freshDatabase('f18_alert_history');
    for (const [key, projectId, kind, name] of [
      ['metric', 1, 'metric', 'checkout p95, above 800'],
      ['issue', 1, 'issue', 'new issues'],
      ['release', 1, 'release', 'canary 2.0.0'],
      ['fresh', 1, 'release', 'canary 2.1.0'],
      ['other', 2, 'release', 'blog canary'],
    ] as const) {
      rules[key] = { id: await insertRule(pg.pool, projectId, kind, name), name };
    }
    // A metric incident that fired 30 h ago and resolved 2 h ago; one still open since 3 h ago.
    ids.longMetric = await incident(pg.pool, { projectId: 1, rule: rules.metric, kind: 'metric', status: 'critical', hoursAgo: 30, actions: ACTIONS, details: { value: 912 } });
    await withTransaction(pg.pool, (client) => updateIncident(client, ids.longMetric, { status: 'resolved', resolvedAtMs: at(2) }));
    ids.openMetric = await incident(pg.pool, { projectId: 1, rule: rules.metric, kind: 'metric', status: 'warning', hoursAgo: 3, actions: ACTIONS.slice(0, 1) });
    ids.oldIssue = await incident(pg.pool, { projectId: 1, rule: rules.issue, kind: 'issue', status: 'triggered', hoursAgo: 30, issueId: 41 });
    ids.issue = await incident(pg.pool, { projectId: 1, rule: rules.issue, kind: 'issue', status: 'triggered', hoursAgo: 1, issueId: 42, actions: ACTIONS.slice(1, 2), details: { reason: 'a new issue' } });
    ids.verdict = await incident(pg.pool, { projectId: 1, rule: rules.release, kind: 'release', status: 'fail', hoursAgo: 2, details: { score: 40, reasons: ['error_rate 3x the baseline'] } });
    ids.otherProject = await incident(pg.pool, { projectId: 2, rule: rules.other, kind: 'release', status: 'pass', hoursAgo: 1, actions: ACTIONS.slice(0, 1) });
    await pg.pool.query(`UPDATE alert_deliveries SET state = 'delivered', attempts = 1, delivered_at = now(), last_status_code = 200 WHERE incident_id = $1 AND destination = 'webhook'`, [ids.longMetric]);
    await pg.pool.query(
      `INSERT INTO alert_rule_state (rule_id, status, last_result, last_evaluated_at) VALUES ($1, 'fail', $2::jsonb, to_timestamp($3 / 1000.0))`,
      [rules.release.id, JSON.stringify({ verdict: 'fail', score: 40, tests: [{ metric: 'error_rate', result: 'fail' }] }), at(2)],
    );
    await seedRelease(pg.pool, 1, '2.0.0', at(5));
    await seedRelease(pg.pool, 1, '1.9.0', at(40));
    await seedRelease(pg.pool, 2, 'blog-1', at(5));
    app = await startQueryApp({ database: 'default', env: { DATABASE_URL: pg.url, QUERY_MAX_RANGE_DAYS: 7 } });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await pg?.drop();
  });

  const get = <T>(path: string, token: string = app.tokens[1], projectId = 1) =>
    request<T>(`${app.url}/api/v1/projects/${projectId}/${path}`, { headers: { authorization: `Bearer ${token}` } });
  const grafana = <T>(path: string, body: unknown, token: string = app.tokens[1]) =>
    request<T>(`${app.url}/api/v1/projects/1/grafana/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const range = (fromHoursAgo: number, toHoursAgo = 0) => `from=${at(fromHoursAgo)}&to=${at(toHoursAgo)}`;

  it('lists the incidents active in the last 24 hours, newest first, each with its deliveries and no secret', async () => {
    const answer = await get<{ data: IncidentView[] }>('alert-incidents');
    expect(answer.status).toBe(200);
    // The old issue alert (30 h ago) is outside; the metric incident that fired 30 h ago was active until 2 h ago.
    expect(answer.body.data.map((i) => i.id)).toEqual([ids.issue, ids.verdict, ids.openMetric, ids.longMetric]);
    const long = answer.body.data[3];
    expect(long).toMatchObject({ ruleId: rules.metric.id, ruleName: rules.metric.name, kind: 'metric', status: 'resolved', issueId: null, startedAt: new Date(at(30)).toISOString(), resolvedAt: new Date(at(2)).toISOString(), details: { value: 912 } });
    expect(long.deliveries.map((d) => [d.destination, d.state, d.target])).toEqual([
      ['webhook', 'delivered', 'https://hooks.example.com/pulse?token=***'],
      ['slack', 'pending', 'https://hooks.slack.com/services/T000/B000/***'],
      ['jira', 'pending', 'https://example.atlassian.net/'],
    ]);
    expect(long.deliveries[0]).toMatchObject({ incidentId: ids.longMetric, ruleId: rules.metric.id, attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
    expect(answer.body.data[0]).toMatchObject({ kind: 'issue', issueId: 42, deliveries: [expect.objectContaining({ destination: 'slack' })] });
    expect(answer.body.data[1].deliveries).toEqual([]);
    const text = JSON.stringify(answer.body);
    for (const secret of [SECRET, API_TOKEN, SLACK_TOKEN, 'query-token-never-shown', 'ops@example.com']) expect(text).not.toContain(secret);
  });

  it('filters by rule, kind and status, bounds by limit, and reads an explicit range', async () => {
    const ofRule = await get<{ data: IncidentView[] }>(`alert-incidents?rule=${rules.metric.id}`);
    expect(ofRule.body.data.map((i) => i.id)).toEqual([ids.openMetric, ids.longMetric]);
    expect((await get<{ data: IncidentView[] }>('alert-incidents?kind=release')).body.data.map((i) => i.id)).toEqual([ids.verdict]);
    expect((await get<{ data: IncidentView[] }>('alert-incidents?status=warning')).body.data.map((i) => i.id)).toEqual([ids.openMetric]);
    expect((await get<{ data: IncidentView[] }>('alert-incidents?limit=1')).body.data.map((i) => i.id)).toEqual([ids.issue]);
    // 48 h ago … 25 h ago: the old issue alert and the long metric incident, not those of the last day.
    expect((await get<{ data: IncidentView[] }>(`alert-incidents?${range(48, 25)}`)).body.data.map((i) => i.id)).toEqual([ids.oldIssue, ids.longMetric]);
    // Only the open metric incident is active in the last minute before now.
    expect((await get<{ data: IncidentView[] }>(`alert-incidents?from=${NOW - MINUTE}&to=${NOW}&kind=metric`)).body.data.map((i) => i.id)).toEqual([ids.openMetric]);
  });

  it('answers one incident, and 404 for another project’s or an unknown one', async () => {
    const one = await get<IncidentView>(`alert-incidents/${ids.issue}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids.issue, kind: 'issue', details: { reason: 'a new issue' }, deliveries: [expect.objectContaining({ target: 'https://hooks.slack.com/services/T000/B000/***' })] });
    expect((await get<{ detail: string }>(`alert-incidents/${ids.otherProject}`)).status).toBe(404);
    expect(await get(`alert-incidents/999999`)).toMatchObject({ status: 404, body: { detail: 'project 1 has no alert incident 999999' } });
    expect((await get(`alert-incidents/${ids.otherProject}`, app.tokens[2], 2)).status).toBe(200);
  });

  it('lists deliveries by state, rule and incident', async () => {
    const all = await get<{ data: Array<{ id: number; state: string; incidentId: number }> }>('alert-deliveries?from=' + at(48));
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(5);
    expect((await get<{ data: Array<{ incidentId: number }> }>('alert-deliveries?state=delivered&from=' + at(48))).body.data.map((d) => d.incidentId)).toEqual([ids.longMetric]);
    expect((await get<{ data: Array<{ incidentId: number }> }>(`alert-deliveries?incident=${ids.openMetric}`)).body.data.map((d) => d.incidentId)).toEqual([ids.openMetric]);
    expect((await get<{ data: unknown[] }>(`alert-deliveries?rule=${rules.issue.id}`)).body.data).toHaveLength(1);
    expect(JSON.stringify(all.body)).not.toContain(SECRET);
  });

  it('answers a release rule’s last verdict, null before its first evaluation, 404 for others', async () => {
    const verdict = await get(`alert-rules/${rules.release.id}/verdict`);
    expect(verdict).toMatchObject({
      status: 200,
      body: { ruleId: rules.release.id, ruleName: 'canary 2.0.0', status: 'fail', evaluatedAt: new Date(at(2)).toISOString(), verdict: { verdict: 'fail', score: 40, tests: [{ metric: 'error_rate', result: 'fail' }] } },
    });
    expect(await get(`alert-rules/${rules.fresh.id}/verdict`)).toMatchObject({ status: 200, body: { ruleId: rules.fresh.id, status: null, evaluatedAt: null, verdict: null } });
    expect(await get(`alert-rules/${rules.metric.id}/verdict`)).toMatchObject({ status: 404, body: { detail: `alert rule ${rules.metric.id} is a metric rule; only release rules have a verdict` } });
    expect((await get(`alert-rules/${rules.other.id}/verdict`)).status).toBe(404);
    expect((await get(`alert-rules/999999/verdict`)).status).toBe(404);
  });

  it.each([
    [`alert-incidents?from=${at(1)}&to=${at(2)}`, 'to must be after from'],
    [`alert-incidents?${range(24 * 8)}`, 'the time range may span at most 7 days'],
    ['alert-incidents?kind=page', 'kind="page" must be one of issue, metric, release'],
    ['alert-incidents?status=open', 'status must be one of triggered, warning, critical, resolved, pass, marginal, fail'],
    ['alert-incidents?limit=1001', 'limit="1001" must be an integer from 1 to 1000'],
    ['alert-incidents?rule=abc', 'rule="abc" must be a positive integer id'],
    ['alert-deliveries?state=sent', 'state="sent" must be one of pending, delivered, failed'],
    ['alert-incidents/x1', 'id="x1" must be a positive integer id'],
  ])('answers 400 for %s', async (path, detail) => {
    expect(await get(path)).toMatchObject({ status: 400, body: { detail } });
  });

  it.each(['alert-incidents', 'alert-deliveries', 'alert-rules/1/verdict', 'alert-incidents/1'])('scopes %s to the token’s projects', async (path) => {
    expect((await request(`${app.url}/api/v1/projects/1/${path}`)).status).toBe(401);
    expect((await get(path, app.tokens[2])).status).toBe(403);
  });

  it('answers Grafana’s POST /annotations with incidents and deploys of the range, as its query names them', async () => {
    const body = (query: string) => ({ range: { from: new Date(at(24)).toISOString(), to: new Date(NOW).toISOString() }, annotation: { name: 'Pulse', query, enable: true } });
    const alerts = await grafana<Array<TimelineAnnotation & { annotation: unknown }>>('annotations', body('alerts'));
    expect(alerts.status).toBe(200);
    expect(alerts.body.map((a) => [a.time, a.timeEnd, a.isRegion, a.title])).toEqual([
      [at(30), at(2), true, `Metric alert: ${rules.metric.name}`],
      [at(3), NOW, true, `Metric alert: ${rules.metric.name}`],
      [at(2), undefined, false, 'Release verdict: canary 2.0.0'],
      [at(1), undefined, false, 'Issue alert: new issues'],
    ]);
    expect(alerts.body[2]).toMatchObject({ text: 'verdict fail\nscore 40\nerror_rate 3x the baseline', tags: ['alert', 'release', 'fail', 'canary 2.0.0'], annotation: { name: 'Pulse', query: 'alerts' } });
    expect(alerts.body[3].text).toBe('triggered for issue 42\na new issue');
    const releases = await grafana<TimelineAnnotation[]>('annotations', body('releases'));
    expect(releases.body).toEqual([expect.objectContaining({ time: at(5), isRegion: false, title: 'Release 2.0.0', tags: ['release'] })]);
    expect((await grafana<TimelineAnnotation[]>('annotations', body(''))).body.map((a) => a.title)).toEqual([
      `Metric alert: ${rules.metric.name}`,
      'Release 2.0.0',
      `Metric alert: ${rules.metric.name}`,
      'Release verdict: canary 2.0.0',
      'Issue alert: new issues',
    ]);
    expect(await grafana('annotations', body('deploys'))).toMatchObject({ status: 400, body: { detail: 'unknown annotation query "deploys"; valid: alerts, releases, or both separated by a comma' } });
    expect((await grafana('annotations', body('alerts'), app.tokens[2])).status).toBe(403);
  });

  it('answers the annotation targets of POST /query as tables with Grafana’s annotation fields', async () => {
    const query = (target: string, filters: unknown[] = []) => ({
      range: { from: new Date(at(24)).toISOString(), to: new Date(NOW).toISOString() },
      targets: [{ refId: 'Anno', target }],
      filters,
    });
    const answer = await grafana<TableFrame[]>('query', query('annotations'));
    expect(answer.status).toBe(200);
    const [frame] = answer.body;
    expect(frame.refId).toBe('Anno');
    expect(frame.columns.map((c) => `${c.text}:${c.type}`)).toEqual(['time:time', 'timeEnd:time', 'title:string', 'text:string', 'tags:string']);
    expect(frame.rows.map((row) => [row[0], row[1], row[4]])).toEqual([
      [at(30), at(2), 'alert,metric,resolved,checkout p95  above 800'],
      [at(5), null, 'release'],
      [at(3), NOW, 'alert,metric,warning,checkout p95  above 800'],
      [at(2), null, 'alert,release,fail,canary 2.0.0'],
      [at(1), null, 'alert,issue,triggered,new issues'],
    ]);
    expect((await grafana<TableFrame[]>('query', query('annotations.releases'))).body[0].rows.map((row) => row[2])).toEqual(['Release 2.0.0']);
    expect((await grafana<TableFrame[]>('query', query('annotations.alerts'))).body[0].rows).toHaveLength(4);
    expect(await grafana('query', query('annotations', [{ key: 'environment', operator: '=', value: 'production' }]))).toMatchObject({
      status: 400,
      body: { detail: 'Anno (annotations): annotations cannot be filtered (by environment): annotations are per project' },
    });
  });
});

describe('alert history API with PostgreSQL unreachable', () => {
  let app: QueryTestApp;

  beforeAll(async () => {
    // Port 1 of the loopback: nothing listens there, every connect is refused.
    app = await startQueryApp({ database: 'default', env: { DATABASE_URL: 'postgres://pulse:pulse@127.0.0.1:1/pulse' } });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it.each(['alert-incidents', 'alert-incidents/1', 'alert-deliveries', 'alert-rules/1/verdict'])('answers %s with 503 and Retry-After', async (path) => {
    const answer = await request(`${app.url}/api/v1/projects/1/${path}`, { headers: { authorization: `Bearer ${app.tokens[1]}` } });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
  });
});
