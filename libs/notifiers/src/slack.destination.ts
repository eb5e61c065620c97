import { checkHttpUrl, unknownFields } from './action-checks';
import type { Delivery, DeliveryResult, Destination, SlackAction } from './destination';
import { deliveryResultOf, httpCall } from './http-call';
import { renderSlackMessage } from './slack.message';

/**
 * Slack through an incoming webhook (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * one POST of the Block Kit message. Slack answers 200 `ok`, or a status with a one-word reason
 * in the body (400 `invalid_blocks`/`invalid_payload`, 403 `action_prohibited`, 404 `no_service`,
 * 410 `channel_is_archived`: final; 429 `rate_limited` with Retry-After, 5xx: retried), which the
 * shared reading of http-call.ts maps as the outbox needs and quotes in the error. Slack ignores
 * the Idempotency-Key header; it is sent so that a proxy or a test receiver can count deliveries.
 */

export const SLACK_FIELDS = ['type', 'url'] as const;

export function checkSlackAction(action: Record<string, unknown>): string[] {
  return [...unknownFields(action, SLACK_FIELDS), ...checkHttpUrl(action.url, 'url')];
}

async function sendSlack(delivery: Delivery<SlackAction>): Promise<DeliveryResult> {
  const body = JSON.stringify(renderSlackMessage(delivery.notification));
  const outcome = await httpCall({ method: 'POST', url: delivery.action.url, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Idempotency-Key': delivery.idempotencyKey }, body, timeoutMs: delivery.timeoutMs });
  return deliveryResultOf(outcome, Date.now());
}

export const slackDestination: Destination<SlackAction> = { type: 'slack', check: checkSlackAction, send: sendSlack };
