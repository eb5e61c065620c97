import type { AlertValuesAnswer, AlertValuesRequest } from '@pulse/analytics';
import { withTransaction } from '@pulse/state';
import type { Pool, PoolClient } from 'pg';
import { enqueueNotification } from '../delivery/outbox';
import { openIncident, updateIncident } from '../incidents/incident-writes';
import type { MetricRuleDefinition, StoredAlertRule } from '../rules/alert-rule';
import { metricAlertKeyBase, metricAlertNotification, metricFilters } from './metric-notification';
import { MetricTransition, nextMetricState } from './metric-state';
import { incidentTransitions, lockMetricState, lockRuleVersion, storeMetricState } from './metric-state.queries';

/**
 * Metric alerts: the due metric rules of the shards this instance owns (ownership/rule-scheduler.ts)
 * evaluated over ClickHouse. For one tick:
 * 1. Rules are grouped by what one values query (AlertValuesService of @pulse/analytics, which
 *    splits groups past its per-query cap) can answer together: the project and dataset, and for
 *    windows under an hour nothing more — they read raw rows, so one read of the longest window
 *    answers all of them, each rule counting only its own window's rows; windows of an hour or more
 *    read the rollup tiers, which cannot cut a window inside their range, so they group by window.
 *    A change alert's group (by window and comparison) asks a second time for the same window one
 *    hour, day or week earlier, and its value is (now − before) / before × 100 (null when before is
 *    0 or null). No database lock is held while ClickHouse answers.
 * 2. Per rule, one short PostgreSQL transaction (STATE_WRITES_AT_ONCE at a time): lock its state
 *    row, skip it when the rule changed since it was loaded (its version) or when a later
 *    evaluation already stored its state (two instances overlapping on a lease hand-over), apply
 *    nextMetricState (metric-state.ts), store status, pending, last value and result, and
 *    next_due_at: the next multiple of evaluateEverySeconds since the epoch, so rules of one period
 *    fall due in the same tick and share their reads whenever they were created. A transition
 *    leaving OK opens an incident, one between warning and critical updates it, a resolve closes
 *    it; each enqueues one notification per action (outbox key base
 *    `metric:<rule>:incident:<incident>:<to>:<n>`, n counting the incident's transitions).
 * 3. A group whose ClickHouse query fails does not stop the others: its rules are left as they
 *    are (still due, so the next tick tries again), and once every other group is done the
 *    failures are thrown together as a MetricEvaluationError, which carries the tick's result.
 *    The scheduler reports it as the metric kind's error. PostgreSQL failures are thrown at once.
 */

/** The values port: AlertValuesService of @pulse/analytics, or anything that answers the same. */
export interface MetricValuesSource {
  values(request: AlertValuesRequest): Promise<AlertValuesAnswer>;
}

export interface MetricEvaluationResult {
  /** Rules whose state was written. */
  evaluated: number;
  /** Rules skipped: changed meanwhile, deleted, or already evaluated by a later run. */
  skipped: number;
  transitions: number;
  queries: number;
  clickhouseMs: number;
  /** Groups whose values query failed (their rules were not evaluated). */
  failedGroups: number;
}

/** Thrown after the tick when some groups' values could not be read; the other groups were evaluated. */
export class MetricEvaluationError extends AggregateError {
  constructor(
    errors: unknown[],
    readonly result: MetricEvaluationResult,
  ) {
    super(errors, `${errors.length} metric rule group(s) could not be read from ClickHouse (${result.evaluated} rules evaluated)`);
    this.name = 'MetricEvaluationError';
  }
}

const COMPARISON_MS = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;

type MetricRule = StoredAlertRule<MetricRuleDefinition>;

interface RuleValue {
  value: number | null;
  /** The earlier window's value of a change alert. */
  before?: number | null;
  current?: number | null;
}

export class MetricRuleEvaluator {
  readonly kind = 'metric' as const;

  constructor(
    private readonly pool: Pool,
    private readonly source: MetricValuesSource,
  ) {}

  async evaluate(rules: MetricRule[], nowMs: number): Promise<MetricEvaluationResult> {
    const result: MetricEvaluationResult = { evaluated: 0, skipped: 0, transitions: 0, queries: 0, clickhouseMs: 0, failedGroups: 0 };
    const errors: unknown[] = [];
    for (const group of groupRules(rules)) {
      let values: RuleValue[];
      try {
        values = await this.groupValues(group, nowMs, result);
      } catch (error) {
        result.failedGroups += 1;
        errors.push(error);
        continue;
      }
      await eachConcurrently(group.keys(), STATE_WRITES_AT_ONCE, async (i) => {
        const outcome = await withTransaction(this.pool, (client) => this.applyValue(client, group[i], values[i], nowMs));
        if (outcome === 'skipped') result.skipped += 1;
        else {
          result.evaluated += 1;
          if (outcome === 'transition') result.transitions += 1;
        }
      });
    }
    if (errors.length > 0) throw new MetricEvaluationError(errors, result);
    return result;
  }

  private async groupValues(group: MetricRule[], nowMs: number, result: MetricEvaluationResult): Promise<RuleValue[]> {
    const { projectId, definition } = group[0];
    const windowMs = Math.max(...group.map((rule) => rule.definition.windowSeconds * 1000));
    const ask = async (toMs: number): Promise<Array<number | null>> => {
      const rules = group.map(({ definition: d }) => ({ aggregate: d.aggregate, filters: d.filters, vital: d.vital, fromMs: toMs - d.windowSeconds * 1000 }));
      const answer = await this.source.values({ projectId, dataset: definition.dataset, range: { fromMs: toMs - windowMs, toMs }, rules });
      result.queries += answer.queries;
      result.clickhouseMs += answer.clickhouseMs;
      return answer.values;
    };
    const current = await ask(nowMs);
    if (definition.comparison === undefined) return current.map((value) => ({ value }));
    const before = await ask(nowMs - COMPARISON_MS[definition.comparison]);
    return current.map((now, i) => ({ value: percentChange(now, before[i]), current: now, before: before[i] }));
  }

