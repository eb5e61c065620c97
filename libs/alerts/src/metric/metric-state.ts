import type { MetricRuleDefinition, Threshold } from '../rules/alert-rule';

/**
 * The state machine of a metric rule: one step per evaluation, pure (the evaluator stores the
 * result in alert_rule_state and acts on the transition). The semantics, for docs/alerts.md:
 *
 * - Levels. A value is *critical* when past `critical` (`{above: 500}`: value > 500; `{below:
 *   0.99}`: value < 0.99), else *warning* when past `warning`, else it fires nothing. A value
 *   *resolves* when past `resolve` (which points the other way: `{below: 400}` for a rule firing
 *   above), or, without `resolve`, when it fires nothing. With a `resolve`, a value between it and
 *   the first firing threshold neither fires nor resolves: the rule holds where it is (hysteresis).
 * - Moving up (ok → warning, ok → critical, warning → critical) takes `triggerAfter` consecutive
 *   evaluations at that level or above; the move goes to the level of the last of them (a streak
 *   of warning, warning, critical with triggerAfter 3 moves to critical).
 * - Moving down takes `resolveAfter` consecutive evaluations: critical → warning while the value is
 *   past warning but not critical, critical or warning → ok while it resolves. A streak towards ok
 *   that meets a warning value becomes a streak towards warning (from critical), and vice versa.
 * - Any evaluation that does not continue the pending streak resets it: the count starts again at
 *   1 towards the new direction, or the pending move is dropped when the value holds the state.
 *   So a signal that flaps around a threshold moves the state at most once per `triggerAfter` (or
 *   `resolveAfter`) evaluations in a row on one side, and never when it never stays that long.
 * - No data (null) keeps the state and drops the pending move.
 * - After a resolve, `guardSeconds` long, no new incident opens: a value that would move the rule
 *   up from ok is not counted (and the pending move is dropped), so a new streak starts only after
 *   the guard period.
 */

export type MetricStatus = 'ok' | 'warning' | 'critical';

export interface MetricPending {
  toward?: MetricStatus;
  count?: number;
}

export interface MetricState {
  status: MetricStatus;
  pending: MetricPending;
  /** Set on a resolve when the rule has a guard period: no move up from ok before this instant. */
  guardUntilMs?: number;
}

export interface MetricTransition {
  from: MetricStatus;
  to: MetricStatus;
}

export interface MetricStep {
  state: MetricState;
  transition?: MetricTransition;
}

type Thresholds = Pick<MetricRuleDefinition, 'critical' | 'warning' | 'resolve' | 'triggerAfter' | 'resolveAfter' | 'guardSeconds'>;

const RANK: Record<MetricStatus, number> = { ok: 0, warning: 1, critical: 2 };

export function isPast(value: number, threshold: Threshold): boolean {
  return 'above' in threshold ? value > threshold.above : value < threshold.below;
}

/** The level a value fires at (ok: none). */
export function firingLevel(value: number, rule: Pick<Thresholds, 'critical' | 'warning'>): MetricStatus {
  if (isPast(value, rule.critical)) return 'critical';
  if (rule.warning !== undefined && isPast(value, rule.warning)) return 'warning';
  return 'ok';
}

/** Where a value pulls the rule from `status`: a status to move to, or undefined to stay (holding). */
function targetOf(status: MetricStatus, value: number, rule: Thresholds): MetricStatus | undefined {
  const level = firingLevel(value, rule);
  if (RANK[level] > RANK[status]) return level;
  if (level === status) return undefined;
  // Below the current status: towards warning if it still fires there, else towards ok only once resolved.
  if (level === 'warning') return 'warning';
  const resolves = rule.resolve === undefined ? true : isPast(value, rule.resolve);
  return resolves ? 'ok' : undefined;
}

/** One evaluation's step: the new state and, when the status changed, the transition. */
export function nextMetricState(state: MetricState, value: number | null, rule: Thresholds, nowMs: number): MetricStep {
  const { status } = state;
  const guard = state.guardUntilMs !== undefined && nowMs < state.guardUntilMs ? { guardUntilMs: state.guardUntilMs } : {};
  const hold: MetricStep = { state: { status, pending: {}, ...guard } };
  if (value === null || !Number.isFinite(value)) return hold;
  const target = targetOf(status, value, rule);
  if (target === undefined) return hold;
  const movesUp = RANK[target] > RANK[status];
  // Within the guard period a crossing from ok is not counted: no new incident opens.
  if (status === 'ok' && movesUp && guard.guardUntilMs !== undefined) return hold;
  const pendingUp = state.pending.toward !== undefined && RANK[state.pending.toward] > RANK[status];
  // A streak continues while the value keeps pulling the same way (up: any level above the status; down: the same target).
  const continues = state.pending.count !== undefined && (movesUp ? pendingUp : state.pending.toward === target);
  const count = (continues ? (state.pending.count ?? 0) : 0) + 1;
  const needed = movesUp ? rule.triggerAfter : rule.resolveAfter;
  if (count < needed) return { state: { status, pending: { toward: target, count }, ...guard } };
  const next: MetricState = { status: target, pending: {} };
  if (target === 'ok' && rule.guardSeconds > 0) next.guardUntilMs = nowMs + rule.guardSeconds * 1000;
  return { state: next, transition: { from: status, to: target } };
}
