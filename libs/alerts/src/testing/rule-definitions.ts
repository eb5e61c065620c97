import type { ReleaseRuleDefinition } from '../rules/alert-rule';
import { parseAlertRule } from '../rules/rule-validation';

/**
 * A complete release rule for specs: the minimal definition a user would POST, with every default
 * filled in by the rule validation itself (so the defaults are written down once, in the
 * validation and its spec), then the overrides.
 */
export function releaseRuleDefinition(overrides: Partial<ReleaseRuleDefinition> = {}): ReleaseRuleDefinition {
  const parsed = parseAlertRule({ kind: 'release', name: 'canary', canary: '2.0.0', baseline: '1.0.0', windowMinutes: 30, actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/release-hook' }] });
  if (parsed.kind !== 'release') throw new Error('a release rule parsed as another kind');
  return { ...parsed, ...overrides };
}

/**
 * The metric rule the specs and end-to-end tests use, as a user POSTs it: p95 of `GET /checkout`
 * over a minute, every 10 s, critical above 500 ms, resolved below 300 ms, to one webhook.
 */
export function checkoutP95Rule(webhook: { url: string; secret?: string }) {
  return {
    name: 'checkout p95',
    kind: 'metric',
    aggregate: 'p95',
    dataset: 'transactions',
    filters: { transaction: 'GET /checkout' },
    windowSeconds: 60,
    evaluateEverySeconds: 10,
    critical: { above: 500 },
    resolve: { below: 300 },
    actions: [{ type: 'webhook', ...webhook }],
  };
}
