import { createHmac } from 'node:crypto';
import { issueNotification, metricNotification, releaseNotification, deliveryOf } from './testing';
import { installationUuidOf, signWebhookBody, webhookRequestOf } from './webhook.destination';
import { hookResourceOf, renderWebhookBody } from './webhook.payload';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('renderWebhookBody', () => {
  it('renders an issue alert as Sentry event_alert, with the issue Pulse adds', () => {
    const body = renderWebhookBody(issueNotification(), 'u');
    expect(body.action).toBe('triggered');
    expect(body.actor).toEqual({ type: 'application', id: 'pulse', name: 'Pulse' });
    expect(body.installation).toEqual({ uuid: 'u' });
    expect(body.data).toMatchObject({
      event: {
        event_id: '9f1c2b8e4d3a4f0b8c7d6e5f4a3b2c1d',
        issue_id: '42',
        title: "TypeError: Cannot read properties of undefined (reading 'id')",
        culprit: 'app/checkout in submitOrder',
        level: 'error',
        platform: 'javascript',
        release: 'web@1.4.2',
        environment: 'production',
        timestamp: Date.parse('2026-12-07T11:59:59.000Z') / 1000,
        tags: [['browser', 'Chrome 120'], ['os', 'macOS']],
        exception: { values: [{ type: 'TypeError', value: "Cannot read properties of undefined (reading 'id')" }] },
        web_url: 'http://127.0.0.1:8000/api/0/issues/42/',
      },
      issue: { id: '42', shortId: 'CHECKOUT-1A', title: "TypeError: Cannot read properties of undefined (reading 'id')", culprit: 'app/checkout in submitOrder', status: 'unresolved', substatus: 'new', count: '3' },
      triggered_rule: 'New errors in checkout',
      issue_alert: { title: 'New errors in checkout', settings: [] },
    });
  });

  it('renders a metric alert with its status, value and rule', () => {
    const body = renderWebhookBody(metricNotification({ action: 'resolved', status: 'resolved', previousStatus: 'critical', value: 120 }), 'u');
    expect(body.action).toBe('resolved');
    expect(body.data).toMatchObject({
      status: 'resolved',
      value: 120,
      rule: { id: '8', name: 'Slow checkout', aggregate: 'p95(transaction.duration)', dataset: 'transactions', windowSeconds: 300, filters: { transaction: '/checkout' }, threshold: { direction: 'above', value: 500 } },
      metric_alert: { id: '200', status: 'resolved', alert_rule: { id: '8', aggregate: 'p95(transaction.duration)', time_window: 5, query: 'transaction:/checkout', threshold_type: 0 } },
      description_title: 'Resolved: Slow checkout',
      description_text: 'p95(transaction.duration) = 120 in the last 300 s (threshold: above 500)\nFilter: transaction:/checkout',
      web_url: 'http://127.0.0.1:8000/api/0/alerts/incidents/200/',
    });
  });

  it('renders a release verdict as Pulse release_alert', () => {
    const notification = releaseNotification();
    expect(hookResourceOf(notification)).toBe('release_alert');
    expect(renderWebhookBody(notification, 'u').data).toMatchObject({ verdict: 'fail', score: 42, canary: 'web@1.5.0', baseline: 'web@1.4.2', environment: 'production', reasons: notification.reasons, rule: { id: '9', name: 'Canary web' } });
  });
});

describe('webhookRequestOf', () => {
  it('signs the exact body bytes with the secret and sends the Sentry headers', () => {
    const delivery = deliveryOf(metricNotification(), { type: 'webhook', url: 'https://example.com/hook', secret: 'shh' }, { idempotencyKey: 'k-1' });
    const { headers, body } = webhookRequestOf(delivery, NOW);
    expect(headers['Sentry-Hook-Signature']).toBe(createHmac('sha256', 'shh').update(body).digest('hex'));
    expect(headers['Sentry-Hook-Signature']).toBe(signWebhookBody(body.toString('utf8'), 'shh'));
    expect(headers).toMatchObject({ 'Content-Type': 'application/json', 'Sentry-Hook-Resource': 'metric_alert', 'Sentry-Hook-Timestamp': String(NOW / 1000), 'Idempotency-Key': 'k-1' });
    expect(headers['Request-ID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(body.toString('utf8')).installation.uuid).toBe(installationUuidOf(1, 'https://example.com/hook'));
  });

  it('sends no signature header without a secret', () => {
    const { headers } = webhookRequestOf(deliveryOf(issueNotification(), { type: 'webhook', url: 'https://example.com/hook' }), NOW);
    expect(headers['Sentry-Hook-Resource']).toBe('event_alert');
    expect(Object.keys(headers)).not.toContain('Sentry-Hook-Signature');
  });

  it('keeps the signature valid for non-ASCII content', () => {
    const notification = issueNotification({ reason: 'Ошибка 🚨 in „checkout“' });
    const { headers, body } = webhookRequestOf(deliveryOf(notification, { type: 'webhook', url: 'https://example.com', secret: 'ключ' }), NOW);
    expect(headers['Sentry-Hook-Signature']).toBe(createHmac('sha256', Buffer.from('ключ', 'utf8')).update(Buffer.from(body)).digest('hex'));
  });
});

describe('installationUuidOf', () => {
  it('is a stable version-5-shaped UUID per project and URL', () => {
    expect(installationUuidOf(1, 'https://a')).toMatch(UUID);
    expect(installationUuidOf(1, 'https://a')).toBe(installationUuidOf(1, 'https://a'));
    expect(installationUuidOf(2, 'https://a')).not.toBe(installationUuidOf(1, 'https://a'));
  });
});
