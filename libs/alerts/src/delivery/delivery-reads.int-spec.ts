import { freshDatabase, FreshDatabase } from '@pulse/testing';
import { listAlertDeliveries } from '../incidents/delivery-views';
import { DeliveryWorker } from './delivery-worker';
import { enqueueMetricAlert, SeededRule, seedRule } from './testing/outbox-seed';
import { PostgresTicketRegistry } from './ticket-registry';

describe('the outbox as the API lists it, and the Jira ticket memory', () => {
  let db: FreshDatabase;
  let rule: SeededRule;
  let otherRule: SeededRule;
  const seeded: { incidentId: number; keys: string[] }[] = [];

  const secretActions = [
    { type: 'webhook' as const, url: 'http://user:hunter2@127.0.0.1:9/hooks/pulse?token=abc123', secret: 'sign-me-secret' },
    { type: 'slack' as const, url: 'https://hooks.slack.com/services/T0001/B0001/slacktokensecret' },
    { type: 'jira' as const, url: 'https://acme.atlassian.net', projectKey: 'OPS', email: 'bot@acme.io', apiToken: 'jira-token-secret' },
  ];

  beforeAll(async () => {
    db = await freshDatabase('c18_reads');
    rule = await seedRule(db.pool, 'Slow checkout');
    otherRule = await seedRule(db.pool, 'Error rate');
    seeded.push(await enqueueMetricAlert(db.pool, { rule, actions: secretActions }));
    seeded.push(await enqueueMetricAlert(db.pool, { rule: otherRule, actions: [secretActions[0]] }));
    seeded.push(await enqueueMetricAlert(db.pool, { rule: await seedRule(db.pool, 'Elsewhere', 2), actions: [secretActions[0]] }));
    // One failed attempt of the first webhook row: its error quoted the URL and the secret.
    const worker = new DeliveryWorker(db.pool, {
      instanceId: 'c18-reads',
      random: () => 0.5,
      send: async (delivery) => ({ ok: false, retry: true, statusCode: 503, error: `POST ${delivery.action.url} failed; key sign-me-secret` }),
    });
    await db.pool.query(`UPDATE alert_deliveries SET next_attempt_at = next_attempt_at + interval '1 day' WHERE idempotency_key <> $1`, [seeded[0].keys[0]]);
    expect(await worker.runOnce(Date.now() + 60_000)).toBe(1);
  });
  afterAll(() => db.drop());

  const ALL = { fromMs: Date.now() - 3_600_000, toMs: Date.now() + 3_600_000 };
  const listDeliveries = (projectId: number, options: { incidentId?: number; ruleId?: number; state?: 'pending' | 'delivered' | 'failed'; limit?: number } = {}) =>
    listAlertDeliveries(db.pool, projectId, { ...ALL, ...options });

  it('shows each delivery with its key and state, newest first, never a secret', async () => {
    const views = await listDeliveries(1);
    expect(views.map((view) => view.idempotencyKey)).toEqual([...seeded[1].keys, ...[...seeded[0].keys].reverse()]);
    const text = JSON.stringify(views);
    for (const secret of ['hunter2', 'abc123', 'sign-me-secret', 'slacktokensecret', 'jira-token-secret', 'bot@acme.io']) expect(text).not.toContain(secret);

    const webhookView = views.find((view) => view.idempotencyKey === seeded[0].keys[0]);
    expect(webhookView).toMatchObject({ incidentId: seeded[0].incidentId, ruleId: rule.id, destination: 'webhook', state: 'pending', attempts: 1, lastStatusCode: 503, deliveredAt: null, externalRef: null });
    expect(webhookView?.target).toContain('127.0.0.1:9/hooks/pulse');
    expect(webhookView?.lastError).toContain('failed; key ***');
    expect(Date.parse(webhookView?.nextAttemptAt ?? '')).toBeGreaterThan(Date.now());
    expect(views.find((view) => view.destination === 'slack')?.target).toContain('hooks.slack.com');
    expect(views.find((view) => view.destination === 'jira')?.target).toContain('acme.atlassian.net');
  });

  it('filters by incidents, rule, state and limit, within the project', async () => {
    const keysOf = async (query: Parameters<typeof listDeliveries>[1]) => (await listDeliveries(1, query)).map((view) => view.idempotencyKey).sort();
    expect(await keysOf({ incidentId: seeded[0].incidentId })).toEqual([...seeded[0].keys].sort());
    expect(await keysOf({ state: 'pending' })).toEqual([...seeded[0].keys, ...seeded[1].keys].sort());
    expect(await keysOf({ incidentId: seeded[2].incidentId })).toEqual([]);
    expect(await keysOf({ ruleId: otherRule.id })).toEqual(seeded[1].keys);
    expect(await keysOf({ state: 'delivered' })).toEqual([]);
    expect(await keysOf({ limit: 2 })).toHaveLength(2);
    expect((await listDeliveries(2)).map((view) => view.idempotencyKey)).toEqual(seeded[2].keys);
  });

  it('refuses a bad limit or state', async () => {
    await expect(listDeliveries(1, { limit: 1_001 })).rejects.toThrow(/limit/);
    await expect(listDeliveries(1, { limit: 0 })).rejects.toThrow(/limit/);
    await expect(listDeliveries(1, { state: 'lost' as 'pending' })).rejects.toThrow(/state must be one of/);
  });

  it('remembers the first Jira ticket of an issue per destination', async () => {
    const tickets = new PostgresTicketRegistry(db.pool);
    const site = 'https://acme.atlassian.net|OPS';
    expect(await tickets.find(42, site)).toBeUndefined();
    await tickets.remember(42, site, 'OPS-1');
    await tickets.remember(42, site, 'OPS-2');
    await tickets.remember(42, 'https://acme.atlassian.net|WEB', 'WEB-7');
    expect(await tickets.find(42, site)).toBe('OPS-1');
    expect(await tickets.find(42, 'https://acme.atlassian.net|WEB')).toBe('WEB-7');
    expect(await tickets.find(43, site)).toBeUndefined();
    await expect(tickets.remember(44, site, '')).rejects.toThrow(RangeError);
  });
});
