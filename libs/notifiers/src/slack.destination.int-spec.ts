import { slackDestination } from './slack.destination';
import { sendDelivery } from './destinations';
import { deliveryOf, issueNotification, metricNotification, releaseNotification, startSlackReceiver, type SlackReceiver } from './testing';

describe('Slack destination against an incoming-webhook receiver', () => {
  let receiver: SlackReceiver;

  beforeEach(async () => {
    receiver = await startSlackReceiver();
  });
  afterEach(async () => {
    await receiver.stop();
  });

  const action = () => ({ type: 'slack' as const, url: `${receiver.url}/services/T000/B000/XXXX` });

  it('posts Block Kit messages Slack accepts for every kind of alert', async () => {
    for (const notification of [issueNotification(), metricNotification(), metricNotification({ action: 'resolved', status: 'resolved' }), releaseNotification()]) {
      expect(await sendDelivery(deliveryOf(notification, action(), { idempotencyKey: `k-${notification.kind}-${notification.action}` }))).toEqual({ ok: true, statusCode: 200 });
    }
    expect(receiver.invalid).toEqual([]);
    expect(receiver.messages().map((message) => message.text)).toEqual([
      "[CHECKOUT-1A] New issue: TypeError: Cannot read properties of undefined (reading 'id')",
      'Critical: Slow checkout (p95(transaction.duration) = 812.5)',
      'Resolved: Slow checkout (p95(transaction.duration) = 812.5)',
      'Release fail: web@1.5.0 (score 42 against web@1.4.2)',
    ]);
    expect(receiver.distinctKeys().size).toBe(4);
  });

  it('never fails on long input: every text is cut to its limit', async () => {
    const notification = issueNotification({ rule: { id: 1, name: 'r'.repeat(20_000) }, reason: '<&>'.repeat(5000) });
    const long = { ...notification, issue: { ...notification.issue, title: 't'.repeat(20_000), culprit: 'c'.repeat(20_000) }, event: { ...notification.event, environment: 'e'.repeat(20_000) } };
    expect(await slackDestination.send(deliveryOf(long, action()))).toEqual({ ok: true, statusCode: 200 });
    expect(receiver.invalid).toEqual([]);
  });

  it('reads Slack answers: 404 no_service is final, 429 is retried after Retry-After, 5xx is retried', async () => {
    receiver.setDown(404);
    expect(await slackDestination.send(deliveryOf(issueNotification(), action()))).toMatchObject({ ok: false, retry: false, statusCode: 404 });
    receiver.setDown(429, { retryAfterSeconds: 2 });
    expect(await slackDestination.send(deliveryOf(issueNotification(), action()))).toMatchObject({ ok: false, retry: true, statusCode: 429, retryAfterMs: 2000 });
    receiver.setDown(503);
    expect(await slackDestination.send(deliveryOf(issueNotification(), action()))).toMatchObject({ ok: false, retry: true, statusCode: 503 });
    receiver.setDown('hang');
    expect(await slackDestination.send(deliveryOf(issueNotification(), action(), { timeoutMs: 200 }))).toEqual({ ok: false, retry: true, error: 'timed out after 200 ms' });
    receiver.setUp();
    expect(await slackDestination.send(deliveryOf(issueNotification(), action()))).toEqual({ ok: true, statusCode: 200 });
  });

  it('answers 400 invalid_blocks, as Slack does, to a message outside Block Kit limits', async () => {
    const response = await fetch(receiver.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }) });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('invalid_blocks');
    expect(receiver.invalid.map((request) => request.reason)).toEqual(['invalid_blocks: blocks[0]: text is longer than 150 characters (151)']);
  });
});
