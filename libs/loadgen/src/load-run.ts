import type { EnvelopeTransport } from './http-transport';
import type { LoadStats } from './load-stats';
import type { EnvelopeReport } from './options';
import type { OpenLoopPacer } from './pacer';
import type { Target } from './targets';
import type { PlannedEnvelope } from './workload';

/** Where envelopes come from (the Workload; a fake in tests). */
export interface EnvelopeSource {
  next(): PlannedEnvelope;
}

export interface LoadRunParts {
  source: EnvelopeSource;
  transport: EnvelopeTransport;
  targets: readonly Target[];
  stats: LoadStats;
  concurrency: number;
  onEnvelope?: (report: EnvelopeReport) => void;
  /** Epoch ms for the content's timestamps. */
  epochNow?: () => number;
}

/**
 * Sends envelopes and keeps the books, with no timers of its own: the caller decides when
 * (`dispatchDue` from a timer in open loop, `worker` loops in closed loop), which keeps this
 * testable with a fake transport and hand-picked times.
 */
export class LoadRun {
  private active = 0;
  private readonly sends = new Set<Promise<void>>();
  private callbackError: unknown;
  private readonly epochNow: () => number;

  constructor(private readonly parts: LoadRunParts) {
    this.epochNow = parts.epochNow ?? Date.now;
  }

  get inFlight(): number {
    return this.active;
  }

  /** The first exception an `onEnvelope` callback threw, if any (the run goes on; runLoad rethrows it at the end). */
  get callbackFailure(): unknown {
    return this.callbackError;
  }

  /**
   * Open loop: every envelope due by `nowMs` is sent now, or, when all `concurrency` requests are
   * in flight, counted as behind and skipped (never queued: a queue would hide the overload by
   * sending fewer, later). `nowMs` is on the pacer's clock.
   */
  dispatchDue(pacer: OpenLoopPacer, nowMs: number): void {
    while (pacer.isDue(nowMs)) {
      const planned = this.parts.source.next();
      const dueMs = pacer.take(planned.events);
      if (this.active >= this.parts.concurrency) this.parts.stats.recordBehind(planned.kind, planned.events);
      else void this.dispatch(planned, nowMs - dueMs);
    }
  }

  /** Closed loop: one connection's worth of sends, one after the other, until `shouldStop()`. */
  async worker(shouldStop: () => boolean): Promise<void> {
    while (!shouldStop()) await this.dispatch(this.parts.source.next());
  }

  /** Builds and sends one envelope; resolves when its outcome is recorded. */
  dispatch(planned: PlannedEnvelope, lagMs?: number): Promise<void> {
    const sentAtMs = this.epochNow();
    const envelope = planned.build(sentAtMs);
    const target = this.parts.targets[planned.projectIndex];
    this.parts.stats.recordSent(planned.kind, planned.events, lagMs);
    this.active++;
    const send = this.parts.transport.send(target, envelope).then((outcome) => {
      this.active--;
      this.parts.stats.recordOutcome(planned.kind, planned.events, envelope.expected, outcome);
      if (!this.parts.onEnvelope) return;
      try {
        this.parts.onEnvelope({ kind: planned.kind, events: planned.events, projectId: target.projectId, sentAtMs, traceIds: envelope.traceIds, outcome });
      } catch (error) {
        this.callbackError ??= error;
      }
    });
    this.sends.add(send);
    void send.finally(() => this.sends.delete(send));
    return send;
  }

  /** Waits for every send in flight; false when some were still open after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      while (this.sends.size > 0) {
        const done = await Promise.race([Promise.all([...this.sends]).then(() => true as const), timedOut]);
        if (!done) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
