import type { MetricRuleDefinition, StoredAlertRule } from '../rules/alert-rule';
import { groupRules, nextDueMs, percentChange } from './metric-evaluator';
import { crossedThreshold, metricAlertKeyBase, metricAlertNotification, metricFilters } from './metric-notification';

const DEFINITION: MetricRuleDefinition = {
  kind: 'metric',
  name: 'lcp',
  enabled: true,
  actions: [],
  aggregate: 'web_vital_p75',
  dataset: 'web_vitals',
  vital: 'lcp',
  filters: { transaction: '/checkout', environment: 'production' },
  windowSeconds: 600,
  evaluateEverySeconds: 60,
  critical: { above: 4000 },
  warning: { above: 2500 },
  triggerAfter: 1,
  resolveAfter: 1,
  guardSeconds: 0,
};

const stored = (id: number, projectId: number, definition: Partial<MetricRuleDefinition> = {}): StoredAlertRule<MetricRuleDefinition> => ({
  id,
  projectId,
  definition: { ...DEFINITION, ...definition },
  provisionedFrom: null,
  createdBy: 'spec',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
});

describe('metric notifications', () => {
  it('names the facts in the key base', () => {
    expect(metricAlertKeyBase(3, 9, 'critical', 1)).toBe('metric:3:incident:9:critical:1');
  });

  it('gives the threshold each transition crossed', () => {
    expect(crossedThreshold(DEFINITION, 'critical')).toEqual({ direction: 'above', value: 4000 });
    expect(crossedThreshold(DEFINITION, 'warning')).toEqual({ direction: 'above', value: 2500 });
    expect(crossedThreshold(DEFINITION, 'ok')).toEqual({ direction: 'below', value: 2500 });
    expect(crossedThreshold({ ...DEFINITION, resolve: { below: 2000 } }, 'ok')).toEqual({ direction: 'below', value: 2000 });
    expect(crossedThreshold({ ...DEFINITION, warning: undefined, critical: { below: 0.99 } }, 'ok')).toEqual({ direction: 'above', value: 0.99 });
  });

  it('shows the filters with the vital', () => {
    expect(metricFilters(DEFINITION)).toEqual({ transaction: '/checkout', environment: 'production', vital: 'lcp' });
  });

  it('says resolved when the rule goes back to ok, with the link to the incident', () => {
    const notification = metricAlertNotification({ rule: stored(3, 5), transition: { from: 'warning', to: 'ok' }, value: 1800, incidentId: 9, atMs: Date.UTC(2026, 11, 7) });
    expect(notification).toEqual({
      kind: 'metric',
      action: 'resolved',
      status: 'resolved',
      previousStatus: 'warning',
      projectId: 5,
      rule: { id: 3, name: 'lcp' },
      at: '2026-12-07T00:00:00.000Z',
      link: '/api/v1/projects/5/alert-incidents/9',
      incidentId: 9,
      value: 1800,
      threshold: { direction: 'below', value: 2500 },
      aggregate: 'web_vital_p75',
      dataset: 'web_vitals',
      windowSeconds: 600,
      filters: { transaction: '/checkout', environment: 'production', vital: 'lcp' },
    });
  });
});

describe('change and grouping', () => {
  it('computes the % change, null without a baseline', () => {
    expect(percentChange(30, 10)).toBe(200);
    expect(percentChange(5, 10)).toBe(-50);
    expect(percentChange(5, 0)).toBeNull();
    expect(percentChange(null, 10)).toBeNull();
    expect(percentChange(5, null)).toBeNull();
  });

  it('groups by project and dataset; windows of an hour or more, and change alerts, also by window', () => {
    const rules = [
      stored(1, 1),
      stored(2, 1),
      stored(3, 2),
      stored(4, 1, { windowSeconds: 300 }),
      stored(5, 1, { comparison: 'day' }),
      stored(6, 1, { aggregate: 'p95', dataset: 'transactions' }),
      stored(7, 1, { windowSeconds: 3600 }),
      stored(8, 1, { windowSeconds: 7200 }),
      stored(9, 1, { windowSeconds: 3600 }),
    ];
    expect(groupRules(rules).map((group) => group.map((rule) => rule.id))).toEqual([[1, 2, 4], [3], [5], [6], [7, 9], [8]]);
  });

  it('falls due on whole multiples of the period, so rules of one period share a tick', () => {
    expect(nextDueMs(1_000_000_000_123, 10)).toBe(1_000_000_010_000);
    expect(nextDueMs(1_000_000_010_000, 10)).toBe(1_000_000_020_000);
    expect(nextDueMs(1_000_000_000_123, 60)).toBe(1_000_000_020_000);
  });
});
