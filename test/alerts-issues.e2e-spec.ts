import { waitUntil } from '@pulse/local-infra';
import { startJiraReceiver, startSlackReceiver, startWebhookReceiver, JiraReceiver, SlackReceiver, WebhookReceiver } from '@pulse/notifiers/testing';
import type { PulseClient } from '@pulse/testing';
import { incidentsOf, pulseClientOf } from './support/alerts-e2e';
import { E2EStack } from './support/e2e-stack';

/**
 * Issue alerts through the whole stack: SDK envelopes → ingest → Kafka → consumer (ClickHouse, the
 * issue processor) → the alerts app (its own consumer group on the errors topic) → the outbox →
 * real local HTTP servers standing in for a webhook, Slack and Jira, each checking the requests
 * against the service's documented format. A negative ("nothing more was sent") is judged after a
 * marker: an error of another group sent later to the same project (so the same partition, in
 * order) whose own alert proves the earlier events were evaluated.
 */
jest.setTimeout(300_000);

interface EventAlertBody {
  action: string;
  data: { issue: { id: string; title: string; culprit: string }; event: { event_id: string }; triggered_rule: string; issue_alert: { trigger: string } };
}

describe('issue alerts end to end', () => {
  const stack = new E2EStack([{ id: 7 }]);
  let client: PulseClient;
  let webhook: WebhookReceiver;
  let slack: SlackReceiver;
  let jira: JiraReceiver;
  const P = 7;

  const alerts = (trigger?: string): EventAlertBody[] =>
    (webhook.bodies('event_alert') as unknown as EventAlertBody[]).filter((body) => trigger === undefined || body.data.issue_alert.trigger === trigger);
  const alertFor = async (eventId: string, trigger: string): Promise<EventAlertBody> => {
    let found: EventAlertBody | undefined;
    await waitUntil(`a ${trigger} alert for event ${eventId}`, async () => {
      found = alerts(trigger).find((body) => body.data.event.event_id === eventId);
      return found !== undefined;
    }, { timeoutMs: 60_000, intervalMs: 100 });
    return found as EventAlertBody;
  };
  /** A new error group in production: its new-issue alert is the marker that everything sent before it was evaluated. */
  let markers = 0;
  const marker = async (): Promise<void> => {
    markers += 1;
    await alertFor((await client.sendError(P, `Marker${markers}`)).eventId, 'new_issue');
  };

  beforeAll(async () => {
    [webhook, slack, jira] = await Promise.all([startWebhookReceiver({ secret: 's3cret' }), startSlackReceiver(), startJiraReceiver()]);
    await stack.start({ ALERTS_TICK_MS: '500', ALERTS_DELIVERY_POLL_MS: '100', ALERTS_CONSUMER_MAX_WAIT_MS: '100' }, ['consumer', 'ingest', 'query', 'alerts']);
    client = pulseClientOf(stack);
    const hook = { type: 'webhook', url: `${webhook.url}/hook`, secret: 's3cret' };
    const jiraAction = { type: 'jira', url: jira.url, projectKey: 'OPS', email: 'pulse@example.com', apiToken: 'pulse-api-token' };
    await client.createRule(P, { name: 'new errors', kind: 'issue', trigger: { type: 'new_issue' }, filters: { environment: 'production' }, actionIntervalMinutes: 30, actions: [hook, { type: 'slack', url: `${slack.url}/services/T0/B0/x` }, jiraAction] });
    await client.createRule(P, { name: 'regressions', kind: 'issue', trigger: { type: 'regression' }, actions: [hook, jiraAction] });
    await client.createRule(P, { name: 'noisy', kind: 'issue', trigger: { type: 'event_frequency', count: 3, windowSeconds: 60 }, filters: { environment: 'production' }, actions: [hook] });
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([webhook?.stop(), slack?.stop(), jira?.stop()]);
  });
  afterEach(() => {
    // Every request the stand-ins refused (a bad signature, a malformed Block Kit message, a bad Jira field) fails the test that caused it.
    expect([...webhook.invalid, ...slack.invalid, ...jira.invalid].map((request) => request.reason)).toEqual([]);
  });

  it('a new issue reaches the webhook (signed), Slack and Jira once; a second event, a re-send and another environment do not', async () => {
    const { eventId: first } = await client.sendError(P, 'Checkout');
    const alert = await alertFor(first, 'new_issue');
    expect(alert.action).toBe('triggered');
    expect(alert.data.triggered_rule).toBe('new errors');
    expect(alert.data.issue).toMatchObject({ title: expect.stringContaining('CheckoutError'), culprit: expect.stringContaining('app.checkout') });
    await waitUntil('the Slack message and the Jira ticket', async () => slack.received.length >= 1 && jira.tickets().length >= 1, { timeoutMs: 30_000, intervalMs: 100 });

    await client.sendError(P, 'Checkout');
    await client.sendError(P, 'Checkout', { environment: 'staging' });
    await client.sendError(P, 'Search', { environment: 'staging' });
    await marker();
    expect(alerts('new_issue').map((body) => body.data.issue.title)).toEqual([expect.stringContaining('CheckoutError'), expect.stringContaining('Marker1Error')]);
    expect(jira.tickets().filter((ticket) => ticket.labels.includes(`pulse-issue-${alert.data.issue.id}`))).toHaveLength(1);

    const incidents = await incidentsOf(client, P);
    const incident = incidents.find((candidate) => candidate.issueId === Number(alert.data.issue.id) && candidate.kind === 'issue');
    expect(incident?.deliveries.map((delivery) => [delivery.destination, delivery.state]).sort()).toEqual([
      ['jira', 'delivered'],
      ['slack', 'delivered'],
      ['webhook', 'delivered'],
    ]);
  });

  it('a resolved issue that comes back is a regression alert, and Jira gets a comment on its ticket, not a second ticket', async () => {
    const { eventId: first } = await client.sendError(P, 'Payment');
    const created = await alertFor(first, 'new_issue');
    const issueId = created.data.issue.id;
    await client.put(P, `issues/${issueId}`, { status: 'resolved' });
    const { eventId: again } = await client.sendError(P, 'Payment', { release: 'shop@1.0.1' });
    const regression = await alertFor(again, 'regression');
    expect(regression.data.issue.id).toBe(issueId);
    await waitUntil('the Jira comment', async () => jira.tickets().some((ticket) => ticket.labels.includes(`pulse-issue-${issueId}`) && ticket.comments.length === 1), { timeoutMs: 30_000, intervalMs: 100 });
    expect(jira.tickets().filter((ticket) => ticket.labels.includes(`pulse-issue-${issueId}`))).toHaveLength(1);
  });

  it('an issue with more than 3 events in a minute alerts once, then waits out its action interval', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await client.sendError(P, 'Inventory', { user: `u${i}` })).eventId);
    await marker();
    const frequency = alerts('event_frequency').filter((body) => body.data.issue.title.includes('InventoryError'));
    expect(frequency).toHaveLength(1);
    // The fourth event is the first past the count, unless the consumer saw several in one batch.
    expect(ids.slice(3)).toContain(frequency[0].data.event.event_id);
  });

  it('a webhook that is down for a while receives each notification once when it is back', async () => {
    webhook.setDown(503);
    const attemptsBefore = webhook.attempts();
    const { eventId } = await client.sendError(P, 'Shipping');
    await waitUntil('two failed attempts', async () => webhook.attempts() >= attemptsBefore + 2, { timeoutMs: 30_000, intervalMs: 100 });
    const [incident] = (await incidentsOf(client, P)).filter((candidate) => (candidate.details as { eventId?: string }).eventId === eventId);
    const pending = incident.deliveries.find((delivery) => delivery.destination === 'webhook');
    expect(pending).toMatchObject({ state: 'pending', lastStatusCode: 503 });
    expect(Number(pending?.attempts)).toBeGreaterThanOrEqual(2);
    webhook.setUp();
    await alertFor(eventId, 'new_issue');
    await marker();
    const keys = webhook.received.map((request) => request.idempotencyKey);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('a restart of the alerts app mid-delivery: the receiver that drops repeats by Idempotency-Key gets each notification once, and nothing delivered before is sent again', async () => {
    const deliveredBefore = new Map(webhook.received.map((request) => [request.idempotencyKey, 1]));
    webhook.setDown('accept-no-answer');
    const { eventId } = await client.sendError(P, 'Refund');
    await waitUntil('the webhook holding the request', async () => webhook.received.some((request) => (request.body as EventAlertBody).data.event.event_id === eventId), { timeoutMs: 60_000, intervalMs: 100 });
    await stack.app('alerts').kill();
    webhook.setUp();
    await stack.startApp('alerts-restarted', 'alerts', { ALERTS_TICK_MS: '500', ALERTS_DELIVERY_POLL_MS: '100', ALERTS_CONSUMER_MAX_WAIT_MS: '100' });
    // The claim of the killed instance runs out (its lease), and the new one sends the same key again.
    await waitUntil('the notification sent again after the restart', async () => webhook.received.filter((request) => (request.body as EventAlertBody).data.event.event_id === eventId).length === 2, { timeoutMs: 90_000, intervalMs: 200 });
    const repeats = webhook.received.filter((request) => (request.body as EventAlertBody).data.event.event_id === eventId);
    expect(new Set(repeats.map((request) => request.idempotencyKey)).size).toBe(1);
    await marker();
    const counts = new Map<string | undefined, number>();
    for (const request of webhook.received) counts.set(request.idempotencyKey, (counts.get(request.idempotencyKey) ?? 0) + 1);
    for (const key of deliveredBefore.keys()) expect([key, counts.get(key)]).toEqual([key, 1]);
  });
});
