import type { CanarySamples, CanarySamplesRequest, FirstMinuteRequest } from '@pulse/analytics';
import { withTransaction } from '@pulse/state';
import type { Pool, PoolClient } from 'pg';
import { enqueueNotification } from '../delivery/outbox';
import { openIncident, updateIncident } from '../incidents/incident-writes';
import type { ReleaseRuleDefinition, StoredAlertRule } from '../rules/alert-rule';
import { decideRelease, ReleaseDecision, releaseAlertKeyBase, releaseNotification, releaseWindow, ReleaseWindow } from './release-decision';
import {
  countNewIssues,
  lockReleaseRuleVersion,
  lockReleaseState,
  NEVER_DUE_MS,
  readReleaseResult,
  releaseFirstErrorMs,
  storeReleaseState,
  StoredReleaseResult,
} from './release-state.queries';

/**
 * Release (canary) rules, evaluated on a schedule for the shards this instance owns. Per rule:
 * 1. The window start: the rule's `startAt`; else the one an earlier evaluation of the same rule
 *    version judged (stored in last_result, so a running window never moves); else the canary's first
 *    seen: the first minute ClickHouse has a transaction or session of it (in the rule's
 *    environment, looked back FIRST_SEEN_LOOKBACK_MS), or, for a rule without an environment, the
 *    minute the issue recorder first saw an error of it (PostgreSQL `releases`, project-wide), the
 *    earlier of the two. Nothing yet (or a start in the future): the rule stays `pending`.
 * 2. [start, min(now, start + window)) is judged (canary-judge.ts on CanaryService's per-minute
 *    samples) and the release thresholds are checked (new issues from PostgreSQL `issues`: first
 *    release = the canary, first seen in the window; crash-free and failure rate of the canary over
 *    the window). No database lock is held while ClickHouse answers.
 * 3. One short transaction: the rule row FOR SHARE (a changed version is skipped: the rule store
 *    clears the state of a changed rule), the state row FOR UPDATE; an evaluation that finds a final
 *    verdict of this version, or a later evaluation, stores nothing. It stores status (`pending`
 *    until the verdict is final, then the verdict), last_result (verdict and every piece of
 *    evidence) and next_due_at = now + evaluateEverySeconds. A final verdict (release-decision.ts:
 *    an early fail, or the window complete) opens an incident of kind 'release' (closed at once: a
 *    verdict is a fact, not a condition that resolves) and enqueues ONE ReleaseAlertNotification
 *    (key base `release:<rule>:v<version>:<verdict>`), so each rule version notifies exactly once;
 *    then next_due_at is NEVER_DUE_MS (year 9999): the rule is not due again until it changes.
 * A rule whose reads fail does not stop the others; the failures are thrown together at the end
 * as a ReleaseEvaluationError carrying the tick's result.
 */

/** The reads the evaluator needs: CanaryService of @pulse/analytics, or anything that answers the same. */
export interface CanarySamplesPort {
  samples(request: CanarySamplesRequest): Promise<CanarySamples>;
  firstMinute(request: FirstMinuteRequest): Promise<number | null>;
}

/** How far back the canary's first minute is looked for in ClickHouse. */
export const FIRST_SEEN_LOOKBACK_MS = 7 * 86_400_000;

export interface ReleaseEvaluationResult {
  /** Rules whose state was written. */
  evaluated: number;
  /** Still waiting for canary traffic (or for startAt). */
  pending: number;
  /** Final verdicts reached (each notified once). */
  notified: number;
  /** Changed, deleted, already final, or already evaluated by a later run. */
  skipped: number;
  /** Rules whose reads failed. */
  failed: number;
}

export class ReleaseEvaluationError extends AggregateError {
  constructor(
    errors: unknown[],
    readonly result: ReleaseEvaluationResult,
  ) {
    super(errors, `${errors.length} release rule(s) could not be evaluated (${result.evaluated} evaluated)`);
    this.name = 'ReleaseEvaluationError';
  }
}

type ReleaseRule = StoredAlertRule<ReleaseRuleDefinition>;

type Assessment = { kind: 'pending'; windowStartMs: number | null; startSource: string | null } | { kind: 'judged'; window: ReleaseWindow; startSource: string; decision: ReleaseDecision; samples: CanarySamples; newIssues: number };

export class ReleaseRuleEvaluator {
  readonly kind = 'release' as const;

  constructor(
    private readonly pool: Pool,
    private readonly canary: CanarySamplesPort,
  ) {}

  async evaluate(rules: ReleaseRule[], nowMs: number): Promise<ReleaseEvaluationResult> {
    const result: ReleaseEvaluationResult = { evaluated: 0, pending: 0, notified: 0, skipped: 0, failed: 0 };
    const errors: unknown[] = [];
    for (const rule of rules) {
      let assessment: Assessment | 'final';
      try {
        assessment = await this.assess(rule, nowMs);
      } catch (error) {
        result.failed += 1;
        errors.push(error);
        continue;
      }
      if (assessment === 'final') {
        result.skipped += 1;
        continue;
      }
      const current = assessment;
      const outcome = await withTransaction(this.pool, (client) => this.store(client, rule, current, nowMs));
      if (outcome === 'skipped') result.skipped += 1;
      else {
        result.evaluated += 1;
        if (outcome === 'pending') result.pending += 1;
        if (outcome === 'notified') result.notified += 1;
      }
    }
    if (errors.length > 0) throw new ReleaseEvaluationError(errors, result);
    return result;
  }

