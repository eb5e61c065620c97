import { createHmac } from 'node:crypto';
import { webhookDestination } from './webhook.destination';
import { sendDelivery } from './destinations';
import { deliveryOf, issueNotification, metricNotification, releaseNotification, startWebhookReceiver, type WebhookReceiver } from './testing';

describe('webhook destination against a Sentry-style receiver', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver({ secret: 'hook-secret' });
  });
  afterEach(async () => {
    await receiver.stop();
  });

  const action = () => ({ type: 'webhook' as const, url: `${receiver.url}/hooks/pulse`, secret: 'hook-secret' });

  it('delivers a signed issue alert the receiver verifies, with the fields acceptance reads', async () => {
    const result = await sendDelivery(deliveryOf(issueNotification(), action(), { idempotencyKey: 'issue-42-a' }));
    expect(result).toEqual({ ok: true, statusCode: 200 });
    expect(receiver.invalid).toEqual([]);
    const [request] = receiver.received;
    expect(request.headers['sentry-hook-resource']).toBe('event_alert');
    expect(request.headers['sentry-hook-signature']).toBe(createHmac('sha256', 'hook-secret').update(request.rawBody).digest('hex'));
    expect(request.body).toMatchObject({ data: { issue: { id: '42', title: expect.any(String), culprit: 'app/checkout in submitOrder' }, event: { event_id: '9f1c2b8e4d3a4f0b8c7d6e5f4a3b2c1d' } } });
    expect(receiver.distinctKeys()).toEqual(new Set(['issue-42-a']));
  });

  it('delivers metric and release alerts, each with its resource', async () => {
    expect(await sendDelivery(deliveryOf(metricNotification(), action()))).toMatchObject({ ok: true });
    expect(await sendDelivery(deliveryOf(metricNotification({ action: 'resolved', status: 'resolved', value: null }), action(), { idempotencyKey: 'r' }))).toMatchObject({ ok: true });
    expect(await sendDelivery(deliveryOf(releaseNotification(), action()))).toMatchObject({ ok: true });
    expect(receiver.invalid).toEqual([]);
    expect(receiver.bodies('metric_alert').map((body) => [body.action, (body.data as { status: string }).status])).toEqual([
      ['triggered', 'critical'],
      ['resolved', 'resolved'],
    ]);
    expect(receiver.bodies('release_alert')).toHaveLength(1);
  });

  it('is refused, for good, when the secrets differ; and unsigned requests reach a receiver without a secret', async () => {
    const result = await sendDelivery(deliveryOf(issueNotification(), { ...action(), secret: 'other' }));
    expect(result).toMatchObject({ ok: false, retry: false, statusCode: 400 });
    expect(receiver.invalid.map((request) => request.reason)).toEqual(['Sentry-Hook-Signature does not verify over the body']);

    const open = await startWebhookReceiver();
    try {
      expect(await sendDelivery(deliveryOf(issueNotification(), { type: 'webhook', url: open.url }))).toEqual({ ok: true, statusCode: 200 });
      expect(open.received[0].headers['sentry-hook-signature']).toBeUndefined();
    } finally {
      await open.stop();
    }
  });

  it.each([500, 502, 503, 408])('retries a %i', async (status) => {
    receiver.setDown(status);
    expect(await webhookDestination.send(deliveryOf(issueNotification(), action()))).toMatchObject({ ok: false, retry: true, statusCode: status });
    receiver.setUp();
    expect(await webhookDestination.send(deliveryOf(issueNotification(), action()))).toEqual({ ok: true, statusCode: 200 });
  });

  it.each([400, 401, 404, 410])('gives up on a %i', async (status) => {
    receiver.setDown(status);
    expect(await webhookDestination.send(deliveryOf(issueNotification(), action()))).toMatchObject({ ok: false, retry: false, statusCode: status });
  });

  it('honours Retry-After on a 429', async () => {
    receiver.setDown(429, { retryAfterSeconds: 30 });
    expect(await webhookDestination.send(deliveryOf(issueNotification(), action()))).toMatchObject({ ok: false, retry: true, statusCode: 429, retryAfterMs: 30_000 });
  });

  it.each(['hang', 'stall'] as const)('times out within the delivery timeout (receiver: %s)', async (mode) => {
    receiver.setDown(mode);
    const startedMs = Date.now();
    const result = await webhookDestination.send(deliveryOf(issueNotification(), action(), { timeoutMs: 300 }));
    expect(result).toEqual({ ok: false, retry: true, error: 'timed out after 300 ms' });
    expect(Date.now() - startedMs).toBeLessThan(3000);
  });

  it('retries a connection closed without an answer, and a refused connection', async () => {
    receiver.setDown('close');
    const closed = await webhookDestination.send(deliveryOf(issueNotification(), action()));
    expect(closed).toMatchObject({ ok: false, retry: true });
    expect(closed.ok === false && closed.statusCode).toBeUndefined();

    const gone = await startWebhookReceiver();
    const url = gone.url;
    await gone.stop();
    const refused = await webhookDestination.send(deliveryOf(issueNotification(), { type: 'webhook', url }));
    expect(refused).toMatchObject({ ok: false, retry: true });
    expect(refused.ok === false && refused.error).toMatch(/ECONNREFUSED/);
  });
});
