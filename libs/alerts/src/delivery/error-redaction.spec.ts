import { redactSecrets } from './error-redaction';

describe('redactSecrets', () => {
  it('cuts a Slack webhook path (the token) out of a message', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    const redacted = redactSecrets(`POST ${url} failed; retried /services/T000/B000/XXXXSECRET`, { type: 'slack', url });
    expect(redacted).not.toContain('XXXXSECRET');
    expect(redacted).toContain('hooks.slack.com');
  });

  it('cuts a webhook secret, URL credentials and query values', () => {
    const url = 'https://user:hunter2@hooks.example.com/alerts?token=abc123';
    const redacted = redactSecrets(`connect to ${url} refused; signing key s3cr3t-key; token=abc123; pw hunter2`, { type: 'webhook', url, secret: 's3cr3t-key' });
    for (const secret of ['s3cr3t-key', 'abc123', 'hunter2']) expect(redacted).not.toContain(secret);
    expect(redacted).toContain('hooks.example.com/alerts');
  });

  it('cuts a Jira API token and leaves a message without secrets as it was', () => {
    const action = { type: 'jira' as const, url: 'https://acme.atlassian.net', projectKey: 'OPS', email: 'bot@acme.io', apiToken: 'tok-987' };
    expect(redactSecrets('HTTP 401: bad credentials tok-987', action)).toBe('HTTP 401: bad credentials ***');
    expect(redactSecrets('HTTP 503: busy', action)).toBe('HTTP 503: busy');
  });
});
