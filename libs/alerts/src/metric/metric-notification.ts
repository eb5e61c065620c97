import type { MetricAlertNotification } from '@pulse/notifiers';
import type { MetricRuleDefinition, StoredAlertRule, Threshold } from '../rules/alert-rule';
import type { MetricTransition } from './metric-state';

/**
 * What a metric alert says (MetricAlertNotification of @pulse/notifiers) on one transition of its
 * rule, and the outbox key base that names the facts: rule, incident, the status moved to and the
 * transition's number within the incident, so the key is unique per transition and the same
 * decision made twice (a retried transaction) enqueues nothing new.
 */

/** `metric:<rule>:incident:<incident>:<to>:<n>`; n counts the incident's transitions from 1 (its opening). */
export function metricAlertKeyBase(ruleId: number, incidentId: number, to: string, n: number): string {
  return `metric:${ruleId}:incident:${incidentId}:${to}:${n}`;
}

export function metricIncidentLink(projectId: number, incidentId: number): string {
  return `/api/v1/projects/${projectId}/alert-incidents/${incidentId}`;
}

type Crossed = MetricAlertNotification['threshold'];

function crossed(threshold: Threshold): NonNullable<Crossed> {
  return 'above' in threshold ? { direction: 'above', value: threshold.above } : { direction: 'below', value: threshold.below };
}

/**
 * The threshold the transition crossed: the level's own when entering warning or critical; on a
 * resolve the rule's resolve threshold, or (without one) the lowest firing threshold passed back.
 */
export function crossedThreshold(rule: MetricRuleDefinition, to: MetricTransition['to']): Crossed {
  if (to === 'critical') return crossed(rule.critical);
  if (to === 'warning') return rule.warning === undefined ? null : crossed(rule.warning);
  if (rule.resolve !== undefined) return crossed(rule.resolve);
  const firing = crossed(rule.warning ?? rule.critical);
  return { direction: firing.direction === 'above' ? 'below' : 'above', value: firing.value };
}

/** The rule's filters as the notification shows them (the vital of a web_vital_* rule among them). */
export function metricFilters(rule: MetricRuleDefinition): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const [name, value] of Object.entries(rule.filters)) if (typeof value === 'string') filters[name] = value;
  if (rule.vital !== undefined) filters.vital = rule.vital;
  return filters;
}

export function metricAlertNotification(input: { rule: StoredAlertRule<MetricRuleDefinition>; transition: MetricTransition; value: number | null; incidentId: number; atMs: number }): MetricAlertNotification {
  const { rule, transition } = input;
  const definition = rule.definition;
  return {
    kind: 'metric',
    action: transition.to === 'ok' ? 'resolved' : 'triggered',
    status: transition.to === 'ok' ? 'resolved' : transition.to,
    previousStatus: transition.from,
    projectId: rule.projectId,
    rule: { id: rule.id, name: definition.name },
    at: new Date(input.atMs).toISOString(),
    link: metricIncidentLink(rule.projectId, input.incidentId),
    incidentId: input.incidentId,
    value: input.value,
    threshold: crossedThreshold(definition, transition.to),
    aggregate: definition.aggregate,
    dataset: definition.dataset,
    windowSeconds: definition.windowSeconds,
    filters: metricFilters(definition),
    ...(definition.comparison === undefined ? {} : { comparison: definition.comparison }),
  };
}
