/**
 * How many tenant reads one bearer token may have at once (QUERY_MAX_CONCURRENT_PER_TOKEN), how many
 * more may wait for a slot (QUERY_MAX_QUEUED_PER_TOKEN) and for how long (QUERY_MAX_QUEUE_WAIT_MS).
 */
export interface AdmissionLimits {
  maxRunning: number;
  maxQueued: number;
  maxWaitMs: number;
}

export type AdmissionRefusal = 'token_busy' | 'token_queue_timeout';

/** A slot (give it back with `release`, once), or why there is none. */
export type Admission = { ok: true; release: () => void } | { ok: false; reason: AdmissionRefusal };

interface Waiter {
  admit: (admission: Admission) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface TokenLane {
  running: number;
  waiting: Waiter[];
}

/**
 * Per-token slots for tenant reads, so that one token's flood of heavy queries occupies at most
 * `maxRunning` of ClickHouse's capacity and other tokens' reads are not queued behind it. Past the
 * running slots a short FIFO holds requests for up to `maxWaitMs`; beyond it they are refused at
 * once (the caller answers 429). Lanes are keyed by the token itself and exist only while the token
 * has reads running or waiting; nothing here is exported or logged.
 */
export class TokenAdmission {
  private readonly lanes = new Map<string, TokenLane>();
  private runningCount = 0;
  private queuedCount = 0;

  constructor(readonly limits: AdmissionLimits) {
    if (!(limits.maxRunning >= 1)) throw new Error(`maxRunning must be >= 1, got ${limits.maxRunning}`);
  }

  /** Reads running, over all tokens. */
  get running(): number {
    return this.runningCount;
  }

  /** Reads waiting for a slot, over all tokens. */
  get queued(): number {
    return this.queuedCount;
  }

  admit(token: string): Promise<Admission> {
    let lane = this.lanes.get(token);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(token, lane);
    }
    if (lane.running < this.limits.maxRunning) {
      lane.running++;
      this.runningCount++;
      return Promise.resolve(this.slot(token, lane));
    }
    if (lane.waiting.length >= this.limits.maxQueued) return Promise.resolve({ ok: false, reason: 'token_busy' });
    return new Promise<Admission>((admit) => {
      const waiter: Waiter = {
        admit,
        timer: setTimeout(() => {
          lane.waiting.splice(lane.waiting.indexOf(waiter), 1);
          this.queuedCount--;
          admit({ ok: false, reason: 'token_queue_timeout' });
        }, this.limits.maxWaitMs),
      };
      lane.waiting.push(waiter);
      this.queuedCount++;
    });
  }

  private slot(token: string, lane: TokenLane): Admission {
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.handOver(token, lane);
      },
    };
  }

  /** The slot goes straight to the longest waiter; without one the lane shrinks, and goes when idle. */
  private handOver(token: string, lane: TokenLane): void {
    const next = lane.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      this.queuedCount--;
      next.admit(this.slot(token, lane));
      return;
    }
    lane.running--;
    this.runningCount--;
    if (lane.running === 0) this.lanes.delete(token);
  }
}
