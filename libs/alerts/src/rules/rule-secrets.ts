import type { AlertAction } from '@pulse/notifiers';
import type { AlertRuleDefinition, StoredAlertRule } from './alert-rule';
import { AlertRuleError } from './rule-validation';

/**
 * Secrets of rule actions (a webhook's signing `secret`, a Jira `apiToken`) are written, never read
 * back: everything the API returns goes through redactRule, which puts REDACTED in their place.
 * So that a client can GET a rule, change a threshold and PUT it back without knowing the secret,
 * a PUT that sends REDACTED keeps the stored value, as Grafana does with its secure fields. The
 * stored secret is kept only for the action at the same place in the list, of the same type and
 * with the same URL: a write token must not be able to send a stored Jira token to a URL of its
 * choosing. A new rule (POST, a provisioning file) has no stored secret, so REDACTED is refused.
 */
export const REDACTED = '[redacted]';

/** The fields of each action type that hold a secret. */
const SECRET_FIELDS: { readonly [T in AlertAction['type']]: readonly string[] } = { webhook: ['secret'], slack: [], jira: ['apiToken'] };

export function redactAction(action: AlertAction): AlertAction {
  const redacted: Record<string, unknown> = { ...action };
  for (const field of SECRET_FIELDS[action.type]) {
    if (redacted[field] !== undefined) redacted[field] = REDACTED;
  }
  return redacted as unknown as AlertAction;
}

export function redactDefinition<D extends AlertRuleDefinition>(definition: D): D {
  return { ...definition, actions: definition.actions.map(redactAction) };
}

/** The rule as the API answers it: every secret replaced by REDACTED. */
export function redactRule<D extends AlertRuleDefinition>(rule: StoredAlertRule<D>): StoredAlertRule<D> {
  return { ...rule, definition: redactDefinition(rule.definition) };
}

/**
 * `definition` with each REDACTED secret replaced by the stored one of `previous` (the rule being
 * replaced; undefined for a new rule). AlertRuleError naming each REDACTED that has no stored
 * secret to stand for.
 */
export function restoreSecrets<D extends AlertRuleDefinition>(definition: D, previous: AlertRuleDefinition | undefined): D {
  const problems: string[] = [];
  const actions = definition.actions.map((action, index) => {
    const restored: Record<string, unknown> = { ...action };
    const before = previous?.actions[index] as Record<string, unknown> | undefined;
    for (const field of SECRET_FIELDS[action.type]) {
      if (restored[field] !== REDACTED) continue;
      const stored = before !== undefined && before.type === action.type && before.url === action.url ? before[field] : undefined;
      if (typeof stored === 'string') {
        restored[field] = stored;
      } else {
        problems.push(
          previous === undefined
            ? `actions[${index}].${field} is "${REDACTED}", which stands for a stored secret, and a new rule has none: send the secret`
            : `actions[${index}].${field} is "${REDACTED}", but the stored rule has no ${action.type} action with its ${field} and the same url at actions[${index}]: send the secret`,
        );
      }
    }
    return restored as unknown as AlertAction;
  });
  if (problems.length > 0) throw new AlertRuleError(problems);
  return { ...definition, actions };
}