  /** Everything read outside the transaction: the window, the samples, the new issues, the decision. */
  private async assess(rule: ReleaseRule, nowMs: number): Promise<Assessment | 'final'> {
    const definition = rule.definition;
    const stored = await readReleaseResult(this.pool, rule.id);
    const sameVersion = stored !== null && stored.ruleVersion === rule.version;
    if (sameVersion && stored.phase === 'final') return 'final';
    const start = sameVersion && stored.phase === 'running' && stored.windowStartMs !== null ? { ms: stored.windowStartMs, source: String(stored.windowStartSource ?? 'stored') } : await this.windowStart(rule, nowMs);
    if (start === null || start.ms >= nowMs) return { kind: 'pending', windowStartMs: start?.ms ?? null, startSource: start?.source ?? null };
    const window = releaseWindow(definition, start.ms, nowMs);
    const samples = await this.canary.samples({
      projectId: rule.projectId,
      environment: definition.environment,
      canary: definition.canary,
      baseline: definition.baseline,
      fromMs: window.startMs,
      toMs: window.untilMs,
    });
    const newIssues = await countNewIssues(this.pool, rule.projectId, definition.canary, window.startMs, window.untilMs);
    return { kind: 'judged', window, startSource: start.source, decision: decideRelease(definition, window, samples, newIssues), samples, newIssues };
  }

  private async windowStart(rule: ReleaseRule, nowMs: number): Promise<{ ms: number; source: string } | null> {
    const definition = rule.definition;
    if (definition.startAt !== undefined) {
      const ms = Date.parse(definition.startAt);
      if (!Number.isFinite(ms)) throw new RangeError(`release rule ${rule.id}: startAt ${JSON.stringify(definition.startAt)} is not an ISO instant`);
      return { ms, source: 'startAt' };
    }
    const [firstTraffic, firstError] = await Promise.all([
      this.canary.firstMinute({ projectId: rule.projectId, environment: definition.environment, release: definition.canary, fromMs: nowMs - FIRST_SEEN_LOOKBACK_MS, toMs: nowMs }),
      definition.environment === undefined ? releaseFirstErrorMs(this.pool, rule.projectId, definition.canary) : Promise.resolve(null),
    ]);
    if (firstTraffic === null && firstError === null) return null;
    if (firstError === null || (firstTraffic !== null && firstTraffic <= firstError)) return { ms: firstTraffic as number, source: 'clickhouse' };
    return { ms: firstError, source: 'releases' };
  }

  private async store(client: PoolClient, rule: ReleaseRule, assessment: Assessment, nowMs: number): Promise<'skipped' | 'pending' | 'stored' | 'notified'> {
    const version = await lockReleaseRuleVersion(client, rule.id);
    if (version !== rule.version) return 'skipped';
    const locked = await lockReleaseState(client, rule.id);
    if (locked.lastResult?.ruleVersion === rule.version && locked.lastResult.phase === 'final') return 'skipped';
    if (locked.lastEvaluatedAtMs !== null && locked.lastEvaluatedAtMs >= nowMs) return 'skipped';
    const definition = rule.definition;
    const nextDueAtMs = nowMs + definition.evaluateEverySeconds * 1000;
    const common = { ruleVersion: rule.version, canary: definition.canary, baseline: definition.baseline, environment: definition.environment ?? null, evaluatedAt: new Date(nowMs).toISOString() };
    if (assessment.kind === 'pending') {
      const result: StoredReleaseResult = { ...common, phase: 'pending', windowStartMs: assessment.windowStartMs, windowStartSource: assessment.startSource, verdict: null, reasons: ['no canary traffic yet'] };
      await storeReleaseState(client, rule.id, { status: 'pending', result, evaluatedAtMs: nowMs, nextDueAtMs, incidentId: null });
      return 'pending';
    }
    const { decision, window } = assessment;
    const evidence: StoredReleaseResult = {
      ...common,
      phase: decision.phase,
      windowStartMs: window.startMs,
      windowStartSource: assessment.startSource,
      window: { start: iso(window.startMs), end: iso(window.endMs), judgedUntil: iso(window.untilMs), complete: window.complete },
      verdict: decision.verdict,
      final: decision.phase === 'final',
      early: decision.early,
      score: decision.judgement.score,
      scoreReason: decision.judgement.scoreReason,
      reasons: decision.reasons,
      metrics: decision.judgement.metrics,
      thresholds: decision.thresholds,
      newIssues: assessment.newIssues,
      minutes: { canary: assessment.samples.canary.length, baseline: assessment.samples.baseline.length },
    };
    if (decision.phase !== 'final') {
      await storeReleaseState(client, rule.id, { status: 'pending', result: evidence, evaluatedAtMs: nowMs, nextDueAtMs, incidentId: null });
      return 'stored';
    }
    const incidentId = await openIncident(client, {
      projectId: rule.projectId,
      ruleId: rule.id,
      ruleName: definition.name,
      kind: 'release',
      status: decision.verdict,
      startedAtMs: nowMs,
      details: evidence,
    });
    await updateIncident(client, incidentId, { status: decision.verdict, resolvedAtMs: nowMs });
    await enqueueNotification(client, {
      notification: releaseNotification(rule, decision, incidentId, nowMs),
      actions: definition.actions,
      keyBase: releaseAlertKeyBase(rule.id, rule.version, decision.verdict),
    });
    await storeReleaseState(client, rule.id, { status: decision.verdict, result: { ...evidence, incidentId }, evaluatedAtMs: nowMs, nextDueAtMs: NEVER_DUE_MS, incidentId });
    return 'notified';
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
