import type { IssueAlertNotification, MetricAlertNotification, Notification, ReleaseAlertNotification } from './notification';
import { describeMetric, truncate } from './notification-text';

/**
 * What a notification says in Jira: the summary, labels and description of a new ticket, and the
 * comment a further notification adds. Descriptions and comments are Atlassian Document Format
 * (developer.atlassian.com/cloud/jira/platform/apis/document/structure/), which Jira Cloud's REST
 * v3 requires: a `doc` of block nodes (paragraph, bulletList), whose text nodes must not
 * be empty. Jira caps a summary at 255 characters on one line and a text field at 32,767; user
 * data of any length is cut to fit, never rejected.
 */

/** Per piece of text, and for the reasons of a verdict: together they keep a description far below 32,767. */
export const JIRA_LIMITS = { summary: 255, text: 2000, reasons: 20, reason: 500 } as const;

export interface AdfText { type: 'text'; text: string; marks?: ({ type: 'code' } | { type: 'strong' } | { type: 'link'; attrs: { href: string } })[] }
export interface AdfParagraph { type: 'paragraph'; content: AdfText[] }
export type AdfBlock = AdfParagraph | { type: 'bulletList'; content: { type: 'listItem'; content: AdfParagraph[] }[] };
export interface AdfDoc { type: 'doc'; version: 1; content: AdfBlock[] }

/** The label that finds the one ticket of an issue (or of a metric or release incident). */
export function ticketLabelOf(notification: Notification): string {
  return notification.kind === 'issue' ? `pulse-issue-${notification.issue.id}` : `pulse-incident-${notification.incidentId}`;
}

export function summaryOf(notification: Notification): string {
  const text =
    notification.kind === 'issue'
      ? `[${notification.issue.shortId}] ${notification.issue.title}`
      : notification.kind === 'metric'
        ? `${notification.rule.name}: ${notification.aggregate} ${notification.status}`
        : `Release ${notification.canary}: ${notification.verdict} (score ${notification.score})`;
  return truncate(text.replace(/\s+/g, ' ').trim(), JIRA_LIMITS.summary);
}

const text = (value: string, marks?: AdfText['marks']): AdfText => ({ type: 'text', text: truncate(value, JIRA_LIMITS.text), ...(marks === undefined ? {} : { marks }) });
/** A paragraph of the non-empty pieces (ADF rejects empty text nodes); a dash when nothing is left. */
const paragraph = (...pieces: AdfText[]): AdfParagraph => {
  const content = pieces.filter((piece) => piece.text !== '');
  return { type: 'paragraph', content: content.length === 0 ? [text('—')] : content };
};
const line = (label: string, value: string): AdfBlock => paragraph(text(`${label}: `, [{ type: 'strong' }]), text(value === '' ? '—' : value));
const link = (href: string): AdfBlock => paragraph(text('Open in Pulse', [{ type: 'link', attrs: { href } }]));

export function descriptionOf(notification: Notification): AdfDoc {
  const content = notification.kind === 'issue' ? issueBlocks(notification) : notification.kind === 'metric' ? metricBlocks(notification) : releaseBlocks(notification);
  return { type: 'doc', version: 1, content: [...content, line('Rule', notification.rule.name), link(notification.link)] };
}

/** The comment a further notification adds to the existing ticket (a regression, a resolve). */
export function commentOf(notification: Notification): AdfDoc {
  const heading =
    notification.kind === 'issue'
      ? `Alert again (${notification.trigger}): ${notification.reason}`
      : notification.kind === 'metric'
        ? `${notification.status === 'resolved' ? 'Resolved' : `Now ${notification.status}`}: ${describeMetric(notification)}`
        : `Release ${notification.action === 'resolved' ? 'recovered' : notification.verdict}: score ${notification.score}`;
  return { type: 'doc', version: 1, content: [paragraph(text(heading.replace(/\s+/g, ' ').trim())), line('At', notification.at), link(notification.link)] };
}

function issueBlocks(n: IssueAlertNotification): AdfBlock[] {
  const { issue, event } = n;
  const exception = [event.exceptionType, event.exceptionValue].filter((part) => part !== '').join(': ');
  return [
    paragraph(text(exception === '' ? issue.title : exception, [{ type: 'strong' }])),
    paragraph(text(issue.culprit, [{ type: 'code' }])),
    paragraph(text(n.reason)),
    line('Issue', `${issue.shortId} (${issue.level}, ${issue.platform})`),
    line('Events', `${issue.count}, users: ${issue.userCount ?? 0}`),
    line('First seen', issue.firstSeen),
    line('Last seen', issue.lastSeen),
    line('Release', event.release),
    line('Environment', event.environment),
    line('Event', event.eventId),
  ];
}

function metricBlocks(n: MetricAlertNotification): AdfBlock[] {
  return [paragraph(text(describeMetric(n).replace(/\n/g, ' · '))), line('Status', `${n.status} (was ${n.previousStatus})`), line('Dataset', n.dataset), line('Incident', String(n.incidentId))];
}

function releaseBlocks(n: ReleaseAlertNotification): AdfBlock[] {
  const reasons: AdfBlock[] =
    n.reasons.length === 0
      ? []
      : [{ type: 'bulletList', content: n.reasons.slice(0, JIRA_LIMITS.reasons).map((reason) => ({ type: 'listItem', content: [paragraph(text(truncate(reason, JIRA_LIMITS.reason)))] })) }];
  return [line('Verdict', `${n.verdict}, score ${n.score}`), line('Canary', n.canary), line('Baseline', n.baseline), line('Environment', n.environment), ...reasons];
}
