import type { Pool } from 'pg';
import type { MetricRuleDefinition, ReleaseRuleDefinition, StoredAlertRule } from '../rules/alert-rule';
import { enabledRules } from '../rules/rule-rows';
import type { ShardOwnership } from './shard-leases';

/**
 * The loop that drives scheduled rules (metric and release) in an alerts instance. Every tick it
 * renews the shard leases (shard-leases.ts), loads per kind the enabled rules of the shards this
 * instance owns whose next_due_at has come, and hands them to that kind's evaluator, which
 * evaluates them and writes their state (moving next_due_at on).
 *
 * - One tick at a time: the loop starts the next tick only after the last one ended (a slow tick
 *   delays the next; ticks never pile up), and `tickOnce` queues behind a running tick. Renewing
 *   only between evaluations is what lets a renewal give shards up safely.
 * - The kinds are independent: their evaluators run side by side, and one that throws is reported
 *   (`onError` with its kind, `status().lastError`) while the other's work goes on.
 * - A failed renewal is reported too, and the tick still works on the shards whose leases hold:
 *   ownership is re-checked just before each kind loads its rules, so a lease that ran out in
 *   between is not worked on. The check is made when a kind's work starts: an evaluation that
 *   outlasts the rest of the lease (leaseMs, 15 s by default, against a tick of 1 s) may overlap
 *   the next owner's, which is why evaluators write rule state conditionally on the rule's version
 *   and notifications through idempotency keys (delivery/outbox.ts).
 * - `stop()` waits for the running tick, then releases the leases so another instance takes the
 *   shards at once.
 */

export type ScheduledRuleKind = 'metric' | 'release';

export interface ScheduledRuleDefinitions {
  metric: MetricRuleDefinition;
  release: ReleaseRuleDefinition;
}

/** Evaluates the due rules of one kind; an evaluator typed for its own kind is a ScheduledEvaluator. */
export interface ScheduledEvaluator<K extends ScheduledRuleKind = ScheduledRuleKind> {
  kind: K;
  evaluate(rules: StoredAlertRule<ScheduledRuleDefinitions[K]>[], nowMs: number): Promise<unknown>;
}

/** What went wrong: a kind's loading or evaluation, the lease renewal, or (loop only) a callback that threw. */
export type SchedulerErrorSource = ScheduledRuleKind | 'leases' | 'tick';

export interface SchedulerError {
  source: SchedulerErrorSource;
  message: string;
  atMs: number;
}

/** What one tick did, for the app's metrics and logs. */
export interface TickReport {
  atMs: number;
  durationMs: number;
  /** Shards owned after the renewal. */
  ownedShards: number[];
  /** Due rules handed to each kind's evaluator (0: none were due, or it was not called). */
  evaluatedRules: Record<ScheduledRuleKind, number>;
  /** Sources that failed in this tick. */
  failed: SchedulerErrorSource[];
}

/** For the app's /ready and metrics. */
export interface SchedulerStatus {
  running: boolean;
  ownedShards: number[];
  lastTickAtMs: number | null;
  lastTickDurationMs: number | null;
  /** The most recent failure, kept until a later one replaces it (compare its atMs with lastTickAtMs). */
  lastError: SchedulerError | null;
}

export interface RuleSchedulerOptions {
  /** Pause between the start of one tick and the next (default 1 000 ms; longer when a tick runs long). */
  tickMs?: number;
  onTick?: (report: TickReport) => void;
  onError?: (error: Error, source: SchedulerErrorSource) => void;
}

export const DEFAULT_TICK_MS = 1_000;

