import { Injectable } from '@nestjs/common';
import { AlertRuleError, AlertRuleNotFound, AlertRuleStore, parseAlertRule, ProvisionedRuleError, RULE_KINDS, redactRule, TooManyAlertRules } from '@pulse/alerts';
import type { AlertRuleKind } from '@pulse/alerts';
import { ApiError } from '@pulse/platform';
import { AlertRuleView, ruleView } from './alert-rules.dto';

/**
 * The alert rules API over AlertRuleStore: parses ids and bodies (parseAlertRule), answers every
 * rule redacted, and turns the store's refusals into statuses: an invalid rule or id 400, a rule
 * not in the project 404, a provisioned rule or a project at its rule limit 409. PostgreSQL out
 * of reach becomes a 503 in AnalyticsErrorsInterceptor, as for the issue endpoints.
 */
@Injectable()
export class AlertRulesService {
  constructor(private readonly store: AlertRuleStore) {}

  async create(projectId: number, body: unknown, actor: string): Promise<AlertRuleView> {
    const definition = parsed(body);
    return ruleView(redactRule(await answer(() => this.store.create(projectId, definition, actor))));
  }

  async list(projectId: number, kind: string | undefined): Promise<{ data: AlertRuleView[] }> {
    const rules = await this.store.list(projectId, { kind: kindOf(kind) });
    return { data: rules.map((rule) => ruleView(redactRule(rule))) };
  }

  async get(projectId: number, ruleId: string): Promise<AlertRuleView> {
    const id = ruleIdOf(ruleId);
    const rule = await this.store.get(projectId, id);
    if (rule === undefined) throw new ApiError(404, new AlertRuleNotFound(projectId, id).message);
    return ruleView(redactRule(rule));
  }

  async replace(projectId: number, ruleId: string, body: unknown, actor: string): Promise<AlertRuleView> {
    const id = ruleIdOf(ruleId);
    const definition = parsed(body);
    return ruleView(redactRule(await answer(() => this.store.replace(projectId, id, definition, actor))));
  }

  async delete(projectId: number, ruleId: string): Promise<void> {
    const id = ruleIdOf(ruleId);
    await answer(() => this.store.delete(projectId, id));
  }
}

/**
 * A 400 whose body names each problem: the ErrorBody every Pulse API answers (`detail`, `causes`)
 * plus `error` and `problems`, the fields clients of the rules API read.
 */
export class RuleProblemsError extends ApiError {
  constructor(
    private readonly summary: string,
    readonly problems: string[],
  ) {
    super(400, summary, problems);
  }

  override getResponse(): Record<string, unknown> {
    return { ...(super.getResponse() as Record<string, unknown>), error: this.summary, problems: this.problems };
  }
}

function parsed(body: unknown): ReturnType<typeof parseAlertRule> {
  try {
    return parseAlertRule(body);
  } catch (error) {
    throw asApiError(error);
  }
}

/** The store's refusals as ApiErrors. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asApiError(error);
  }
}

function asApiError(error: unknown): unknown {
  if (error instanceof AlertRuleError) return new RuleProblemsError('invalid alert rule', error.problems);
  if (error instanceof AlertRuleNotFound) return new ApiError(404, error.message);
  if (error instanceof ProvisionedRuleError || error instanceof TooManyAlertRules) return new ApiError(409, error.message);
  return error;
}

/** A rule id: a positive integer of at most 15 digits (a bigint id PostgreSQL can hold, exact in JS). */
function ruleIdOf(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new RuleProblemsError('invalid rule id', [`ruleId must be a positive integer, not ${JSON.stringify(value)}`]);
  return Number(value);
}

function kindOf(value: string | undefined): AlertRuleKind | undefined {
  if (value === undefined) return undefined;
  if (!(RULE_KINDS as readonly string[]).includes(value)) throw new RuleProblemsError('invalid query', [`kind must be one of ${RULE_KINDS.join(', ')}`]);
  return value as AlertRuleKind;
}
