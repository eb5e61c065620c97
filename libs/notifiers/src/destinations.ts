import type { AlertAction, Delivery, DeliveryResult, Destination, DestinationType } from './destination';
import { jiraDestination } from './jira.destination';
import { slackDestination } from './slack.destination';
import { webhookDestination } from './webhook.destination';

/**
 * The registry of destinations, keyed by action type: the one place that knows them all. The rule
 * validator checks actions through `checkAlertAction` and the outbox sends through `sendDelivery`;
 * a new destination is one file and one entry here (the mapped type makes a missing one a
 * compile error).
 */
export const DESTINATIONS: { [T in DestinationType]: Destination<Extract<AlertAction, { type: T }>> } = {
  webhook: webhookDestination,
  slack: slackDestination,
  jira: jiraDestination,
};

const TYPES = Object.keys(DESTINATIONS) as DestinationType[];

function isDestinationType(value: unknown): value is DestinationType {
  return typeof value === 'string' && (TYPES as string[]).includes(value);
}

/**
 * Problems with one action as a rule gives it, each starting with its field (`url must be an
 * http(s) URL`); the caller prefixes `actions[i].`. [] when the action is valid.
 */
export function checkAlertAction(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['must be an object with a type'];
  const action = value as Record<string, unknown>;
  if (!isDestinationType(action.type)) return [`type must be one of ${TYPES.join(', ')}`];
  return DESTINATIONS[action.type].check(action);
}

/**
 * One attempt of one delivery by its action's destination. Never throws: an action that no longer
 * passes its checks (stored before a rule change) fails for good, and anything a destination
 * throws unexpectedly becomes a retryable failure with its message.
 */
export async function sendDelivery(delivery: Delivery): Promise<DeliveryResult> {
  const problems = checkAlertAction(delivery.action);
  if (problems.length > 0) return { ok: false, retry: false, error: `invalid ${String(delivery.action.type)} action: ${problems.join('; ')}` };
  try {
    return await sendWith(delivery);
  } catch (err) {
    return { ok: false, retry: true, error: `${delivery.action.type} destination failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function sendWith(delivery: Delivery): Promise<DeliveryResult> {
  const { action } = delivery;
  switch (action.type) {
    case 'webhook':
      return DESTINATIONS.webhook.send({ ...delivery, action });
    case 'slack':
      return DESTINATIONS.slack.send({ ...delivery, action });
    case 'jira':
      return DESTINATIONS.jira.send({ ...delivery, action });
  }
}