export class RuleScheduler {
  private readonly tickMs: number;
  private running = false;
  /** Bumped by start(): a loop of an earlier start (stopped, then started again) schedules nothing more. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The tail of the tick queue: every tick starts after the previous one settled. */
  private ticks: Promise<unknown> = Promise.resolve();
  private lastTickAtMs: number | null = null;
  private lastTickDurationMs: number | null = null;
  private lastError: SchedulerError | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly leases: ShardOwnership,
    private readonly evaluators: readonly ScheduledEvaluator[],
    private readonly options: RuleSchedulerOptions = {},
  ) {
    const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    if (!Number.isInteger(tickMs) || tickMs < 1) throw new Error(`tickMs must be a positive integer, got ${tickMs}`);
    this.tickMs = tickMs;
    const kinds = evaluators.map((evaluator) => evaluator.kind);
    const repeated = kinds.find((kind, index) => kinds.indexOf(kind) !== index);
    if (repeated !== undefined) throw new Error(`more than one scheduled evaluator for kind ${repeated}`);
  }

  /** Starts ticking (the first tick at once). Calling it while running does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation += 1;
    this.loop(this.generation);
  }

  /** Stops ticking, waits for the running tick, then releases the leases (a failure is reported as 'leases'). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticks;
    try {
      await this.leases.release();
    } catch (error) {
      this.report(error, 'leases', Date.now());
    }
  }

  /**
   * One tick, queued behind a running one. `nowMs`: the instant for the leases, the due check and
   * the evaluators (tests drive time with it); without it the leases go by PostgreSQL's clock
   * and the rest by Date.now(). Rejects only when onTick or onError throws.
   */
  tickOnce(nowMs?: number): Promise<TickReport> {
    const tick = this.ticks.then(() => this.tick(nowMs));
    this.ticks = tick.catch(() => undefined);
    return tick;
  }

  status(nowMs?: number): SchedulerStatus {
    return {
      running: this.running,
      ownedShards: this.leases.owned(nowMs),
      lastTickAtMs: this.lastTickAtMs,
      lastTickDurationMs: this.lastTickDurationMs,
      lastError: this.lastError === null ? null : { ...this.lastError },
    };
  }

  private loop(generation: number): void {
    const startedAt = performance.now();
    this.tickOnce()
      .catch((error: unknown) => this.record(toError(error), 'tick', Date.now()))
      .finally(() => {
        if (!this.running || generation !== this.generation) return;
        const pauseMs = Math.max(0, this.tickMs - (performance.now() - startedAt));
        this.timer = setTimeout(() => this.loop(generation), pauseMs);
      });
  }

  private async tick(nowMs: number | undefined): Promise<TickReport> {
    const startedAt = performance.now();
    const atMs = nowMs ?? Date.now();
    const failed: SchedulerErrorSource[] = [];
    let ownedShards: number[];
    try {
      ownedShards = await this.leases.renew(nowMs);
    } catch (error) {
      failed.push('leases');
      this.report(error, 'leases', atMs);
      ownedShards = this.leases.owned(nowMs);
    }
    const evaluatedRules: Record<ScheduledRuleKind, number> = { metric: 0, release: 0 };
    await Promise.all(
      this.evaluators.map(async (evaluator) => {
        try {
          evaluatedRules[evaluator.kind] = await this.evaluateDue(evaluator, nowMs);
        } catch (error) {
          failed.push(evaluator.kind);
          this.report(error, evaluator.kind, nowMs ?? Date.now());
        }
      }),
    );
    const report: TickReport = { atMs, durationMs: performance.now() - startedAt, ownedShards, evaluatedRules, failed };
    this.lastTickAtMs = report.atMs;
    this.lastTickDurationMs = report.durationMs;
    this.options.onTick?.(report);
    return report;
  }

  /** Hands the due rules of the shards owned right now to the evaluator; returns how many. */
  private async evaluateDue(evaluator: ScheduledEvaluator, nowMs: number | undefined): Promise<number> {
    const shards = this.leases.owned(nowMs);
    if (shards.length === 0) return 0;
    const evaluateAtMs = nowMs ?? Date.now();
    const rules = await enabledRules<ScheduledRuleDefinitions[ScheduledRuleKind]>(this.pool, evaluator.kind, { shards, dueBeforeMs: evaluateAtMs });
    if (rules.length === 0) return 0;
    await evaluator.evaluate(rules, evaluateAtMs);
    return rules.length;
  }

  private report(error: unknown, source: SchedulerErrorSource, atMs: number): void {
    const failure = toError(error);
    this.record(failure, source, atMs);
    this.options.onError?.(failure, source);
  }

  private record(error: Error, source: SchedulerErrorSource, atMs: number): void {
    this.lastError = { source, message: error.message, atMs };
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
