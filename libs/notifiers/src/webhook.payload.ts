import type { IssueAlertNotification, MetricAlertNotification, Notification, ReleaseAlertNotification } from './notification';
import { describeMetric } from './notification-text';

/**
 * The JSON body of a webhook, shaped as Sentry's integration-platform alert webhooks so that a
 * receiver written for Sentry (docs.sentry.io/integrations/integration-platform/webhooks/) reads
 * Pulse's unchanged: `{ action, installation: { uuid }, data, actor }`, with the resource named
 * in the `Sentry-Hook-Resource` header:
 * - `event_alert` (issue alerts): `data.event` as Sentry serializes an event (tags as pairs),
 *   `data.triggered_rule`, `data.issue_alert`; Pulse adds `data.issue` (the issue itself).
 * - `metric_alert`: `data.metric_alert` (the incident and its `alert_rule`), `description_title`,
 *   `description_text`, `web_url`; Pulse adds `data.status`, `data.value` and `data.rule` so a
 *   receiver need not decode the incident. The action is the notification's (`triggered` or
 *   `resolved`); Sentry puts the status there instead, and `data.status` carries it here.
 * - `release_alert` is Pulse's own (Sentry has no canary verdicts): `data` is the verdict, its
 *   score, the canary and baseline releases, the environment, the reasons and the rule.
 */

export type HookResource = 'event_alert' | 'metric_alert' | 'release_alert';

export interface WebhookBody {
  action: string;
  installation: { uuid: string };
  data: Record<string, unknown>;
  actor: { type: 'application'; id: 'pulse'; name: 'Pulse' };
}

const ACTOR: WebhookBody['actor'] = { type: 'application', id: 'pulse', name: 'Pulse' };

export function hookResourceOf(notification: Notification): HookResource {
  switch (notification.kind) {
    case 'issue':
      return 'event_alert';
    case 'metric':
      return 'metric_alert';
    case 'release':
      return 'release_alert';
  }
}

/** `installationUuid` names the sender's installation (Pulse uses the action's idempotency scope). */
export function renderWebhookBody(notification: Notification, installationUuid: string): WebhookBody {
  const data = notification.kind === 'issue' ? issueAlertData(notification) : notification.kind === 'metric' ? metricAlertData(notification) : releaseAlertData(notification);
  return { action: notification.action, installation: { uuid: installationUuid }, data, actor: ACTOR };
}

function issueAlertData(n: IssueAlertNotification): Record<string, unknown> {
  const { issue, event } = n;
  const exception = event.exceptionType === '' && event.exceptionValue === '' ? undefined : { values: [{ type: event.exceptionType, value: event.exceptionValue }] };
  return {
    event: {
      event_id: event.eventId,
      issue_id: String(issue.id),
      project: n.projectId,
      title: issue.title,
      culprit: issue.culprit,
      level: event.level,
      platform: event.platform,
      release: event.release === '' ? null : event.release,
      environment: event.environment === '' ? null : event.environment,
      transaction: event.transaction === '' ? null : event.transaction,
      timestamp: Date.parse(event.timestamp) / 1000,
      datetime: event.timestamp,
      tags: Object.entries(event.tags).map(([key, value]) => [key, value]),
      ...(exception === undefined ? {} : { exception }),
      web_url: n.link,
      issue_url: n.link,
    },
    issue: {
      id: String(issue.id),
      shortId: issue.shortId,
      title: issue.title,
      culprit: issue.culprit,
      level: issue.level,
      platform: issue.platform,
      status: issue.status,
      substatus: issue.substatus,
      firstSeen: issue.firstSeen,
      lastSeen: issue.lastSeen,
      count: String(issue.count),
      userCount: issue.userCount ?? 0,
    },
    triggered_rule: n.rule.name,
    issue_alert: { title: n.rule.name, settings: [], trigger: n.trigger, reason: n.reason, incident_id: n.incidentId },
  };
}

function metricAlertData(n: MetricAlertNotification): Record<string, unknown> {
  const rule = { id: String(n.rule.id), name: n.rule.name, aggregate: n.aggregate, dataset: n.dataset, windowSeconds: n.windowSeconds, filters: n.filters, threshold: n.threshold, comparison: n.comparison ?? null };
  const statusTitle = n.status === 'resolved' ? 'Resolved' : n.status === 'critical' ? 'Critical' : 'Warning';
  return {
    status: n.status,
    previous_status: n.previousStatus,
    value: n.value,
    rule,
    metric_alert: {
      id: String(n.incidentId),
      identifier: String(n.incidentId),
      title: n.rule.name,
      status: n.status,
      date_detected: n.at,
      date_closed: n.status === 'resolved' ? n.at : null,
      projects: [String(n.projectId)],
      alert_rule: {
        id: String(n.rule.id),
        name: n.rule.name,
        aggregate: n.aggregate,
        dataset: n.dataset,
        query: Object.entries(n.filters).map(([key, value]) => `${key}:${value}`).join(' '),
        time_window: n.windowSeconds / 60,
        threshold_type: n.threshold === null ? null : n.threshold.direction === 'above' ? 0 : 1,
        comparison_delta: n.comparison === undefined ? null : { hour: 3600, day: 86400, week: 604800 }[n.comparison],
      },
    },
    description_title: `${statusTitle}: ${n.rule.name}`,
    description_text: describeMetric(n),
    web_url: n.link,
  };
}

function releaseAlertData(n: ReleaseAlertNotification): Record<string, unknown> {
  return {
    verdict: n.verdict,
    score: n.score,
    canary: n.canary,
    baseline: n.baseline,
    environment: n.environment,
    reasons: n.reasons,
    rule: { id: String(n.rule.id), name: n.rule.name },
    incident_id: String(n.incidentId),
    web_url: n.link,
  };
}
