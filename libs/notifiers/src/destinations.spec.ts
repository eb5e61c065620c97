import { checkAlertAction, DESTINATIONS, sendDelivery } from './destinations';
import { deliveryOf, issueNotification } from './testing';
import type { AlertAction } from './destination';

describe('checkAlertAction', () => {
  it.each<[string, unknown]>([
    ['webhook', { type: 'webhook', url: 'https://hooks.example.com/pulse' }],
    ['signed webhook', { type: 'webhook', url: 'http://127.0.0.1:9000/x?team=a', secret: 's'.repeat(256) }],
    ['slack', { type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/XYZ' }],
    ['jira', { type: 'jira', url: 'https://example.atlassian.net/', projectKey: 'OPS', email: 'bot@example.com', apiToken: 'tok' }],
    ['jira with issue type', { type: 'jira', url: 'https://example.atlassian.net', projectKey: 'A_1', issueType: 'Task', email: 'a@b', apiToken: 't' }],
  ])('accepts a valid %s action', (_name, action) => {
    expect(checkAlertAction(action)).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['a non-object', 'webhook', ['must be an object with a type']],
    ['an array', [], ['must be an object with a type']],
    ['an unknown type', { type: 'email', url: 'https://x' }, ['type must be one of webhook, slack, jira']],
    ['a missing url', { type: 'slack' }, ['url must be a non-empty string']],
    ['a relative url', { type: 'webhook', url: '/hook' }, ['url must be an absolute http(s) URL']],
    ['a file url', { type: 'webhook', url: 'file:///etc/passwd' }, ['url must be an http(s) URL']],
    ['credentials in the url', { type: 'webhook', url: 'https://user:pw@example.com/hook' }, ['url must not contain credentials']],
    ['a too long url', { type: 'slack', url: `https://example.com/${'a'.repeat(2048)}` }, ['url must be at most 2048 characters']],
    ['a too long secret', { type: 'webhook', url: 'https://example.com', secret: 's'.repeat(257) }, ['secret must be at most 256 characters']],
    ['an empty secret', { type: 'webhook', url: 'https://example.com', secret: '' }, ['secret must be a non-empty string']],
    ['an unknown field', { type: 'slack', url: 'https://example.com', channel: '#ops' }, ['channel is not a field of a slack action (known: type, url)']],
    ['a jira url with a query', { type: 'jira', url: 'https://x.atlassian.net/?a=1', projectKey: 'OPS', email: 'a@b', apiToken: 't' }, ['url must not have a query or fragment']],
  ])('refuses %s', (_name, action, problems) => {
    expect(checkAlertAction(action)).toEqual(problems);
  });

  it.each(['ops', 'O', '1OPS', 'OPS-1', 'ABCDEFGHIJK'])('refuses the Jira project key %j', (projectKey) => {
    expect(checkAlertAction({ type: 'jira', url: 'https://x.atlassian.net', projectKey, email: 'a@b', apiToken: 't' })).toEqual([
      'projectKey must match ^[A-Z][A-Z0-9_]{1,9}$ (a Jira project key such as OPS)',
    ]);
  });

  it('names every problem of a Jira action', () => {
    expect(checkAlertAction({ type: 'jira', url: 'ftp://x', projectKey: 'OPS', email: 'nobody', apiToken: '' })).toEqual([
      'url must be an http(s) URL',
      'email must be an email address',
      'apiToken must be a non-empty string',
    ]);
  });

  it('has a destination for every action type', () => {
    expect(Object.entries(DESTINATIONS).map(([type, destination]) => [type, destination.type])).toEqual([
      ['webhook', 'webhook'],
      ['slack', 'slack'],
      ['jira', 'jira'],
    ]);
  });
});

describe('sendDelivery', () => {
  it('fails for good, without a request, when the stored action no longer passes its checks', async () => {
    const action = { type: 'webhook', url: 'javascript:alert(1)' } as AlertAction;
    expect(await sendDelivery(deliveryOf(issueNotification(), action))).toEqual({ ok: false, retry: false, error: 'invalid webhook action: url must be an http(s) URL' });
  });
});
