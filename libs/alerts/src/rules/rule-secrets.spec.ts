import type { AlertRuleDefinition, StoredAlertRule } from './alert-rule';
import { REDACTED, redactRule, restoreSecrets } from './rule-secrets';
import { AlertRuleError, parseAlertRule } from './rule-validation';

/** Secrets never leave in an answer, and "[redacted]" sent back stands for the stored secret only where it is safe. */

const WEBHOOK = { type: 'webhook', url: 'https://hooks.example.com/a', secret: 'hook-secret' };
const SLACK = { type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' };
const JIRA = { type: 'jira', url: 'https://example.atlassian.net', projectKey: 'OPS', email: 'bot@example.com', apiToken: 'jira-token' };
const stored = parseAlertRule({ name: 'r', kind: 'issue', trigger: { type: 'new_issue' }, actions: [WEBHOOK, SLACK, JIRA] });

function withActions(actions: unknown[]): AlertRuleDefinition {
  return parseAlertRule({ name: 'r', kind: 'issue', trigger: { type: 'new_issue' }, actions });
}

function problemsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    if (error instanceof AlertRuleError) return error.problems;
    throw error;
  }
  return [];
}

describe('rule secrets', () => {
  it('redacts the webhook secret and the Jira token, and nothing else', () => {
    const rule: StoredAlertRule = { id: 1, projectId: 1, definition: stored, provisionedFrom: null, createdBy: 'x', createdAt: '', updatedAt: '', version: 1 };
    const redacted = redactRule(rule);
    expect(redacted.definition.actions).toEqual([
      { ...WEBHOOK, secret: REDACTED },
      SLACK,
      { ...JIRA, apiToken: REDACTED },
    ]);
    expect(JSON.stringify(redacted)).not.toMatch(/hook-secret|jira-token/);
    expect(stored.actions[0]).toEqual(WEBHOOK);
    const unsigned = { ...rule, definition: withActions([{ type: 'webhook', url: WEBHOOK.url }]) };
    expect(redactRule(unsigned).definition.actions).toEqual([{ type: 'webhook', url: WEBHOOK.url }]);
  });

  it('keeps the stored secret for "[redacted]" at the same place, type and url', () => {
    const sentBack = withActions([{ ...WEBHOOK, secret: REDACTED }, SLACK, { ...JIRA, apiToken: REDACTED, projectKey: 'SRE' }]);
    expect(restoreSecrets(sentBack, stored).actions).toEqual([WEBHOOK, SLACK, { ...JIRA, projectKey: 'SRE' }]);
    const changed = withActions([{ ...WEBHOOK, secret: 'new' }, SLACK, JIRA]);
    expect(restoreSecrets(changed, stored).actions[0]).toEqual({ ...WEBHOOK, secret: 'new' });
  });

  it('refuses "[redacted]" that stands for no stored secret', () => {
    expect(problemsOf(() => restoreSecrets(withActions([{ ...WEBHOOK, secret: REDACTED }]), undefined))).toEqual([
      'actions[0].secret is "[redacted]", which stands for a stored secret, and a new rule has none: send the secret',
    ]);
    // Another url: the stored Jira token must not be sent to a site the writer chose.
    expect(problemsOf(() => restoreSecrets(withActions([WEBHOOK, SLACK, { ...JIRA, url: 'https://evil.example.com', apiToken: REDACTED }]), stored))).toEqual([
      'actions[2].apiToken is "[redacted]", but the stored rule has no jira action with its apiToken and the same url at actions[2]: send the secret',
    ]);
    // Moved to another place in the list.
    expect(problemsOf(() => restoreSecrets(withActions([SLACK, { ...WEBHOOK, secret: REDACTED }]), stored))).toHaveLength(1);
  });
});
