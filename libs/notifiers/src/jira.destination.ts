import { checkHttpUrl, checkOptionalString, checkRequiredString, unknownFields } from './action-checks';
import type { Delivery, DeliveryResult, Destination, JiraAction } from './destination';
import { deliveryResultOf, httpCall, type HttpOutcome } from './http-call';
import { commentOf, descriptionOf, summaryOf, ticketLabelOf } from './jira.document';

/**
 * Jira Cloud (REST v3): ONE ticket per Pulse issue per site and project, and one per metric or
 * release incident; a further notification (a regression, a resolve) comments on it. The outbox
 * delivers at least once and a sender can die between creating a ticket and remembering it, so
 * before creating, the ticket is looked up in the registry (alert_jira_tickets), then in Jira by
 * its label (`GET /rest/api/3/search/jql`, the current search endpoint), and only then created
 * and remembered. Incidents use the same registry under the destination `${url}|${key}|incident`
 * with the incident id in place of the issue id, so the two id spaces never meet.
 *
 * A remembered ticket that Jira no longer has (a comment answers 404) is looked for and filed
 * again the same way; the registry keeps its first key, so later notifications find the new
 * ticket by search.
 *
 * A ticket recovered by search for a `new_issue` notification was created by this same
 * notification's earlier attempt (an issue is new once): it is remembered without a comment.
 * Jira ignores the Idempotency-Key header; it lets a proxy or a test receiver count deliveries.
 */

export const JIRA_FIELDS = ['type', 'url', 'projectKey', 'issueType', 'email', 'apiToken'] as const;
export const JIRA_PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;

export function checkJiraAction(action: Record<string, unknown>): string[] {
  const projectKey = typeof action.projectKey === 'string' && JIRA_PROJECT_KEY.test(action.projectKey) ? [] : [`projectKey must match ${JIRA_PROJECT_KEY.source} (a Jira project key such as OPS)`];
  return [
    ...unknownFields(action, JIRA_FIELDS),
    ...checkHttpUrl(action.url, 'url', { allowQuery: false }),
    ...projectKey,
    ...checkOptionalString(action.issueType, 'issueType', 255),
    ...checkRequiredString(action.email, 'email', 254),
    ...(typeof action.email === 'string' && !action.email.includes('@') ? ['email must be an email address'] : []),
    ...checkRequiredString(action.apiToken, 'apiToken', 1024),
  ];
}

/** The site's base URL without a trailing slash. */
export function jiraBaseUrl(action: JiraAction): string {
  return action.url.replace(/\/+$/, '');
}

/** The registry's destination string: one ticket per issue per site and project. */
export function jiraDestinationOf(action: JiraAction, kind: 'issue' | 'incident'): string {
  const destination = `${jiraBaseUrl(action)}|${action.projectKey}`;
  return kind === 'issue' ? destination : `${destination}|incident`;
}

/** The JQL that finds the ticket by its label (labels are exact-match in JQL). */
export function ticketJqlOf(projectKey: string, label: string): string {
  return `project = ${projectKey} AND labels = "${label}"`;
}

interface JiraCall { method: 'GET' | 'POST'; path: string; body?: unknown }

/** One call to the site, with Basic auth of the API token. */
function callJira(delivery: Delivery<JiraAction>, call: JiraCall): Promise<HttpOutcome> {
  const { action } = delivery;
  const headers: Record<string, string> = { Authorization: `Basic ${Buffer.from(`${action.email}:${action.apiToken}`, 'utf8').toString('base64')}`, Accept: 'application/json', 'Idempotency-Key': delivery.idempotencyKey };
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  return httpCall({ method: call.method, url: `${jiraBaseUrl(action)}${call.path}`, headers, body, timeoutMs: delivery.timeoutMs });
}

