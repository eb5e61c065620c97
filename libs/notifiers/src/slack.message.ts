import type { IssueAlertNotification, MetricAlertNotification, Notification, ReleaseAlertNotification } from './notification';
import { describeThreshold, truncate } from './notification-text';

/**
 * A notification as a Slack message (Block Kit, as an incoming webhook takes it): a `text`
 * fallback for notifications and screen readers, then a header, a section with what happened,
 * up to ten short fields, a context line and a button to Pulse. Slack rejects a whole message with
 * `invalid_blocks` when one text exceeds its limit, and alert content (exception messages, rule
 * names) is user data of any length, so every text is cut to its limit here, never rejected.
 * mrkdwn texts escape `&`, `<` and `>` (Slack's control characters for links and mentions) so an
 * exception message cannot ping a channel or forge a link.
 */

/** Limits of docs.slack.dev/reference/block-kit (characters). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonUrl: 3000,
  actionId: 255,
  blocks: 50,
  /** The top-level fallback; Slack truncates messages longer than 40,000 characters. */
  messageText: 3000,
} as const;

export interface PlainText { type: 'plain_text'; text: string; emoji?: boolean }
export interface Mrkdwn { type: 'mrkdwn'; text: string }
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'actions'; elements: { type: 'button'; text: PlainText; url: string; action_id: string }[] };

export interface SlackMessage { text: string; blocks: SlackBlock[] }

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const mrkdwn = (text: string, limit: number): Mrkdwn => ({ type: 'mrkdwn', text: truncate(text, limit, { escaped: true }) });
/** A field: a bold label and an escaped value. */
const field = (label: string, value: string): Mrkdwn => mrkdwn(`*${label}*\n${value === '' ? '—' : escapeMrkdwn(value)}`, SLACK_LIMITS.fieldText);

export function renderSlackMessage(notification: Notification): SlackMessage {
  const parts = notification.kind === 'issue' ? issueParts(notification) : notification.kind === 'metric' ? metricParts(notification) : releaseParts(notification);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(parts.title, SLACK_LIMITS.headerText), emoji: true } }];
  if (parts.body !== '') blocks.push({ type: 'section', text: mrkdwn(parts.body, SLACK_LIMITS.sectionText) });
  if (parts.fields.length > 0) blocks.push({ type: 'section', fields: parts.fields.slice(0, SLACK_LIMITS.sectionFields) });
  const context = [`Rule *${escapeMrkdwn(notification.rule.name)}*`, `project ${notification.projectId}`, `incident ${notification.incidentId}`, escapeMrkdwn(notification.at)];
  blocks.push({ type: 'context', elements: [mrkdwn(context.join(' · '), SLACK_LIMITS.contextText)] });
  // A cut URL is a wrong link: a link beyond Slack's limit goes without a button.
  if (notification.link.length <= SLACK_LIMITS.buttonUrl && /^https?:\/\//.test(notification.link)) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: parts.button }, url: notification.link, action_id: 'pulse-open' }] });
  }
  return { text: truncate(escapeMrkdwn(parts.fallback), SLACK_LIMITS.messageText, { escaped: true }), blocks };
}

interface MessageParts { title: string; body: string; fields: Mrkdwn[]; fallback: string; button: string }

const TRIGGER_TITLES: Record<IssueAlertNotification['trigger'], string> = {
  new_issue: 'New issue',
  regression: 'Regression',
  escalating: 'Escalating issue',
  event_frequency: 'Frequent issue',
  user_frequency: 'Issue affecting many users',
  session_percent: 'Issue in many sessions',
};

function issueParts(n: IssueAlertNotification): MessageParts {
  const { issue, event } = n;
  const exception = event.exceptionType === '' ? event.exceptionValue : event.exceptionValue === '' ? event.exceptionType : `${event.exceptionType}: ${event.exceptionValue}`;
  const what = exception === '' ? issue.title : exception;
  const body = [`*${escapeMrkdwn(what)}*`, issue.culprit === '' ? '' : escapeMrkdwn(issue.culprit), `_${escapeMrkdwn(n.reason)}_`].filter((line) => line !== '').join('\n');
  const fields = [
    field('Events', String(issue.count)),
    field('Users', String(issue.userCount ?? 0)),
    field('Release', event.release),
    field('Environment', event.environment),
    field('Level', event.level),
    field('Issue', issue.shortId),
  ];
  return { title: `${TRIGGER_TITLES[n.trigger]}: ${issue.title}`, body, fields, fallback: `[${issue.shortId}] ${TRIGGER_TITLES[n.trigger]}: ${issue.title}`, button: 'Open issue' };
}

function metricParts(n: MetricAlertNotification): MessageParts {
  const status = n.status === 'resolved' ? 'Resolved' : n.status === 'critical' ? 'Critical' : 'Warning';
  const value = n.value === null ? 'no data' : `${n.value}${n.comparison === undefined ? '' : ' %'}`;
  const filters = Object.entries(n.filters).map(([key, v]) => `${key}:${v}`).join(' ');
  const body = `*${escapeMrkdwn(n.aggregate)}* on ${escapeMrkdwn(n.dataset)}${filters === '' ? '' : ` (${escapeMrkdwn(filters)})`} is ${escapeMrkdwn(value)}`;
  const fields = [
    field('Status', `${n.status} (was ${n.previousStatus})`),
    field('Value', value),
    field('Threshold', describeThreshold(n.threshold)),
    field('Window', `${n.windowSeconds} s`),
    ...(n.comparison === undefined ? [] : [field('Compared with', `a ${n.comparison} before`)]),
  ];
  return { title: `${status}: ${n.rule.name}`, body, fields, fallback: `${status}: ${n.rule.name} (${n.aggregate} = ${value})`, button: 'Open incident' };
}

function releaseParts(n: ReleaseAlertNotification): MessageParts {
  const title = n.action === 'resolved' ? `Release recovered: ${n.canary}` : `Release ${n.verdict}: ${n.canary}`;
  const body = n.reasons.length === 0 ? '' : n.reasons.map((reason) => `• ${escapeMrkdwn(reason)}`).join('\n');
  const fields = [field('Verdict', n.verdict), field('Score', String(n.score)), field('Canary', n.canary), field('Baseline', n.baseline), field('Environment', n.environment)];
  return { title, body, fields, fallback: `${title} (score ${n.score} against ${n.baseline})`, button: 'Open verdict' };
}
