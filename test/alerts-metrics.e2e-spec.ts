import { waitUntil } from '@pulse/local-infra';
import { startWebhookReceiver, WebhookReceiver } from '@pulse/notifiers/testing';
import type { PulseClient } from '@pulse/testing';
import { incidentsOf, pulseClientOf } from './support/alerts-e2e';
import { E2EStack } from './support/e2e-stack';
import { checkoutP95Rule } from '@pulse/alerts/testing';

/**
 * Metric and release rules through the whole stack, with TWO alerts instances sharing the rule
 * shards: transactions sent to ingest reach ClickHouse, the scheduler of whichever instance owns a
 * rule evaluates it, and the webhook receives each notification once (checked by Idempotency-Key
 * over every request either instance sent). The release rules judge windows that lie wholly in the
 * past (transactions are sent with past timestamps), so their verdict comes at the first evaluation.
 */
jest.setTimeout(300_000);

interface MetricAlertBody {
  action: string;
  data: { status: string; value: number | null; rule: { id: string; name: string } };
}
interface ReleaseAlertBody {
  action: string;
  data: { verdict: string; score: number; canary: string; baseline: string; reasons: string[]; rule: { id: string } };
}

const MINUTE = 60_000;

describe('metric and release alerts end to end', () => {
  const stack = new E2EStack([{ id: 7 }]);
  let client: PulseClient;
  let webhook: WebhookReceiver;
  const P = 7;
  const env = { ALERTS_TICK_MS: '500', ALERTS_DELIVERY_POLL_MS: '100', ALERTS_LEASE_MS: '3000' };

  beforeAll(async () => {
    webhook = await startWebhookReceiver({ secret: 'm3tric' });
    await stack.start(env, ['consumer', 'ingest', 'query', 'alerts']);
    await stack.startApp('alerts-2', 'alerts', env);
    client = pulseClientOf(stack);
  });
  afterAll(async () => {
    await stack.stop();
    await webhook?.stop();
  });
  afterEach(() => {
    expect(webhook.invalid.map((request) => request.reason)).toEqual([]);
    const keys = webhook.received.map((request) => request.idempotencyKey);
    expect(keys.length).toBe(new Set(keys).size);
  });

  const metricAlerts = (ruleId: number): MetricAlertBody[] => (webhook.bodies('metric_alert') as unknown as MetricAlertBody[]).filter((body) => body.data.rule.id === String(ruleId));

  it('a p95 rule fires when slow transactions arrive, then resolves when they leave its window', async () => {
    const ruleId = await client.createRule(P, checkoutP95Rule({ url: `${webhook.url}/hook`, secret: 'm3tric' }));
    // Slow ones 40 s old leave the 60 s window 20 s from now; fast ones now keep the rule's data current.
    const now = Date.now();
    await client.sendTransactions(P, Array.from({ length: 20 }, (_, i) => ({ name: 'GET /checkout', durationMs: 800 + i, endMs: now - 40_000 })));
    await client.sendTransactions(P, Array.from({ length: 10 }, (_, i) => ({ name: 'GET /other', durationMs: 900 + i, endMs: now })));
    await waitUntil('the critical notification', async () => metricAlerts(ruleId).length >= 1, { timeoutMs: 60_000, intervalMs: 200 });
    const [fired] = metricAlerts(ruleId);
    expect(fired).toMatchObject({ action: 'triggered', data: { status: 'critical', rule: { id: String(ruleId), name: 'checkout p95' } } });
    expect(fired.data.value).toBeGreaterThan(500);

    await client.sendTransactions(P, Array.from({ length: 20 }, (_, i) => ({ name: 'GET /checkout', durationMs: 100 + i, endMs: Date.now() })));
    await waitUntil('the resolved notification', async () => metricAlerts(ruleId).length >= 2, { timeoutMs: 90_000, intervalMs: 200 });
    const resolved = metricAlerts(ruleId)[1];
    expect(resolved).toMatchObject({ action: 'resolved', data: { status: 'resolved' } });
    expect(resolved.data.value).toBeLessThan(300);
    expect(metricAlerts(ruleId)).toHaveLength(2);

    const [incident] = await incidentsOf(client, P, `rule=${ruleId}`);
    expect(incident).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    expect(incident.deliveries.map((delivery) => delivery.state)).toEqual(['delivered', 'delivered']);
  });

  it('judges a canary: one with slower, failing transactions fails, one like its baseline passes', async () => {
    const start = Math.floor(Date.now() / MINUTE) * MINUTE - 12 * MINUTE;
    const minutes = Array.from({ length: 10 }, (_, i) => start + i * MINUTE + 30_000);
    const traffic = (release: string, slow: number, failEvery: number) =>
      minutes.flatMap((minute, m) =>
        Array.from({ length: 12 }, (_, i) => ({
          name: 'GET /checkout',
          release,
          endMs: minute + i * 1000,
          durationMs: Math.round((100 + ((i * 37 + m * 11) % 60)) * slow),
          status: i % failEvery === 0 ? 'internal_error' : 'ok',
        })),
      );
    await client.sendTransactions(P, [...traffic('shop@1.0.0', 1, 12), ...traffic('shop@2.0.0', 3, 3), ...traffic('shop@3.0.0', 1, 12)]);
    // Wait for the data, so the first evaluation judges complete minutes.
    await waitUntil('the canary traffic in ClickHouse', async () => {
      const rows = await client.get<Array<{ release: string; transactions: number }>>(P, `releases?from=${start}&to=${start + 10 * MINUTE}`);
      return ['shop@1.0.0', 'shop@2.0.0', 'shop@3.0.0'].every((release) => rows.find((row) => row.release === release)?.transactions === 120);
    }, { timeoutMs: 60_000, intervalMs: 500 });

    const rule = (canary: string) => ({
      name: `canary ${canary}`,
      kind: 'release',
      canary,
      baseline: 'shop@1.0.0',
      environment: 'production',
      startAt: new Date(start).toISOString(),
      windowMinutes: 10,
      actions: [{ type: 'webhook', url: `${webhook.url}/hook`, secret: 'm3tric' }],
    });
    const failing = await client.createRule(P, rule('shop@2.0.0'));
    const passing = await client.createRule(P, rule('shop@3.0.0'));
    const verdictOf = (ruleId: number) => (webhook.bodies('release_alert') as unknown as ReleaseAlertBody[]).filter((body) => body.data.rule.id === String(ruleId));
    await waitUntil('both verdicts', async () => verdictOf(failing).length === 1 && verdictOf(passing).length === 1, { timeoutMs: 60_000, intervalMs: 200 });
    expect(verdictOf(failing)[0].data).toMatchObject({ verdict: 'fail', canary: 'shop@2.0.0', baseline: 'shop@1.0.0' });
    expect(verdictOf(failing)[0].data.reasons.length).toBeGreaterThan(0);
    expect(verdictOf(passing)[0].data).toMatchObject({ verdict: 'pass', canary: 'shop@3.0.0' });
    expect(verdictOf(passing)[0].data.score).toBeGreaterThanOrEqual(75);

    const evidence = await client.get<{ verdict: { verdict: string; metrics?: unknown } | null }>(P, `alert-rules/${failing}/verdict`);
    expect(evidence.verdict).toMatchObject({ verdict: 'fail' });
  });
});
