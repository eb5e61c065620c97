import type { MetricRuleDefinition } from '../rules/alert-rule';
import { firingLevel, isPast, MetricState, MetricStatus, MetricTransition, nextMetricState } from './metric-state';

type Rule = Pick<MetricRuleDefinition, 'critical' | 'warning' | 'resolve' | 'triggerAfter' | 'resolveAfter' | 'guardSeconds'>;

const RULE: Rule = { critical: { above: 500 }, warning: { above: 300 }, triggerAfter: 1, resolveAfter: 1, guardSeconds: 0 };
const OK: MetricState = { status: 'ok', pending: {} };
const STEP_MS = 60_000;

/** Runs a series of values through the machine, one evaluation a minute; the statuses after each and every transition. */
function run(rule: Rule, values: Array<number | null>, start: MetricState = OK) {
  let state = start;
  const statuses: MetricStatus[] = [];
  const transitions: MetricTransition[] = [];
  values.forEach((value, i) => {
    const step = nextMetricState(state, value, rule, i * STEP_MS);
    state = step.state;
    statuses.push(state.status);
    if (step.transition) transitions.push(step.transition);
  });
  return { statuses, transitions, state };
}

describe('thresholds', () => {
  it('is past above and below strictly', () => {
    expect(isPast(501, { above: 500 })).toBe(true);
    expect(isPast(500, { above: 500 })).toBe(false);
    expect(isPast(0.98, { below: 0.99 })).toBe(true);
    expect(isPast(0.99, { below: 0.99 })).toBe(false);
  });

  it('fires at the most severe level the value is past', () => {
    expect(firingLevel(600, RULE)).toBe('critical');
    expect(firingLevel(400, RULE)).toBe('warning');
    expect(firingLevel(300, RULE)).toBe('ok');
    expect(firingLevel(400, { critical: { above: 500 } })).toBe('ok');
    expect(firingLevel(0.9, { critical: { below: 0.95 }, warning: { below: 0.99 } })).toBe('critical');
  });
});

