/**
 * What an alert says, independent of where it goes: the alerts library decides a notification
 * (stored as JSON in the outbox, `alert_deliveries.notification`), and each destination renders it
 * into its own request when it is sent. Plain JSON values only (it is stored and read back).
 */
export type Notification = IssueAlertNotification | MetricAlertNotification | ReleaseAlertNotification;

export interface NotificationBase {
  projectId: number;
  rule: { id: number; name: string };
  /** When the alert decided to notify, ISO 8601. */
  at: string;
  /** A link a human follows (Pulse's API for the issue, incident or verdict). */
  link: string;
  /** The incident this notification belongs to (issue alerts open one per notification). */
  incidentId: number;
}

export type IssueTrigger = 'new_issue' | 'regression' | 'escalating' | 'event_frequency' | 'user_frequency' | 'session_percent';

export interface IssueAlertNotification extends NotificationBase {
  kind: 'issue';
  action: 'triggered';
  trigger: IssueTrigger;
  /** A sentence on why: "12 events in 60 s (more than 10)". */
  reason: string;
  issue: {
    id: number;
    shortId: string;
    title: string;
    culprit: string;
    level: string;
    platform: string;
    status: string;
    substatus: string | null;
    firstSeen: string;
    lastSeen: string;
    count: number;
    userCount?: number;
  };
  event: {
    eventId: string;
    timestamp: string;
    release: string;
    environment: string;
    level: string;
    platform: string;
    transaction: string;
    exceptionType: string;
    exceptionValue: string;
    tags: Record<string, string>;
  };
}

export type MetricAlertStatus = 'critical' | 'warning' | 'resolved';

export interface MetricAlertNotification extends NotificationBase {
  kind: 'metric';
  /** triggered: the rule entered warning or critical (or moved between them); resolved: back to OK. */
  action: 'triggered' | 'resolved';
  status: MetricAlertStatus;
  previousStatus: 'ok' | 'warning' | 'critical';
  /** The aggregate's value at the evaluation that changed the state (a % change for change alerts); null: no data. */
  value: number | null;
  /** The threshold crossed: `above 500`, `below 0.99`. */
  threshold: { direction: 'above' | 'below'; value: number } | null;
  aggregate: string;
  dataset: string;
  windowSeconds: number;
  filters: Record<string, string>;
  /** Change alerts: compared with the same window this long before. */
  comparison?: 'hour' | 'day' | 'week';
}

export type ReleaseVerdict = 'pass' | 'marginal' | 'fail';

export interface ReleaseAlertNotification extends NotificationBase {
  kind: 'release';
  action: 'triggered' | 'resolved';
  verdict: ReleaseVerdict;
  /** 0–100, as Kayenta scores a canary. */
  score: number;
  canary: string;
  baseline: string;
  environment: string;
  /** Why, one line per failed metric or threshold. */
  reasons: string[];
}
