import { jiraDestination } from './jira.destination';
import { sendDelivery } from './destinations';
import type { JiraAction } from './destination';
import { deliveryOf, InMemoryTicketRegistry, issueNotification, metricNotification, startJiraReceiver, type JiraReceiver } from './testing';

describe('Jira destination against a Jira Cloud receiver', () => {
  let jira: JiraReceiver;
  let tickets: InMemoryTicketRegistry;

  beforeEach(async () => {
    jira = await startJiraReceiver();
    tickets = new InMemoryTicketRegistry();
  });
  afterEach(async () => {
    await jira.stop();
  });

  const action = (overrides: Partial<JiraAction> = {}): JiraAction => ({ type: 'jira', url: `${jira.url}/`, projectKey: 'OPS', email: jira.email, apiToken: jira.apiToken, ...overrides });

  it('searches, then creates one ticket for a new issue and remembers it', async () => {
    const result = await sendDelivery(deliveryOf(issueNotification(), action(), { tickets }));
    expect(result).toEqual({ ok: true, statusCode: 201, externalRef: 'OPS-1' });
    expect(jira.invalid).toEqual([]);
    expect(jira.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET /rest/api/3/search/jql?jql=${encodeURIComponent('project = OPS AND labels = "pulse-issue-42"')}&fields=key&maxResults=1`,
      'POST /rest/api/3/issue',
    ]);
    const [ticket] = jira.tickets();
    expect(ticket).toMatchObject({ key: 'OPS-1', issueType: 'Bug', labels: ['pulse', 'pulse-issue-42'], summary: "[CHECKOUT-1A] TypeError: Cannot read properties of undefined (reading 'id')" });
    expect(ticket.description).toMatchObject({ type: 'doc', version: 1 });
    expect(await tickets.find(42, `${jira.url}|OPS`)).toBe('OPS-1');
  });

  it('comments on the remembered ticket when the issue alerts again (a regression)', async () => {
    await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets }));
    const regression = await jiraDestination.send(deliveryOf(issueNotification({ trigger: 'regression', reason: 'back in web@1.5.0', incidentId: 101 }), action(), { tickets }));
    expect(regression).toEqual({ ok: true, statusCode: 201, externalRef: 'OPS-1' });
    expect(jira.tickets()).toHaveLength(1);
    expect(JSON.stringify(jira.tickets()[0].comments[0].body)).toContain('Alert again (regression): back in web@1.5.0');
  });

  it('never files a second ticket for an issue when remember was lost', async () => {
    await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets }));
    tickets.forgetAll(); // the sender died between create and remember
    const retried = await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets }));
    expect(retried).toEqual({ ok: true, statusCode: 200, externalRef: 'OPS-1' });
    expect(jira.tickets()).toHaveLength(1);
    expect(jira.tickets()[0].comments).toEqual([]); // the same new_issue notification: nothing to add
    expect(await tickets.find(42, `${jira.url}|OPS`)).toBe('OPS-1');

    tickets.forgetAll();
    const regression = await jiraDestination.send(deliveryOf(issueNotification({ trigger: 'regression' }), action(), { tickets }));
    expect(regression).toEqual({ ok: true, statusCode: 201, externalRef: 'OPS-1' });
    expect(jira.tickets()).toHaveLength(1);
    expect(jira.tickets()[0].comments).toHaveLength(1);
  });

  it('files a new ticket when the remembered one was deleted in Jira, and comments there afterwards', async () => {
    await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets }));
    jira.deleteTicket('OPS-1');
    const refiled = await jiraDestination.send(deliveryOf(issueNotification({ trigger: 'regression' }), action(), { tickets }));
    expect(refiled).toEqual({ ok: true, statusCode: 201, externalRef: 'OPS-2' });
    const again = await jiraDestination.send(deliveryOf(issueNotification({ trigger: 'escalating' }), action(), { tickets }));
    expect(again).toEqual({ ok: true, statusCode: 201, externalRef: 'OPS-2' });
    expect(jira.tickets().map((ticket) => [ticket.key, ticket.comments.length])).toEqual([['OPS-2', 1]]);
  });

  it('files one ticket per Jira project for the same issue', async () => {
    const other = await startJiraReceiver({ projects: ['OPS', 'WEB'] });
    try {
      await jiraDestination.send(deliveryOf(issueNotification(), { ...action(), url: other.url }, { tickets }));
      const second = await jiraDestination.send(deliveryOf(issueNotification(), { ...action(), url: other.url, projectKey: 'WEB', issueType: 'Task' }, { tickets }));
      expect(second).toEqual({ ok: true, statusCode: 201, externalRef: 'WEB-1' });
      expect(other.tickets().map((ticket) => [ticket.key, ticket.issueType])).toEqual([['OPS-1', 'Bug'], ['WEB-1', 'Task']]);
    } finally {
      await other.stop();
    }
  });

  it('files one ticket per metric incident and comments when it resolves', async () => {
    await jiraDestination.send(deliveryOf(metricNotification(), action(), { tickets }));
    const resolved = await jiraDestination.send(deliveryOf(metricNotification({ action: 'resolved', status: 'resolved', value: 120 }), action(), { tickets }));
    expect(resolved).toEqual({ ok: true, statusCode: 201, externalRef: 'OPS-1' });
    expect(jira.ticketsWithLabel('pulse-incident-200')).toHaveLength(1);
    expect(JSON.stringify(jira.tickets()[0].comments[0].body)).toContain('Resolved: p95(transaction.duration) = 120');
    // An issue id equal to the incident id must not find the incident's ticket.
    expect(await tickets.find(200, `${jira.url}|OPS`)).toBeUndefined();
    expect(await tickets.find(200, `${jira.url}|OPS|incident`)).toBe('OPS-1');
  });

  it('gives up on bad credentials, an unknown project or issue type; retries a Jira outage', async () => {
    expect(await jiraDestination.send(deliveryOf(issueNotification(), action({ apiToken: 'wrong' }), { tickets }))).toMatchObject({ ok: false, retry: false, statusCode: 401 });
    expect(await jiraDestination.send(deliveryOf(issueNotification(), action({ projectKey: 'NOPE' }), { tickets }))).toMatchObject({ ok: false, retry: false, statusCode: 400 });
    expect(await jiraDestination.send(deliveryOf(issueNotification(), action({ issueType: 'Epic' }), { tickets }))).toMatchObject({ ok: false, retry: false, statusCode: 400 });
    jira.setDown(503, { retryAfterSeconds: 10 });
    expect(await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets }))).toMatchObject({ ok: false, retry: true, statusCode: 503, retryAfterMs: 10_000 });
    jira.setDown('hang');
    expect(await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets, timeoutMs: 200 }))).toEqual({ ok: false, retry: true, error: 'timed out after 200 ms' });
    jira.setUp();
    expect(jira.tickets()).toEqual([]);
    expect(await tickets.find(42, `${jira.url}|OPS`)).toBeUndefined();
  });

  it('retries, and files no second ticket, when the registry fails to remember', async () => {
    const failing = new InMemoryTicketRegistry();
    failing.remember = async () => {
      throw new Error('connection terminated');
    };
    expect(await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets: failing }))).toEqual({ ok: false, retry: true, error: 'ticket OPS-1 filed but not remembered: connection terminated' });
    expect(await jiraDestination.send(deliveryOf(issueNotification(), action(), { tickets }))).toEqual({ ok: true, statusCode: 200, externalRef: 'OPS-1' });
    expect(jira.tickets()).toHaveLength(1);
  });

  it('answers the removed search endpoint with 410, as Jira Cloud does', async () => {
    const auth = `Basic ${Buffer.from(`${jira.email}:${jira.apiToken}`).toString('base64')}`;
    const response = await fetch(`${jira.url}/rest/api/3/search?jql=project%20%3D%20OPS`, { headers: { Authorization: auth } });
    expect(response.status).toBe(410);
  });
});
