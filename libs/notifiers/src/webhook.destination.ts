import { createHash, createHmac, randomUUID } from 'node:crypto';
import { checkHttpUrl, checkOptionalString, unknownFields } from './action-checks';
import type { Delivery, DeliveryResult, Destination, WebhookAction } from './destination';
import { deliveryResultOf, httpCall } from './http-call';
import { hookResourceOf, renderWebhookBody } from './webhook.payload';

/**
 * Webhooks as Sentry's integration platform sends them (the headers of
 * docs.sentry.io/integrations/integration-platform/webhooks/): a receiver that verifies Sentry's
 * signature verifies Pulse's. The signature is a hex HMAC-SHA256 over the exact bytes sent, so
 * the body is serialized once and those bytes are both signed and sent. `Idempotency-Key` is the
 * same on every retry of one notification, so a receiver can drop the duplicates that
 * at-least-once delivery produces.
 */

export const WEBHOOK_FIELDS = ['type', 'url', 'secret'] as const;
/** Longest signing secret: HMAC takes any length, a rule should not carry a blob. */
export const MAX_WEBHOOK_SECRET_LENGTH = 256;

export function checkWebhookAction(action: Record<string, unknown>): string[] {
  return [...unknownFields(action, WEBHOOK_FIELDS), ...checkHttpUrl(action.url, 'url'), ...checkOptionalString(action.secret, 'secret', MAX_WEBHOOK_SECRET_LENGTH)];
}

/** Hex HMAC-SHA256 of the raw body with the action's secret: the `Sentry-Hook-Signature` value. */
export function signWebhookBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** A stable UUID for the rule action (project and URL): Sentry's `installation.uuid`. */
export function installationUuidOf(projectId: number, url: string): string {
  const hex = createHash('sha256').update(`pulse-webhook|${projectId}|${url}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The request a delivery becomes: headers and the exact body bytes (signed when there is a secret). */
export function webhookRequestOf(delivery: Delivery<WebhookAction>, nowMs: number): { headers: Record<string, string>; body: Buffer } {
  const { notification, action } = delivery;
  const body = Buffer.from(JSON.stringify(renderWebhookBody(notification, installationUuidOf(notification.projectId, action.url))), 'utf8');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Request-ID': randomUUID(),
    'Sentry-Hook-Resource': hookResourceOf(notification),
    'Sentry-Hook-Timestamp': String(Math.floor(nowMs / 1000)),
    'Idempotency-Key': delivery.idempotencyKey,
  };
  if (action.secret !== undefined) headers['Sentry-Hook-Signature'] = signWebhookBody(body, action.secret);
  return { headers, body };
}

async function sendWebhook(delivery: Delivery<WebhookAction>): Promise<DeliveryResult> {
  const { headers, body } = webhookRequestOf(delivery, Date.now());
  const outcome = await httpCall({ method: 'POST', url: delivery.action.url, headers, body, timeoutMs: delivery.timeoutMs });
  return deliveryResultOf(outcome, Date.now());
}

export const webhookDestination: Destination<WebhookAction> = { type: 'webhook', check: checkWebhookAction, send: sendWebhook };
