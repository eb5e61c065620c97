import { truncate } from './notification-text';
import { escapeMrkdwn, renderSlackMessage, SLACK_LIMITS } from './slack.message';
import { issueNotification, metricNotification, releaseNotification, slackMessageProblem } from './testing';

const huge = (unit: string) => unit.repeat(10_000);

describe('truncate', () => {
  it('keeps short text and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('never splits a surrogate pair or an escape', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab…');
    expect(truncate('ab&amp;cd', 5, { escaped: true })).toBe('ab…');
    expect(truncate('ab&amp;cd', 5)).toBe('ab&a…');
  });
});

describe('escapeMrkdwn', () => {
  it('escapes the three control characters', () => {
    expect(escapeMrkdwn('<!channel> & <http://evil|click>')).toBe('&lt;!channel&gt; &amp; &lt;http://evil|click&gt;');
  });
});

describe('renderSlackMessage', () => {
  it('renders an issue alert: header, exception and culprit, fields, context and a link button', () => {
    const message = renderSlackMessage(issueNotification());
    expect(slackMessageProblem(message)).toBeUndefined();
    expect(message.text).toBe("[CHECKOUT-1A] New issue: TypeError: Cannot read properties of undefined (reading 'id')");
    expect(message.blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'context', 'actions']);
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: "*TypeError: Cannot read properties of undefined (reading 'id')*\napp/checkout in submitOrder\n_A new issue was seen_" } });
    const fields = message.blocks[2].type === 'section' ? message.blocks[2].fields ?? [] : [];
    expect(fields.map((field) => field.text)).toEqual(['*Events*\n3', '*Users*\n2', '*Release*\nweb@1.4.2', '*Environment*\nproduction', '*Level*\nerror', '*Issue*\nCHECKOUT-1A']);
    expect(message.blocks[4]).toEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open issue' }, url: 'http://127.0.0.1:8000/api/0/issues/42/', action_id: 'pulse-open' }] });
  });

  it('escapes user content in mrkdwn', () => {
    const notification = issueNotification();
    const message = renderSlackMessage({ ...notification, event: { ...notification.event, exceptionValue: '<!here> a & b' } });
    expect(JSON.stringify(message.blocks[1])).toContain('&lt;!here&gt; a &amp; b');
  });

  it('cuts every text of absurdly long input to its limit, and Slack would accept it', () => {
    const notification = issueNotification({ rule: { id: 1, name: huge('r') }, reason: huge('&') });
    const long = { ...notification, issue: { ...notification.issue, title: huge('t'), culprit: huge('<') }, event: { ...notification.event, release: huge('😀'), exceptionValue: huge('>') } };
    const message = renderSlackMessage(long);
    expect(slackMessageProblem(message)).toBeUndefined();
    const header = message.blocks[0].type === 'header' ? message.blocks[0].text.text : '';
    expect(header.length).toBe(SLACK_LIMITS.headerText);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    const body = message.blocks[1].type === 'section' ? message.blocks[1].text?.text ?? '' : '';
    expect(body.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(body.length).toBeGreaterThan(SLACK_LIMITS.sectionText - 5); // an escape is never cut in half
    expect(body).toMatch(/&gt;…$/);
  });

  it('drops the button rather than cut a link too long for Slack', () => {
    const message = renderSlackMessage(issueNotification({ link: `https://pulse.example.com/${'x'.repeat(3000)}` }));
    expect(message.blocks.map((block) => block.type)).not.toContain('actions');
    expect(slackMessageProblem(message)).toBeUndefined();
  });

  it('renders metric alerts with value, threshold and window, and resolves', () => {
    const message = renderSlackMessage(metricNotification());
    expect(slackMessageProblem(message)).toBeUndefined();
    expect(message.text).toBe('Critical: Slow checkout (p95(transaction.duration) = 812.5)');
    expect(JSON.stringify(message.blocks[2])).toContain('*Threshold*\\nabove 500');
    const resolved = renderSlackMessage(metricNotification({ action: 'resolved', status: 'resolved', previousStatus: 'critical', value: null, threshold: null }));
    expect(resolved.text).toBe('Resolved: Slow checkout (p95(transaction.duration) = no data)');
    expect(slackMessageProblem(resolved)).toBeUndefined();
  });

  it('renders release verdicts with their reasons, and without any', () => {
    const message = renderSlackMessage(releaseNotification());
    expect(slackMessageProblem(message)).toBeUndefined();
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '• crash-free sessions 97.1% &lt; 99%\n• p95 duration +38%' } });
    expect(slackMessageProblem(renderSlackMessage(releaseNotification({ reasons: [], verdict: 'pass', action: 'resolved' })))).toBeUndefined();
  });
});
