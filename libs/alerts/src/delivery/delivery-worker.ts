import { sendDelivery } from '@pulse/notifiers';
import type { Delivery, DeliveryResult, DestinationType } from '@pulse/notifiers';
import type { Pool } from 'pg';
import { claimDueDeliveries, ClaimedDelivery, recordDelivered, recordFailed, recordRetry, releaseClaims } from './delivery-claims';
import { BackoffPolicy, checkBackoffPolicy, DEFAULT_BACKOFF, DeliveryOutcomeKind, outcomeOf, retryDelayMs } from './delivery-policy';
import { redactSecrets } from './error-redaction';
import { PostgresTicketRegistry } from './ticket-registry';

/**
 * The sending side of the outbox: claims due `alert_deliveries` rows, sends each through its
 * destination, and records what happened. Several instances share the table; a claim is a lease
 * (`locked_until`), and each result is written only if the row is still claimed by this instance
 * (delivery-claims.ts, which also keeps notifications of one incident in order per receiver).
 *
 * Delivery is AT LEAST ONCE. If a sender crashes (or stalls past its lease) after the receiver
 * took the request but before the row was marked delivered, the row is claimed again once the
 * lease has run out and sent again, with the SAME `Idempotency-Key` (the row's key, fixed when the
 * notification was decided): that key is what lets a receiver drop the repeat. The other way
 * round never happens: a row marked delivered is never claimed, so never sent, again. The lease
 * must outlast a send's timeout, so that a healthy sender always records before anyone else may
 * take its rows.
 */

export interface DeliveryOutcome {
  destination: DestinationType;
  outcome: DeliveryOutcomeKind;
  /** Attempts made, this one included. */
  attempts: number;
  latencyMs: number;
}

export interface DeliveryWorkerOptions {
  /** Unique per running process (two processes with one id could record each other's attempts). */
  instanceId: string;
  /** Per request; the destination aborts it after this (default 10 s). */
  timeoutMs?: number;
  /** How long a claim holds; must be longer than timeoutMs (default 30 s). */
  leaseMs?: number;
  /** Rows claimed at once (default 50). */
  batchSize?: number;
  /** Attempts before a retryable failure becomes `failed` (default 12). */
  maxAttempts?: number;
  /** Sends in flight at once within a batch (default 8). */
  concurrency?: number;
  /** The loop's pause when a batch was not full (default 250 ms). */
  pollMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** One attempt (default `sendDelivery` of @pulse/notifiers). */
  send?: (delivery: Delivery) => Promise<DeliveryResult>;
  /** After each recorded attempt, for metrics. */
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** A claim or a record that failed (PostgreSQL unreachable); the loop goes on. Default: ignored. */
  onError?: (error: Error) => void;
  /** [0, 1) for the back-off's jitter (default Math.random). */
  random?: () => number;
}

/** One claimed batch while it is being sent; `stopped` makes its lanes take nothing more. */
interface Batch {
  queue: ClaimedDelivery[];
  stopped: boolean;
}

/** One start() … stop() of the loop; a later start() runs a new one. */
interface Loop {
  stopped: boolean;
  wake: (() => void) | undefined;
  done: Promise<void>;
  /** When the loop started or last finished a pass (claimed, sent and recorded, or failed). */
  lastTurnAtMs: number;
}

/** What /ready reads of the loop (deliveryLoopProblem). */
export interface DeliveryLoopStatus {
  running: boolean;
  lastTurnAtMs: number | null;
  /**
   * The longest a healthy pass can take: each of `concurrency` lanes sends ceil(batch / concurrency)
   * rows, each bounded by the lease (an attempt gives up then), plus two leases for the claim and the
   * records. A pass running longer hangs on something no timeout bounds.
   */
  stalledAfterMs: number;
}

/** Why the outbox loop is not healthy at `nowMs`, or undefined when it is. */
export function deliveryLoopProblem(status: DeliveryLoopStatus, nowMs: number): string | undefined {
  if (!status.running || status.lastTurnAtMs === null) return 'the outbox worker is not running';
  const sinceMs = nowMs - status.lastTurnAtMs;
  if (sinceMs > status.stalledAfterMs) return `the outbox worker has not finished a pass for ${Math.round(sinceMs / 1000)} s (a pass takes at most ${Math.round(status.stalledAfterMs / 1000)} s)`;
  return undefined;
}

