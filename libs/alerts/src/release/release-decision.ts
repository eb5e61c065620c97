import type { CanaryMinute, CanarySamples } from '@pulse/analytics';
import type { ReleaseAlertNotification, ReleaseVerdict } from '@pulse/notifiers';
import type { ReleaseRuleDefinition, StoredAlertRule } from '../rules/alert-rule';
import { CanaryJudgement, CanaryMetricSeries, judgeCanary } from './canary-judge';

/**
 * What one evaluation of a release rule decides, from what it read (pure; release-evaluator.ts
 * reads and writes): the judge's verdict on the window so far, the Sentry-style release thresholds
 * (new issues, crash-free rate, failure rate of the canary over the window), and whether the verdict
 * is final. It is final when a threshold is breached or a critical metric is High or Low (on at
 * least EARLY_FAIL_MIN_MINUTES minutes of each side) before the window ends (an early fail: the
 * canary is bad whatever the rest of the window shows), or when the
 * window is complete (the judge's verdict on the whole window). A critical metric WITHOUT data does
 * not fail early (the first minutes often have no baseline yet); at the window's end it fails the
 * canary, as in Kayenta. Before that the verdict is interim: stored as evidence, never notified.
 */

/** Minutes each side of a critical metric needs before its High or Low fails the canary early. */
export const EARLY_FAIL_MIN_MINUTES = 5;

export type ReleasePhase = 'pending' | 'running' | 'final';

export interface ThresholdCheck {
  /** The canary's value over the window so far; null: nothing to compute it from (not checked). */
  value: number | null;
  limit: number;
  breached: boolean;
}

export interface ReleaseThresholdChecks {
  newIssues?: ThresholdCheck;
  crashFreeRate?: ThresholdCheck;
  failureRate?: ThresholdCheck;
}

export interface ReleaseDecision {
  phase: Exclude<ReleasePhase, 'pending'>;
  verdict: ReleaseVerdict;
  /** Decided before the window ended (a breach or a critical failure). */
  early: boolean;
  judgement: CanaryJudgement;
  thresholds: ReleaseThresholdChecks;
  /** One line per failed metric and per breached threshold. */
  reasons: string[];
}

export interface ReleaseWindow {
  startMs: number;
  endMs: number;
  /** min(now, end): the judged part is [startMs, untilMs). */
  untilMs: number;
  complete: boolean;
}

export function releaseWindow(rule: ReleaseRuleDefinition, startMs: number, nowMs: number): ReleaseWindow {
  const endMs = startMs + rule.windowMinutes * 60_000;
  return { startMs, endMs, untilMs: Math.min(nowMs, endMs), complete: nowMs >= endMs };
}

/** The judge's input: one value per minute with traffic; minutes where a rate is undefined are left out. */
export function metricSeries(samples: CanarySamples): CanaryMetricSeries {
  const pick = (minutes: CanaryMinute[], value: (m: CanaryMinute) => number | null): number[] => minutes.flatMap((m) => {
    const v = value(m);
    return v === null ? [] : [v];
  });
  const both = (value: (m: CanaryMinute) => number | null) => ({ canary: pick(samples.canary, value), baseline: pick(samples.baseline, value) });
  return {
    error_rate: both((m) => m.errorRate),
    failure_rate: both((m) => m.failureRate),
    p95: both((m) => m.p95Ms),
    crash_free_rate: both((m) => m.crashFreeRate),
  };
}

export function checkThresholds(rule: ReleaseRuleDefinition, canary: readonly CanaryMinute[], newIssues: number): ReleaseThresholdChecks {
  const { newIssuesAbove, crashFreeBelow, failureRateAbove } = rule.thresholds;
  const sum = (value: (m: CanaryMinute) => number) => canary.reduce((total, m) => total + value(m), 0);
  const transactions = sum((m) => m.transactions);
  const sessions = sum((m) => m.sessions);
  const failureRate = transactions > 0 ? sum((m) => m.failures) / transactions : null;
  const crashFree = sessions > 0 ? Math.max(0, 1 - sum((m) => m.crashedSessions) / sessions) : null;
  const checks: ReleaseThresholdChecks = {};
  if (newIssuesAbove !== undefined) checks.newIssues = { value: newIssues, limit: newIssuesAbove, breached: newIssues > newIssuesAbove };
  if (crashFreeBelow !== undefined) checks.crashFreeRate = { value: crashFree, limit: crashFreeBelow, breached: crashFree !== null && crashFree < crashFreeBelow };
  if (failureRateAbove !== undefined) checks.failureRate = { value: failureRate, limit: failureRateAbove, breached: failureRate !== null && failureRate > failureRateAbove };
  return checks;
}

export function decideRelease(rule: ReleaseRuleDefinition, window: ReleaseWindow, samples: CanarySamples, newIssues: number): ReleaseDecision {
  const judgement = judgeCanary(metricSeries(samples), rule);
  const thresholds = checkThresholds(rule, samples.canary, newIssues);
  const breaches = thresholdReasons(thresholds);
  const criticalHighOrLow = judgement.metrics.some(
    (m) => m.critical && (m.classification === 'High' || m.classification === 'Low') && Math.min(m.canary.count, m.baseline.count) >= EARLY_FAIL_MIN_MINUTES,
  );
  const reasons = [...breaches, ...judgement.reasons];
  if (breaches.length > 0 || (!window.complete && criticalHighOrLow)) {
    return { phase: 'final', verdict: 'fail', early: !window.complete, judgement, thresholds, reasons };
  }
  return { phase: window.complete ? 'final' : 'running', verdict: judgement.verdict, early: false, judgement, thresholds, reasons };
}

function thresholdReasons(checks: ReleaseThresholdChecks): string[] {
  const reasons: string[] = [];
  if (checks.newIssues?.breached) reasons.push(`new issues: ${checks.newIssues.value} (more than ${checks.newIssues.limit})`);
  if (checks.crashFreeRate?.breached) reasons.push(`crash-free rate: ${percent(checks.crashFreeRate.value)} (below ${percent(checks.crashFreeRate.limit)})`);
  if (checks.failureRate?.breached) reasons.push(`failure rate: ${percent(checks.failureRate.value)} (above ${percent(checks.failureRate.limit)})`);
  return reasons;
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${Number((value * 100).toPrecision(4))}%`;
}

/** `release:<rule>:v<version>:<verdict>`: one notification per rule version, named by its verdict. */
export function releaseAlertKeyBase(ruleId: number, version: number, verdict: ReleaseVerdict): string {
  return `release:${ruleId}:v${version}:${verdict}`;
}

export function releaseVerdictLink(projectId: number, ruleId: number): string {
  return `/api/v1/projects/${projectId}/alert-rules/${ruleId}/verdict`;
}

/** A pass clears the canary ("resolved"); marginal and fail are alerts ("triggered"). */
export function releaseNotification(rule: StoredAlertRule<ReleaseRuleDefinition>, decision: ReleaseDecision, incidentId: number, nowMs: number): ReleaseAlertNotification {
  const definition = rule.definition;
  return {
    kind: 'release',
    action: decision.verdict === 'pass' ? 'resolved' : 'triggered',
    projectId: rule.projectId,
    rule: { id: rule.id, name: definition.name },
    at: new Date(nowMs).toISOString(),
    link: releaseVerdictLink(rule.projectId, rule.id),
    incidentId,
    verdict: decision.verdict,
    score: decision.judgement.score,
    canary: definition.canary,
    baseline: definition.baseline,
    environment: definition.environment ?? '',
    reasons: decision.reasons,
  };
}
