import type { CanaryMinute, CanarySamples } from '@pulse/analytics';
import type { ReleaseRuleDefinition } from '../rules/alert-rule';
import { releaseRuleDefinition } from '../testing/rule-definitions';
import { checkThresholds, decideRelease, EARLY_FAIL_MIN_MINUTES, metricSeries, releaseAlertKeyBase, releaseWindow } from './release-decision';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 7, 12);

const RULE: ReleaseRuleDefinition = releaseRuleDefinition({ windowMinutes: 30, actions: [] });

/** `count` minutes from T0; failures and p95 vary a little with the minute, worse by `factor`. */
function minutes(count: number, factor: number, over: Partial<CanaryMinute> = {}): CanaryMinute[] {
  return Array.from({ length: count }, (_, i) => {
    const failures = Math.round((10 + (i % 4)) * factor);
    return {
      minuteMs: T0 + i * MINUTE,
      transactions: 100,
      failures,
      failureRate: failures / 100,
      p95Ms: (300 + ((i * 7) % 30)) * factor,
      errors: 2 + (i % 3),
      errorRate: (2 + (i % 3)) / 100,
      sessions: 0,
      crashedSessions: 0,
      crashFreeRate: null,
      ...over,
    };
  });
}

const samples = (canary: CanaryMinute[], baseline: CanaryMinute[]): CanarySamples => ({ fromMs: T0, toMs: T0 + 30 * MINUTE, canary, baseline });

describe('release decisions', () => {
  it('cuts the window at now and says when it is complete', () => {
    expect(releaseWindow(RULE, T0, T0 + 10 * MINUTE)).toEqual({ startMs: T0, endMs: T0 + 30 * MINUTE, untilMs: T0 + 10 * MINUTE, complete: false });
    expect(releaseWindow(RULE, T0, T0 + 31 * MINUTE)).toEqual({ startMs: T0, endMs: T0 + 30 * MINUTE, untilMs: T0 + 30 * MINUTE, complete: true });
  });

  it('turns minutes into series, leaving out minutes where a rate is undefined', () => {
    const canary = [...minutes(2, 1), ...minutes(1, 1, { transactions: 0, failureRate: null, errorRate: null, p95Ms: null, sessions: 10, crashedSessions: 1, crashFreeRate: 0.9 })];
    const series = metricSeries(samples(canary, minutes(1, 1)));
    expect(series.failure_rate).toEqual({ canary: [0.1, 0.11], baseline: [0.1] });
    expect(series.crash_free_rate).toEqual({ canary: [0.9], baseline: [] });
    expect(series.p95!.canary).toHaveLength(2);
  });

  it('checks the release thresholds over the window, skipping what has no data', () => {
    const canary = minutes(3, 1, { sessions: 50, crashedSessions: 1 });
    const rule = { ...RULE, thresholds: { newIssuesAbove: 2, crashFreeBelow: 0.99, failureRateAbove: 0.1 } };
    expect(checkThresholds(rule, canary, 3)).toEqual({
      newIssues: { value: 3, limit: 2, breached: true },
      crashFreeRate: { value: 0.98, limit: 0.99, breached: true },
      failureRate: { value: 33 / 300, limit: 0.1, breached: true },
    });
    expect(checkThresholds(rule, [], 0)).toEqual({
      newIssues: { value: 0, limit: 2, breached: false },
      crashFreeRate: { value: null, limit: 0.99, breached: false },
      failureRate: { value: null, limit: 0.1, breached: false },
    });
  });

  it('keeps an interim verdict while the window runs and gives the final one after it', () => {
    const running = decideRelease(RULE, releaseWindow(RULE, T0, T0 + 10 * MINUTE), samples(minutes(10, 1), minutes(10, 1)), 0);
    expect(running).toMatchObject({ phase: 'running', verdict: 'pass', early: false });
    const final = decideRelease(RULE, releaseWindow(RULE, T0, T0 + 30 * MINUTE), samples(minutes(30, 1), minutes(30, 1)), 0);
    expect(final).toMatchObject({ phase: 'final', verdict: 'pass', early: false, reasons: ['crash_free_rate: no data (no data for the canary)'] });
  });

  it('fails early on a critical metric High, but only with enough minutes on each side', () => {
    const early = decideRelease(RULE, releaseWindow(RULE, T0, T0 + 10 * MINUTE), samples(minutes(10, 2), minutes(10, 1)), 0);
    expect(early).toMatchObject({ phase: 'final', verdict: 'fail', early: true });
    expect(early.reasons[0]).toBe('canary failed: failure_rate classified as High (critical)');
    const few = EARLY_FAIL_MIN_MINUTES - 1;
    const tooSoon = decideRelease(RULE, releaseWindow(RULE, T0, T0 + few * MINUTE), samples(minutes(few, 2), minutes(few, 1)), 0);
    expect(tooSoon).toMatchObject({ phase: 'running', verdict: 'fail', early: false });
  });

  it('does not fail early on a critical metric without data; at the end it fails the canary', () => {
    const window = releaseWindow(RULE, T0, T0 + 10 * MINUTE);
    expect(decideRelease(RULE, window, samples(minutes(10, 1), []), 0)).toMatchObject({ phase: 'running', verdict: 'fail' });
    const end = releaseWindow(RULE, T0, T0 + 40 * MINUTE);
    expect(decideRelease(RULE, end, samples(minutes(30, 1), []), 0)).toMatchObject({ phase: 'final', verdict: 'fail', early: false });
  });

  it('fails on a breached threshold whatever the judge says, early or at the end', () => {
    const rule = { ...RULE, thresholds: { newIssuesAbove: 0 } };
    const decision = decideRelease(rule, releaseWindow(rule, T0, T0 + 3 * MINUTE), samples(minutes(3, 1), minutes(3, 1)), 1);
    expect(decision).toMatchObject({ phase: 'final', verdict: 'fail', early: true, reasons: ['new issues: 1 (more than 0)', 'crash_free_rate: no data (no data for the canary)'] });
    expect(decision.judgement.verdict).toBe('pass');
  });

  it('names one notification per rule version and verdict', () => {
    expect(releaseAlertKeyBase(7, 3, 'marginal')).toBe('release:7:v3:marginal');
  });
});
