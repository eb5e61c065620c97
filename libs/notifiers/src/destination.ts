import type { Notification } from './notification';

/** Where an alert rule sends (a rule's `actions`); secrets stay in the rule, never in a response. */
export type AlertAction = WebhookAction | SlackAction | JiraAction;

export interface WebhookAction {
  type: 'webhook';
  url: string;
  /** Key of the `Sentry-Hook-Signature` HMAC-SHA256; no signature header without one. */
  secret?: string;
}

export interface SlackAction {
  type: 'slack';
  /** The incoming-webhook URL Slack gave (https://hooks.slack.com/services/…). */
  url: string;
}

export interface JiraAction {
  type: 'jira';
  /** The site's base URL (https://example.atlassian.net). */
  url: string;
  projectKey: string;
  /** Default `Bug`. */
  issueType?: string;
  /** Basic auth as Jira Cloud takes an API token: `email:apiToken`. */
  email: string;
  apiToken: string;
}

export type DestinationType = AlertAction['type'];

/** What the outbox hands a destination: one notification, the action, and what an earlier attempt left. */
export interface Delivery<A extends AlertAction = AlertAction> {
  notification: Notification;
  action: A;
  /** Unique per notification and action; the same on every retry. */
  idempotencyKey: string;
  /** Per call; the request is aborted after it. */
  timeoutMs: number;
  /**
   * Tickets already filed for the notification's issue at this destination (Jira): a destination
   * that files tickets looks here first, then asks the remote side, then creates one.
   */
  tickets: TicketRegistry;
}

/** The durable memory of filed tickets (alert_jira_tickets in the alerts library). */
export interface TicketRegistry {
  find(issueId: number, destination: string): Promise<string | undefined>;
  remember(issueId: number, destination: string, ticketKey: string): Promise<void>;
}

/**
 * The outcome of one attempt. `retry` false: the request can never succeed as it is (a 4xx other
 * than 408/429, an invalid URL); the outbox gives up at once instead of backing off.
 */
export type DeliveryResult =
  | { ok: true; statusCode: number; externalRef?: string }
  | { ok: false; retry: boolean; statusCode?: number; error: string; retryAfterMs?: number };

/**
 * One destination: how its action is checked (messages for a 400 on the rule), and one attempt to
 * deliver. A new destination is one file implementing this and one entry in DESTINATIONS.
 */
export interface Destination<A extends AlertAction = AlertAction> {
  type: A['type'];
  /** Problems with the action as a rule gives it, by field (`url must be an http(s) URL`); [] when valid. */
  check(action: Record<string, unknown>): string[];
  send(delivery: Delivery<A>): Promise<DeliveryResult>;
}
