import { checkAlertAction } from '@pulse/notifiers';
import type { AlertAction } from '@pulse/notifiers';
import type { AlertRuleDefinition, IssueRuleDefinition, IssueRuleFilters, IssueRuleTrigger } from './alert-rule';
import { metricRuleOf } from './metric-rule-validation';
import { releaseRuleOf } from './release-rule-validation';
import { definedEntries, Fields, isJsonObject } from './rule-fields';
import {
  DEFAULT_ACTION_INTERVAL_MINUTES,
  MAX_ACTION_INTERVAL_MINUTES,
  MAX_ACTIONS_PER_RULE,
  MAX_COUNT,
  MAX_FILTER_TAGS,
  MAX_FILTER_VALUE_LENGTH,
  MAX_RULE_NAME_LENGTH,
  MAX_WINDOW_SECONDS,
  MIN_WINDOW_SECONDS,
} from './rule-limits';

/**
 * The one gate of alert rules: the API (POST/PUT …/alert-rules) and the provisioning file hand
 * their JSON to parseAlertRule, and only what it returns is stored. It rejects anything that would
 * be silently wrong later (an unknown field, an aggregate of another dataset, a threshold on the
 * wrong side) with every problem named by its field path, and fills every default alert-rule.ts
 * documents, so stored definitions are complete and the evaluators never re-apply defaults.
 * The kind-specific checks are in metric-rule-validation.ts and release-rule-validation.ts.
 */

/** An invalid rule: `problems` name each field that is wrong (`trigger.count must be …`). */
export class AlertRuleError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid alert rule: ${problems.join('; ')}`);
    this.name = 'AlertRuleError';
  }
}

export const RULE_KINDS = ['issue', 'metric', 'release'] as const;
const ISSUE_LEVELS = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
const ISSUE_TRIGGER_TYPES = ['new_issue', 'regression', 'escalating', 'event_frequency', 'user_frequency', 'session_percent'] as const;

/** The checked and completed definition of `input`; AlertRuleError naming every problem otherwise. */
export function parseAlertRule(input: unknown): AlertRuleDefinition {
  if (!isJsonObject(input)) throw new AlertRuleError(['the rule must be a JSON object']);
  const problems: string[] = [];
  const fields = new Fields(input, '', problems);
  const kind = fields.oneOf('kind', RULE_KINDS, { required: true });
  if (kind === undefined) throw new AlertRuleError(problems);
  const base = { name: fields.string('name', { maxLength: MAX_RULE_NAME_LENGTH, required: true }), enabled: fields.boolean('enabled', true), actions: actionsOf(fields) };
  const definition = kind === 'issue' ? issueRuleOf(fields) : kind === 'metric' ? metricRuleOf(fields) : releaseRuleOf(fields);
  fields.rejectUnknown(`${kind === 'issue' ? 'an' : 'a'} ${kind} rule`);
  if (problems.length > 0) throw new AlertRuleError(problems);
  // With no problem recorded, every required read returned a value.
  return { ...base, ...definition } as AlertRuleDefinition;
}

/** Each action checked by its destination (@pulse/notifiers), its problems under `actions[i].`. */
function actionsOf(fields: Fields): AlertAction[] | undefined {
  const actions = fields.array('actions', 1, MAX_ACTIONS_PER_RULE, { required: true });
  if (actions === undefined) return undefined;
  const before = fields.problems.length;
  actions.forEach((action, index) => {
    // A problem of the whole action (`must be an object with a type`) names no field.
    for (const problem of checkAlertAction(action)) fields.problem(`${fields.path('actions')}[${index}]${problem.startsWith('must ') ? ' ' : '.'}${problem}`);
  });
  return fields.problems.length === before ? (actions as AlertAction[]).map((action) => ({ ...action })) : undefined;
}

function issueRuleOf(fields: Fields): Partial<IssueRuleDefinition> {
  return {
    kind: 'issue',
    trigger: issueTriggerOf(fields),
    filters: issueFiltersOf(fields),
    actionIntervalMinutes: fields.integer('actionIntervalMinutes', 1, MAX_ACTION_INTERVAL_MINUTES, DEFAULT_ACTION_INTERVAL_MINUTES),
  };
}

function issueTriggerOf(parent: Fields): IssueRuleTrigger | undefined {
  const fields = parent.object('trigger', { required: true });
  if (fields === undefined) return undefined;
  const type = fields.oneOf('type', ISSUE_TRIGGER_TYPES, { required: true });
  if (type === undefined) return undefined;
  const trigger = triggerOfType(fields, type);
  fields.rejectUnknown(`a ${type} trigger`);
  return trigger;
}

function triggerOfType(fields: Fields, type: IssueRuleTrigger['type']): IssueRuleTrigger | undefined {
  switch (type) {
    case 'new_issue':
    case 'regression':
    case 'escalating':
      return { type };
    case 'event_frequency':
    case 'user_frequency': {
      const count = fields.integer('count', 1, MAX_COUNT);
      const windowSeconds = fields.integer('windowSeconds', MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
      return count === undefined || windowSeconds === undefined ? undefined : { type, count, windowSeconds };
    }
    case 'session_percent': {
      const percent = fields.number('percent', { min: 0, max: 100, exclusive: true, describe: 'a percentage greater than 0 and less than 100' });
      const windowSeconds = fields.integer('windowSeconds', MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS);
      return percent === undefined || windowSeconds === undefined ? undefined : { type, percent, windowSeconds };
    }
  }
}

function issueFiltersOf(parent: Fields): IssueRuleFilters | undefined {
  if (!parent.has('filters')) return {};
  const fields = parent.object('filters');
  if (fields === undefined) return undefined;
  const filters: IssueRuleFilters = definedEntries({
    environment: fields.string('environment', { maxLength: MAX_FILTER_VALUE_LENGTH }),
    release: fields.string('release', { maxLength: MAX_FILTER_VALUE_LENGTH }),
    level: fields.oneOf('level', ISSUE_LEVELS),
    platform: fields.string('platform', { maxLength: MAX_FILTER_VALUE_LENGTH }),
    tags: tagsOf(fields),
  });
  fields.rejectUnknown('the filters of an issue rule');
  return filters;
}

function tagsOf(fields: Fields): Record<string, string> | undefined {
  const tags = fields.object('tags');
  if (tags === undefined) return undefined;
  const entries = Object.entries(tags.value);
  if (entries.length === 0 || entries.length > MAX_FILTER_TAGS) {
    fields.problem(`${fields.path('tags')} must name 1 to ${MAX_FILTER_TAGS} tags`);
    return undefined;
  }
  for (const [key] of entries) {
    if (key.trim().length === 0 || key.length > MAX_FILTER_VALUE_LENGTH) fields.problem(`${fields.path('tags')} has a key that is blank or longer than ${MAX_FILTER_VALUE_LENGTH} characters`);
    tags.string(key, { maxLength: MAX_FILTER_VALUE_LENGTH });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}
