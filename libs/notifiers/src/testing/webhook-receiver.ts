import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, isRecord, startHttpReceiver, type HttpReceiver, type ReceivedRequest, type ServiceAnswer } from './http-receiver';

/**
 * A receiver of Sentry-style alert webhooks that checks what a strict integration would: the
 * four Sentry headers and Pulse's Idempotency-Key, the signature over the raw bytes (with the
 * receiver's secret; an unsigned request when it has none), and the JSON shape of each resource,
 * including the fields Pulse's acceptance checks read (issue alerts: data.issue.id/title/culprit,
 * data.event.event_id; metric alerts: data.status, data.value, data.rule). A bad request gets 400
 * with the reason and lands in `invalid`.
 */

export interface WebhookReceiver extends HttpReceiver {
  /** The accepted bodies of one resource (`event_alert`, `metric_alert`, `release_alert`). */
  bodies(resource?: string): Record<string, unknown>[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCES = ['event_alert', 'metric_alert', 'release_alert'];

export async function startWebhookReceiver({ secret }: { secret?: string } = {}): Promise<WebhookReceiver> {
  const receiver = await startHttpReceiver((request) => answer(request, secret));
  return {
    ...receiver,
    bodies: (resource) => receiver.received.filter((request) => resource === undefined || header(request, 'sentry-hook-resource') === resource).map((request) => request.body as Record<string, unknown>),
  };
}

function answer(request: ReceivedRequest, secret: string | undefined): ServiceAnswer {
  const problem = headerProblem(request, secret) ?? bodyProblem(request);
  return problem === undefined ? { status: 200, body: '' } : { status: 400, body: { detail: problem }, invalid: problem };
}

function headerProblem(request: ReceivedRequest, secret: string | undefined): string | undefined {
  if (request.method !== 'POST') return `method ${request.method}, expected POST`;
  if (!(header(request, 'content-type') ?? '').startsWith('application/json')) return 'Content-Type is not application/json';
  if (!UUID.test(header(request, 'request-id') ?? '')) return 'Request-ID is not a UUID';
  if (!RESOURCES.includes(header(request, 'sentry-hook-resource') ?? '')) return `Sentry-Hook-Resource is not one of ${RESOURCES.join(', ')}`;
  if (!/^\d{9,11}$/.test(header(request, 'sentry-hook-timestamp') ?? '')) return 'Sentry-Hook-Timestamp is not unix seconds';
  if ((request.idempotencyKey ?? '') === '') return 'Idempotency-Key is missing';
  const signature = header(request, 'sentry-hook-signature');
  if (secret === undefined) return signature === undefined ? undefined : 'Sentry-Hook-Signature sent, but the receiver has no secret';
  if (signature === undefined) return 'Sentry-Hook-Signature is missing';
  const expected = createHmac('sha256', secret).update(request.rawBody).digest();
  const given = Buffer.from(signature, 'hex');
  if (!/^[0-9a-f]{64}$/.test(signature) || !timingSafeEqual(given, expected)) return 'Sentry-Hook-Signature does not verify over the body';
  return undefined;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNonEmptyString = (value: unknown): boolean => typeof value === 'string' && value !== '';

function bodyProblem(request: ReceivedRequest): string | undefined {
  const body = request.body;
  if (!isRecord(body)) return 'the body is not a JSON object';
  if (!isRecord(body.installation) || !isNonEmptyString(body.installation.uuid)) return 'installation.uuid is missing';
  const { actor } = body;
  if (!isRecord(actor) || actor.type !== 'application' || actor.id !== 'pulse' || actor.name !== 'Pulse') return 'actor is not { type: application, id: pulse, name: Pulse }';
  if (!isRecord(body.data)) return 'data is not an object';
  const resource = header(request, 'sentry-hook-resource');
  if (resource === 'event_alert') return eventAlertProblem(body.action, body.data);
  if (resource === 'metric_alert') return metricAlertProblem(body.action, body.data);
  return releaseAlertProblem(body.action, body.data);
}

function eventAlertProblem(action: unknown, data: Record<string, unknown>): string | undefined {
  if (action !== 'triggered') return 'event_alert action is not triggered';
  const { event, issue, issue_alert: issueAlert } = data;
  if (!isRecord(event) || !isNonEmptyString(event.event_id)) return 'data.event.event_id is missing';
  if (!isNonEmptyString(event.issue_id)) return 'data.event.issue_id is missing';
  if (!Array.isArray(event.tags) || !event.tags.every((tag) => Array.isArray(tag) && tag.length === 2 && tag.every(isString))) return 'data.event.tags is not a list of [key, value] pairs';
  if (!isNonEmptyString(event.web_url)) return 'data.event.web_url is missing';
  if (!isRecord(issue) || !isNonEmptyString(issue.id) || !isString(issue.title) || !isString(issue.culprit)) return 'data.issue.id/title/culprit is missing';
  if (!isNonEmptyString(data.triggered_rule)) return 'data.triggered_rule is missing';
  if (!isRecord(issueAlert) || !isString(issueAlert.title) || !Array.isArray(issueAlert.settings)) return 'data.issue_alert is not { title, settings: [] }';
  return undefined;
}

function metricAlertProblem(action: unknown, data: Record<string, unknown>): string | undefined {
  if (action !== 'triggered' && action !== 'resolved') return 'metric_alert action is not triggered or resolved';
  if (!['critical', 'warning', 'resolved'].includes(String(data.status))) return 'data.status is not critical, warning or resolved';
  if ((action === 'resolved') !== (data.status === 'resolved')) return `data.status ${String(data.status)} does not match the action ${action}`;
  if (data.value !== null && typeof data.value !== 'number') return 'data.value is not a number or null';
  const { rule, metric_alert: metricAlert } = data;
  if (!isRecord(rule) || !isNonEmptyString(rule.id) || !isString(rule.name) || !isString(rule.aggregate) || typeof rule.windowSeconds !== 'number') return 'data.rule is not { id, name, aggregate, windowSeconds, … }';
  if (!isRecord(metricAlert) || !isNonEmptyString(metricAlert.id) || !isRecord(metricAlert.alert_rule)) return 'data.metric_alert is not { id, alert_rule, … }';
  if (!isString(data.description_title) || !isString(data.description_text) || !isNonEmptyString(data.web_url)) return 'data.description_title/description_text/web_url is missing';
  return undefined;
}

function releaseAlertProblem(action: unknown, data: Record<string, unknown>): string | undefined {
  if (action !== 'triggered' && action !== 'resolved') return 'release_alert action is not triggered or resolved';
  if (!['pass', 'marginal', 'fail'].includes(String(data.verdict))) return 'data.verdict is not pass, marginal or fail';
  if (typeof data.score !== 'number' || data.score < 0 || data.score > 100) return 'data.score is not a number from 0 to 100';
  if (!isString(data.canary) || !isString(data.baseline) || !isString(data.environment)) return 'data.canary/baseline/environment is missing';
  if (!Array.isArray(data.reasons) || !data.reasons.every(isString)) return 'data.reasons is not a list of strings';
  if (!isRecord(data.rule) || !isNonEmptyString(data.rule.id)) return 'data.rule is missing';
  return undefined;
}