  private async applyValue(client: PoolClient, rule: MetricRule, ruleValue: RuleValue, nowMs: number): Promise<'skipped' | 'stored' | 'transition'> {
    const version = await lockRuleVersion(client, rule.id);
    if (version !== rule.version) return 'skipped';
    const locked = await lockMetricState(client, rule.id);
    if (locked.lastEvaluatedAtMs !== null && locked.lastEvaluatedAtMs >= nowMs) return 'skipped';
    const definition = rule.definition;
    const { value } = ruleValue;
    const step = nextMetricState(locked, value, definition, nowMs);
    let openIncidentId = locked.openIncidentId;
    if (step.transition) openIncidentId = await this.recordTransition(client, rule, step.transition, value, locked.openIncidentId, nowMs);
    const evidence = {
      value,
      status: step.state.status,
      aggregate: definition.aggregate,
      windowSeconds: definition.windowSeconds,
      filters: metricFilters(definition),
      critical: definition.critical,
      ...(definition.warning === undefined ? {} : { warning: definition.warning }),
      ...(definition.resolve === undefined ? {} : { resolve: definition.resolve }),
      ...(definition.comparison === undefined ? {} : { comparison: definition.comparison, current: ruleValue.current ?? null, before: ruleValue.before ?? null }),
      evaluatedAt: new Date(nowMs).toISOString(),
    };
    await storeMetricState(client, rule.id, {
      state: step.state,
      value,
      result: evidence,
      evaluatedAtMs: nowMs,
      nextDueAtMs: nextDueMs(nowMs, definition.evaluateEverySeconds),
      openIncidentId,
    });
    return step.transition ? 'transition' : 'stored';
  }

  /** Opens, moves or closes the rule's incident and enqueues the transition's notification; the incident still open after it (null once resolved). */
  private async recordTransition(client: PoolClient, rule: MetricRule, transition: MetricTransition, value: number | null, openId: number | null, nowMs: number): Promise<number | null> {
    const definition = rule.definition;
    const details = { value, from: transition.from, to: transition.to, at: new Date(nowMs).toISOString() };
    let incidentId: number;
    let n: number;
    if (transition.from === 'ok' || openId === null) {
      // Leaving OK (or, after a hand edit lost the incident, any move): a new incident, transition 1.
      n = 1;
      incidentId = await openIncident(client, {
        projectId: rule.projectId,
        ruleId: rule.id,
        ruleName: definition.name,
        kind: 'metric',
        status: transition.to === 'ok' ? 'resolved' : transition.to,
        startedAtMs: nowMs,
        details: { aggregate: definition.aggregate, dataset: definition.dataset, windowSeconds: definition.windowSeconds, filters: metricFilters(definition), ...details, transitions: n },
      });
      if (transition.to === 'ok') await updateIncident(client, incidentId, { status: 'resolved', resolvedAtMs: nowMs });
    } else {
      incidentId = openId;
      n = (await incidentTransitions(client, incidentId)) + 1;
      const resolved = transition.to === 'ok';
      await updateIncident(client, incidentId, { status: resolved ? 'resolved' : transition.to, ...(resolved ? { resolvedAtMs: nowMs } : {}), details: { ...details, transitions: n } });
    }
    await enqueueNotification(client, {
      notification: metricAlertNotification({ rule, transition, value, incidentId, atMs: nowMs }),
      actions: definition.actions,
      keyBase: metricAlertKeyBase(rule.id, incidentId, transition.to, n),
    });
    return transition.to === 'ok' ? null : incidentId;
  }
}

/** (now − before) / before × 100; null when either is missing or before is 0. */
export function percentChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return ((now - before) / before) * 100;
}

/**
 * Rules' state transactions run this many at a time: each locks only its own rule's rows, so they
 * never wait on each other, and one at a time made PostgreSQL's round trips a third of a round of
 * 1,000 rules (docs/benchmarks.md, "Alerts").
 */
const STATE_WRITES_AT_ONCE = 4;

async function eachConcurrently<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length) await work(queue[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, lane));
}

/** The next instant after `nowMs` that is a whole multiple of the period since the epoch. */
export function nextDueMs(nowMs: number, evaluateEverySeconds: number): number {
  const periodMs = evaluateEverySeconds * 1000;
  return (Math.floor(nowMs / periodMs) + 1) * periodMs;
}

/** Windows shorter than this read raw rows (ROLLUP_MIN_RANGE_MS of @pulse/analytics): rules of such windows share one read. */
const RAW_WINDOW_SECONDS = 3600;

/** Rules grouped by what one values query can answer together (step 1 above). */
export function groupRules(rules: readonly MetricRule[]): MetricRule[][] {
  const groups = new Map<string, MetricRule[]>();
  for (const rule of rules) {
    const d = rule.definition;
    const window = d.comparison === undefined && d.windowSeconds < RAW_WINDOW_SECONDS ? 'raw' : d.windowSeconds;
    const key = JSON.stringify([rule.projectId, d.dataset, window, d.comparison ?? null]);
    const group = groups.get(key);
    if (group) group.push(rule);
    else groups.set(key, [rule]);
  }
  return [...groups.values()];
}
