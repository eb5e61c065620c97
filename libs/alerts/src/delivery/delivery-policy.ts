import type { DeliveryResult } from '@pulse/notifiers';

/**
 * What the outbox does with the result of one attempt, as pure functions (the worker applies
 * them to the row). Back-off is exponential with jitter: after a receiver's outage every pending
 * notification was due at about the same moment, and without jitter they would all come back at
 * the same instants, each time as one burst. A Retry-After the receiver sent replaces the
 * computed delay (the receiver knows when it can take more), bounded by the same maximum so that
 * a misconfigured receiver cannot park a notification for days.
 */

export interface BackoffPolicy {
  /** The delay after the first failed attempt. */
  baseMs: number;
  /** Each further failure multiplies the delay by this. */
  factor: number;
  /** No delay is longer (Retry-After included). */
  maxMs: number;
  /** ± this fraction of the delay, drawn at random (0.2: 80–120 %). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, factor: 2, maxMs: 600_000, jitter: 0.2 };

export type DeliveryOutcomeKind = 'delivered' | 'retry' | 'failed';

/** Throws RangeError naming the first field that makes no sense. */
export function checkBackoffPolicy(policy: BackoffPolicy): BackoffPolicy {
  if (!(Number.isFinite(policy.baseMs) && policy.baseMs > 0)) throw new RangeError(`backoff.baseMs must be a positive number, got ${policy.baseMs}`);
  if (!(Number.isFinite(policy.factor) && policy.factor >= 1)) throw new RangeError(`backoff.factor must be at least 1, got ${policy.factor}`);
  if (!(Number.isFinite(policy.maxMs) && policy.maxMs >= policy.baseMs)) throw new RangeError(`backoff.maxMs must be at least baseMs, got ${policy.maxMs}`);
  if (!(policy.jitter >= 0 && policy.jitter < 1)) throw new RangeError(`backoff.jitter must be in [0, 1), got ${policy.jitter}`);
  return policy;
}

/**
 * The delay before the next attempt after `failedAttempts` (≥ 1) failures:
 * min(maxMs, baseMs · factor^(failedAttempts − 1)) ± jitter, never above maxMs.
 * `random` returns [0, 1) (Math.random; a fixed function in tests).
 */
export function backoffDelayMs(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const nominal = Math.min(policy.maxMs, policy.baseMs * policy.factor ** exponent);
  const jittered = nominal * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.min(policy.maxMs, Math.max(0, jittered)));
}

/** The delay before retrying after a retryable failure: the receiver's Retry-After, else the back-off. */
export function retryDelayMs(result: { retryAfterMs?: number }, failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (result.retryAfterMs !== undefined && Number.isFinite(result.retryAfterMs)) return Math.round(Math.min(policy.maxMs, Math.max(0, result.retryAfterMs)));
  return backoffDelayMs(failedAttempts, policy, random);
}

/**
 * Delivered, to retry, or failed for good: a result that cannot succeed as it is (retry false),
 * or the last allowed attempt (`attemptsBefore` + 1 reaches `maxAttempts`), fails.
 */
export function outcomeOf(result: DeliveryResult, attemptsBefore: number, maxAttempts: number): DeliveryOutcomeKind {
  if (result.ok) return 'delivered';
  if (!result.retry) return 'failed';
  return attemptsBefore + 1 >= maxAttempts ? 'failed' : 'retry';
}
