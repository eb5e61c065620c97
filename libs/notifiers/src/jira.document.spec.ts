import { ticketJqlOf, jiraDestinationOf } from './jira.destination';
import { commentOf, descriptionOf, summaryOf, ticketLabelOf } from './jira.document';
import { adfProblem, issueNotification, metricNotification, releaseNotification } from './testing';

describe('Jira documents', () => {
  it('labels the ticket by issue, or by incident for metric and release alerts', () => {
    expect(ticketLabelOf(issueNotification())).toBe('pulse-issue-42');
    expect(ticketLabelOf(metricNotification())).toBe('pulse-incident-200');
    expect(ticketLabelOf(releaseNotification())).toBe('pulse-incident-300');
    expect(ticketJqlOf('OPS', 'pulse-issue-42')).toBe('project = OPS AND labels = "pulse-issue-42"');
  });

  it('keys the registry by site and project, apart for incidents', () => {
    const action = { type: 'jira' as const, url: 'https://x.atlassian.net/', projectKey: 'OPS', email: 'a@b', apiToken: 't' };
    expect(jiraDestinationOf(action, 'issue')).toBe('https://x.atlassian.net|OPS');
    expect(jiraDestinationOf(action, 'incident')).toBe('https://x.atlassian.net|OPS|incident');
  });

  it('makes a one-line summary of at most 255 characters', () => {
    expect(summaryOf(issueNotification())).toBe("[CHECKOUT-1A] TypeError: Cannot read properties of undefined (reading 'id')");
    const notification = issueNotification();
    const summary = summaryOf({ ...notification, issue: { ...notification.issue, title: `line one\nline two\r\n${'x'.repeat(1000)}` } });
    expect(summary).not.toMatch(/[\r\n]/);
    expect(summary.length).toBe(255);
    expect(summaryOf(metricNotification())).toBe('Slow checkout: p95(transaction.duration) critical');
  });

  it.each([
    ['issue', issueNotification()],
    ['metric', metricNotification()],
    ['release', releaseNotification()],
    ['issue with empty fields', issueNotification({ reason: '', event: { ...issueNotification().event, release: '', exceptionType: '', exceptionValue: '' } })],
    ['release with empty reasons', releaseNotification({ reasons: ['', 'x'.repeat(50_000)] })],
  ])('writes a valid ADF description and comment for a %s notification', (_name, notification) => {
    expect(adfProblem(descriptionOf(notification), 'description')).toBeUndefined();
    expect(adfProblem(commentOf(notification), 'comment')).toBeUndefined();
  });

  it('keeps the worst-case description within Jira\'s 32,767 characters', () => {
    const huge = 'x'.repeat(100_000);
    const notification = issueNotification({ reason: huge, rule: { id: 1, name: huge } });
    const worst = { ...notification, issue: { ...notification.issue, title: huge, culprit: huge, shortId: huge, firstSeen: huge, lastSeen: huge }, event: { ...notification.event, release: huge, environment: huge, eventId: huge, exceptionValue: huge } };
    expect(adfProblem(descriptionOf(worst), 'description')).toBeUndefined();
    expect(adfProblem(descriptionOf(releaseNotification({ reasons: Array.from({ length: 100 }, () => huge), canary: huge, baseline: huge, environment: huge, rule: { id: 1, name: huge } })), 'description')).toBeUndefined();
  });

  it('says what happened in the comment of a further notification', () => {
    const comment = JSON.stringify(commentOf(issueNotification({ trigger: 'regression', reason: 'The issue came back in web@1.5.0' })));
    expect(comment).toContain('Alert again (regression): The issue came back in web@1.5.0');
    expect(JSON.stringify(commentOf(metricNotification({ action: 'resolved', status: 'resolved', value: 100 })))).toContain('Resolved: p95(transaction.duration) = 100');
  });
});