/** After a failed claim the loop waits at least this long (PostgreSQL is probably down). */
const ERROR_PAUSE_MS = 1_000;

export class DeliveryWorker {
  private readonly instanceId: string;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly send: (delivery: Delivery) => Promise<DeliveryResult>;
  private readonly tickets: PostgresTicketRegistry;
  private readonly batches = new Set<Batch>();
  private readonly running = new Set<Promise<number>>();
  private loop: Loop | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly options: DeliveryWorkerOptions,
  ) {
    if (options.instanceId.trim() === '') throw new RangeError('instanceId must not be empty');
    this.instanceId = options.instanceId;
    this.timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 10_000);
    this.leaseMs = positiveInteger('leaseMs', options.leaseMs ?? 30_000);
    if (this.leaseMs <= this.timeoutMs) throw new RangeError(`leaseMs (${this.leaseMs}) must be longer than timeoutMs (${this.timeoutMs})`);
    this.batchSize = positiveInteger('batchSize', options.batchSize ?? 50);
    this.maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 12);
    this.concurrency = positiveInteger('concurrency', options.concurrency ?? 8);
    this.pollMs = positiveInteger('pollMs', options.pollMs ?? 250);
    this.backoff = checkBackoffPolicy({ ...DEFAULT_BACKOFF, ...options.backoff });
    this.send = options.send ?? sendDelivery;
    this.tickets = new PostgresTicketRegistry(pool);
  }

  /**
   * Claims the rows due at `nowMs` (default: now), sends them (at most `concurrency` at once) and
   * records each result; resolves with how many rows were claimed once all are recorded.
   */
  runOnce(nowMs?: number): Promise<number> {
    const run = this.claimAndSend(nowMs);
    this.running.add(run);
    const forget = (): void => {
      this.running.delete(run);
    };
    run.then(forget, forget);
    return run;
  }

  status(): DeliveryLoopStatus {
    const loop = this.loop;
    const stalledAfterMs = (Math.ceil(this.batchSize / this.concurrency) + 2) * this.leaseMs + ERROR_PAUSE_MS;
    return { running: loop !== undefined && !loop.stopped, lastTurnAtMs: loop?.lastTurnAtMs ?? null, stalledAfterMs };
  }

  /** Runs `runOnce` every pollMs, and again at once after a full batch, until stop(). */
  start(): void {
    if (this.loop !== undefined && !this.loop.stopped) return;
    const loop: Loop = { stopped: false, wake: undefined, done: Promise.resolve(), lastTurnAtMs: Date.now() };
    loop.done = this.runLoop(loop);
    this.loop = loop;
  }

  /**
   * Stops the loop, gives back the claimed rows not yet sent, and waits up to `waitMs` (default:
   * timeoutMs plus a second to record) for the sends in flight to be recorded. Waiting 0 abandons
   * them: their rows stay claimed until the lease runs out, and are then sent again elsewhere.
   */
  async stop(options: { waitMs?: number } = {}): Promise<void> {
    const loop = this.loop;
    if (loop !== undefined) {
      loop.stopped = true;
      loop.wake?.();
    }
    const unsent: number[] = [];
    for (const batch of this.batches) {
      batch.stopped = true;
      unsent.push(...batch.queue.splice(0).map((delivery) => delivery.id));
    }
    try {
      await releaseClaims(this.pool, unsent, this.instanceId);
    } catch (error) {
      this.reportError(error);
    }
    const pending: Promise<unknown>[] = [...this.running];
    if (loop !== undefined) pending.push(loop.done);
    await settledWithin(pending, options.waitMs ?? this.timeoutMs + 1_000);
  }

  private async runLoop(loop: Loop): Promise<void> {
    while (!loop.stopped) {
      let claimed = 0;
      let failed = false;
      try {
        claimed = await this.runOnce();
      } catch (error) {
        failed = true;
        this.reportError(error);
      }
      loop.lastTurnAtMs = Date.now();
      if (loop.stopped) return;
      if (failed || claimed < this.batchSize) await pause(loop, failed ? Math.max(this.pollMs, ERROR_PAUSE_MS) : this.pollMs);
    }
  }

  private async claimAndSend(nowMs: number | undefined): Promise<number> {
    const now = nowMs === undefined ? () => Date.now() : () => nowMs;
    // Registered before the claim: a stop() during the claim statement finds it and the rows it
    // brings back are given back at once.
    const batch: Batch = { queue: [], stopped: false };
    this.batches.add(batch);
    try {
      const claimed = await claimDueDeliveries(this.pool, { instanceId: this.instanceId, nowMs: now(), leaseMs: this.leaseMs, limit: this.batchSize });
      if (batch.stopped) {
        await releaseClaims(this.pool, claimed.map((delivery) => delivery.id), this.instanceId);
        return claimed.length;
      }
      batch.queue.push(...claimed);
      const lanes = Array.from({ length: Math.min(this.concurrency, claimed.length) }, async () => {
        while (!batch.stopped) {
          const next = batch.queue.shift();
          if (next === undefined) return;
          await this.deliver(next, now);
        }
      });
      await Promise.all(lanes);
      return claimed.length;
    } finally {
      this.batches.delete(batch);
    }
  }

  /** One attempt of one claimed row, recorded; never throws (a failed record is reported). */
  private async deliver(delivery: ClaimedDelivery, now: () => number): Promise<void> {
    const started = performance.now();
    const result = await this.attempt(delivery);
    const latencyMs = performance.now() - started;
    const outcome = outcomeOf(result, delivery.attempts, this.maxAttempts);
    try {
      const recorded = await this.record(delivery, result, outcome, now());
      if (recorded) this.options.onOutcome?.({ destination: delivery.destination, outcome, attempts: delivery.attempts + 1, latencyMs });
    } catch (error) {
      this.reportError(error);
    }
  }

  /**
   * The destination's answer, or a retryable failure when it threw or gave none within the lease
   * (after which the row may be another instance's, so waiting longer serves nothing).
   */
  private async attempt(delivery: ClaimedDelivery): Promise<DeliveryResult> {
    let timer: NodeJS.Timeout | undefined;
    const leaseOver = new Promise<DeliveryResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, retry: true, error: `no answer within the lease of ${this.leaseMs} ms` }), this.leaseMs);
    });
    const sent = Promise.resolve()
      .then(() => this.send({ notification: delivery.notification, action: delivery.action, idempotencyKey: delivery.idempotencyKey, timeoutMs: this.timeoutMs, tickets: this.tickets }))
      .catch((error: unknown): DeliveryResult => ({ ok: false, retry: true, error: errorOf(error).message }));
    try {
      return await Promise.race([sent, leaseOver]);
    } finally {
      clearTimeout(timer);
    }
  }

  private record(delivery: ClaimedDelivery, result: DeliveryResult, outcome: DeliveryOutcomeKind, nowMs: number): Promise<boolean> {
    if (result.ok) return recordDelivered(this.pool, delivery.id, this.instanceId, { nowMs, statusCode: result.statusCode, externalRef: result.externalRef });
    const error = redactSecrets(result.error, delivery.action);
    if (outcome === 'failed') {
      const exhausted = result.retry ? ` (gave up after ${delivery.attempts + 1} attempts)` : '';
      return recordFailed(this.pool, delivery.id, this.instanceId, { error: `${error}${exhausted}`, statusCode: result.statusCode });
    }
    const delayMs = retryDelayMs(result, delivery.attempts + 1, this.backoff, this.options.random);
    return recordRetry(this.pool, delivery.id, this.instanceId, { nextAttemptAtMs: nowMs + delayMs, error, statusCode: result.statusCode });
  }

  private reportError(error: unknown): void {
    this.options.onError?.(errorOf(error));
  }
}

/** Waits `ms`, or less when stop() wakes the loop. */
function pause(loop: Loop, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(), ms);
    const done = (): void => {
      clearTimeout(timer);
      loop.wake = undefined;
      resolve();
    };
    loop.wake = done;
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Resolves when all settle or after `ms`, whichever is first. */
async function settledWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([Promise.allSettled(promises).then(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