/** A field of a JSON response body, or undefined when the body is not what Jira documents. */
function jsonField(body: string, read: (value: Record<string, unknown>) => unknown): unknown {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? read(value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isSuccess = (outcome: HttpOutcome): outcome is Extract<HttpOutcome, { kind: 'response' }> => outcome.kind === 'response' && outcome.statusCode >= 200 && outcome.statusCode < 300;

/** A 2xx whose body lacks what the API documents: Jira is misbehaving, try again later. */
const malformed = (what: string, statusCode: number): DeliveryResult => ({ ok: false, retry: true, statusCode, error: `Jira answered ${what} without the documented body` });

async function searchTicket(delivery: Delivery<JiraAction>, label: string): Promise<{ key: string | undefined } | DeliveryResult> {
  const jql = encodeURIComponent(ticketJqlOf(delivery.action.projectKey, label));
  const outcome = await callJira(delivery, { method: 'GET', path: `/rest/api/3/search/jql?jql=${jql}&fields=key&maxResults=1` });
  if (!isSuccess(outcome)) return deliveryResultOf(outcome, Date.now());
  const issues = jsonField(outcome.body, (value) => value.issues);
  if (!Array.isArray(issues)) return malformed('the search', outcome.statusCode);
  const first: unknown = issues[0];
  const key = typeof first === 'object' && first !== null ? (first as Record<string, unknown>).key : undefined;
  return { key: typeof key === 'string' ? key : undefined };
}

async function createTicket(delivery: Delivery<JiraAction>, label: string): Promise<{ key: string; statusCode: number } | DeliveryResult> {
  const { notification, action } = delivery;
  const fields = {
    project: { key: action.projectKey },
    issuetype: { name: action.issueType ?? 'Bug' },
    summary: summaryOf(notification),
    description: descriptionOf(notification),
    labels: ['pulse', label],
  };
  const outcome = await callJira(delivery, { method: 'POST', path: '/rest/api/3/issue', body: { fields } });
  if (!isSuccess(outcome)) return deliveryResultOf(outcome, Date.now());
  const key = jsonField(outcome.body, (value) => value.key);
  return typeof key === 'string' ? { key, statusCode: outcome.statusCode } : malformed('the created issue', outcome.statusCode);
}

async function addComment(delivery: Delivery<JiraAction>, key: string): Promise<DeliveryResult> {
  const outcome = await callJira(delivery, { method: 'POST', path: `/rest/api/3/issue/${encodeURIComponent(key)}/comment`, body: { body: commentOf(delivery.notification) } });
  return deliveryResultOf(outcome, Date.now(), key);
}

async function remember(delivery: Delivery<JiraAction>, id: number, destination: string, key: string): Promise<DeliveryResult | undefined> {
  try {
    await delivery.tickets.remember(id, destination, key);
    return undefined;
  } catch (err) {
    // Jira has the ticket; the next attempt finds it by its label and remembers it then.
    return { ok: false, retry: true, error: `ticket ${key} filed but not remembered: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function sendJira(delivery: Delivery<JiraAction>): Promise<DeliveryResult> {
  const { notification, action } = delivery;
  const id = notification.kind === 'issue' ? notification.issue.id : notification.incidentId;
  const destination = jiraDestinationOf(action, notification.kind === 'issue' ? 'issue' : 'incident');
  const label = ticketLabelOf(notification);

  let known: string | undefined;
  try {
    known = await delivery.tickets.find(id, destination);
  } catch (err) {
    return { ok: false, retry: true, error: `ticket registry: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (known !== undefined) {
    const commented = await addComment(delivery, known);
    // 404: the remembered ticket was deleted or moved out of reach; look for another, or file anew.
    if (commented.ok || commented.statusCode !== 404) return commented;
  }

  const found = await searchTicket(delivery, label);
  if ('ok' in found) return found;
  if (found.key !== undefined) {
    const lost = await remember(delivery, id, destination, found.key);
    if (lost !== undefined) return lost;
    const createdByThisNotification = notification.kind === 'issue' && notification.trigger === 'new_issue';
    return createdByThisNotification ? { ok: true, statusCode: 200, externalRef: found.key } : addComment(delivery, found.key);
  }

  const created = await createTicket(delivery, label);
  if ('ok' in created) return created;
  return (await remember(delivery, id, destination, created.key)) ?? { ok: true, statusCode: created.statusCode, externalRef: created.key };
}

export const jiraDestination: Destination<JiraAction> = { type: 'jira', check: checkJiraAction, send: sendJira };