describe('nextMetricState', () => {
  it('moves up at once with triggerAfter 1, to the level the value is at', () => {
    expect(nextMetricState(OK, 600, RULE, 0)).toEqual({ state: { status: 'critical', pending: {} }, transition: { from: 'ok', to: 'critical' } });
    expect(nextMetricState(OK, 400, RULE, 0)).toEqual({ state: { status: 'warning', pending: {} }, transition: { from: 'ok', to: 'warning' } });
    expect(nextMetricState({ status: 'warning', pending: {} }, 600, RULE, 0).transition).toEqual({ from: 'warning', to: 'critical' });
  });

  it('stays and clears a pending move when the value holds the state', () => {
    expect(nextMetricState({ status: 'warning', pending: { toward: 'ok', count: 1 } }, 400, RULE, 0)).toEqual({ state: { status: 'warning', pending: {} } });
    expect(nextMetricState(OK, 100, RULE, 0)).toEqual({ state: OK });
  });

  it('needs triggerAfter consecutive firing evaluations, and moves to the level of the last one', () => {
    const rule = { ...RULE, triggerAfter: 3 };
    expect(run(rule, [400, 400, 100, 400, 400]).transitions).toEqual([]);
    const { statuses, transitions } = run(rule, [400, 400, 600]);
    expect(statuses).toEqual(['ok', 'ok', 'critical']);
    expect(transitions).toEqual([{ from: 'ok', to: 'critical' }]);
    expect(run(rule, [400, 400]).state.pending).toEqual({ toward: 'warning', count: 2 });
  });

  it('needs resolveAfter consecutive resolving evaluations to go back to ok', () => {
    const rule = { ...RULE, resolveAfter: 2 };
    const { statuses, transitions } = run(rule, [600, 100, 600, 100, 100]);
    expect(statuses).toEqual(['critical', 'critical', 'critical', 'critical', 'ok']);
    expect(transitions).toEqual([{ from: 'ok', to: 'critical' }, { from: 'critical', to: 'ok' }]);
  });

  it('goes from critical to warning below critical but past warning, also after resolveAfter', () => {
    const rule = { ...RULE, resolveAfter: 2 };
    const { statuses, transitions } = run(rule, [600, 400, 400, 100, 100]);
    expect(statuses).toEqual(['critical', 'critical', 'warning', 'warning', 'ok']);
    expect(transitions).toEqual([{ from: 'ok', to: 'critical' }, { from: 'critical', to: 'warning' }, { from: 'warning', to: 'ok' }]);
  });

  it('restarts a streak down that changes its target (towards ok, then a warning value)', () => {
    const rule = { ...RULE, resolveAfter: 2 };
    const { statuses } = run(rule, [600, 100, 400, 100, 100]);
    expect(statuses).toEqual(['critical', 'critical', 'critical', 'critical', 'ok']);
  });

  it('holds between the resolve threshold and the firing one (hysteresis)', () => {
    const rule = { ...RULE, resolve: { below: 200 } };
    const { statuses, transitions } = run(rule, [600, 250, 250, 150]);
    expect(statuses).toEqual(['critical', 'critical', 'critical', 'ok']);
    expect(transitions).toHaveLength(2);
    // A hold breaks a resolve streak.
    expect(run({ ...rule, resolveAfter: 2 }, [600, 150, 250, 150]).statuses).toEqual(['critical', 'critical', 'critical', 'critical']);
  });

  it('resolves a critical-only rule once no longer past critical', () => {
    expect(run({ critical: { below: 0.99 }, triggerAfter: 1, resolveAfter: 1, guardSeconds: 0 }, [0.95, 0.995]).statuses).toEqual(['critical', 'ok']);
  });

  it('keeps the state on no data and resets the pending count', () => {
    const rule = { ...RULE, triggerAfter: 2, resolveAfter: 2 };
    expect(run(rule, [600, null, 600]).statuses).toEqual(['ok', 'ok', 'ok']);
    const firing = run(rule, [600, 600, 100, null, 100]);
    expect(firing.statuses).toEqual(['ok', 'critical', 'critical', 'critical', 'critical']);
    expect(firing.state.pending).toEqual({ toward: 'ok', count: 1 });
    expect(nextMetricState({ status: 'critical', pending: { toward: 'ok', count: 1 } }, null, rule, 0)).toEqual({ state: { status: 'critical', pending: {} } });
  });

  it('opens no incident within the guard period after a resolve, and counts no crossing there', () => {
    const rule = { ...RULE, guardSeconds: 150, triggerAfter: 2 };
    // Evaluations at 0, 1, 2 … minutes: fire (0, 1), resolve at 2 (guard until 4.5 min), crossings at 3 and 4 do not count.
    const { statuses, state } = run(rule, [600, 600, 100, 600, 600, 600, 600]);
    expect(statuses).toEqual(['ok', 'critical', 'ok', 'ok', 'ok', 'ok', 'critical']);
    expect(state.guardUntilMs).toBeUndefined();
    const resolved = nextMetricState({ status: 'critical', pending: {} }, 100, rule, 1_000);
    expect(resolved.state).toEqual({ status: 'ok', pending: {}, guardUntilMs: 151_000 });
    expect(nextMetricState(resolved.state, 100, rule, 2_000).state.guardUntilMs).toBe(151_000);
    expect(nextMetricState(resolved.state, 100, rule, 151_000).state.guardUntilMs).toBeUndefined();
  });

  it('treats a non-finite value as no data', () => {
    expect(nextMetricState(OK, Number.NaN, RULE, 0)).toEqual({ state: OK });
  });

  it('lets a flapping signal move the state no more often than the settings allow', () => {
    // Around the critical threshold every evaluation: with triggerAfter 2 nothing ever moves.
    const flapping = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 520 : 480));
    const critOnly: Rule = { critical: { above: 500 }, triggerAfter: 2, resolveAfter: 2, guardSeconds: 0 };
    expect(run(critOnly, flapping).transitions).toEqual([]);
    // With 1/1 every crossing moves it: 200 values, 200 transitions — the bound the settings allow.
    expect(run({ ...critOnly, triggerAfter: 1, resolveAfter: 1 }, flapping).transitions).toHaveLength(200);
    // Two evaluations on each side: at most one transition per two evaluations, none with triggerAfter 3.
    const slow = Array.from({ length: 200 }, (_, i) => (Math.floor(i / 2) % 2 === 0 ? 520 : 480));
    expect(run(critOnly, slow).transitions).toHaveLength(100);
    expect(run({ ...critOnly, triggerAfter: 3, resolveAfter: 3 }, slow).transitions).toEqual([]);
    // A resolve threshold below the band: the rule fires once and holds.
    expect(run({ ...critOnly, triggerAfter: 1, resolve: { below: 400 } }, flapping).transitions).toEqual([{ from: 'ok', to: 'critical' }]);
    // A guard of 10 minutes: after each resolve, no new incident for ten evaluations.
    const guarded = run({ ...critOnly, triggerAfter: 1, resolveAfter: 1, guardSeconds: 600 }, flapping);
    const opened = guarded.transitions.filter((t) => t.from === 'ok').length;
    expect(opened).toBeLessThanOrEqual(Math.ceil(200 / 11));
    expect(opened).toBeGreaterThan(1);
  });
});
