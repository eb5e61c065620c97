import { Backoff } from './backoff';

export interface SupervisorOptions {
  /** Starts a fresh consumer in place of the crashed one; a rejection schedules the next attempt. */
  restart: () => Promise<void>;
  /** Wait before the first restart after a crash, doubled after each failed one up to `maxMs`. */
  initialMs: number;
  maxMs: number;
  events: SupervisorEvents;
  /** Injectable for tests of the schedule. */
  clock?: { now: () => number; setTimeout: (run: () => void, ms: number) => NodeJS.Timeout; clearTimeout: (timer: NodeJS.Timeout) => void };
}

export interface SupervisorEvents {
  /** The consumer crashed. `restartInMs` is Pulse's wait before a fresh consumer; undefined when kafkajs restarts it itself. */
  onCrash?: (error: unknown, restartInMs: number | undefined) => void;
  /** Pulse started a fresh consumer; `attempt` counts restarts since the consumer last ran stably. */
  onRestart?: (attempt: number) => void;
  /** Starting the fresh consumer failed; the next attempt follows in `retryInMs`. */
  onRestartFailed?: (error: unknown, attempt: number, retryInMs: number) => void;
  /** Running = a member of its group; false from a crash until the next join, and after stop. */
  onRunning?: (running: boolean) => void;
}

const SYSTEM_CLOCK = { now: () => Date.now(), setTimeout: (run: () => void, ms: number) => setTimeout(run, ms), clearTimeout: (timer: NodeJS.Timeout) => clearTimeout(timer) };

/**
 * Keeps one kind's consumer alive. kafkajs restarts a crashed consumer only after retriable
 * errors; after a non-retriable one (a member the coordinator no longer knows, an inconsistent
 * group protocol) it stays down for good while the process looks healthy. The supervisor then
 * starts a fresh consumer after a back-off that doubles up to a ceiling, and again if that fails.
 * The back-off starts over once a consumer has stayed in its group for the ceiling's length, so a
 * crash a day later is retried quickly but a crash loop is not.
 */
export class ConsumerSupervisor {
  private backoff: Backoff;
  private readonly clock: NonNullable<SupervisorOptions['clock']>;
  private timer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | undefined;
  private attempt = 0;
  private joinedAt: number | undefined;
  private stopped = false;
  private isRunning = false;

  constructor(private readonly options: SupervisorOptions) {
    this.backoff = new Backoff(options.initialMs, options.maxMs);
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  get running(): boolean {
    return this.isRunning;
  }

  /** The consumer joined its group. */
  joined(): void {
    if (this.stopped) return;
    this.joinedAt = this.clock.now();
    this.setRunning(true);
  }

  /** kafkajs reported a crash; `kafkajsRestarts` is its own `payload.restart`. */
  crashed(error: unknown, kafkajsRestarts: boolean): void {
    if (this.stopped) return;
    this.setRunning(false);
    if (this.joinedAt !== undefined && this.clock.now() - this.joinedAt >= this.options.maxMs) {
      this.backoff = new Backoff(this.options.initialMs, this.options.maxMs);
      this.attempt = 0;
    }
    this.joinedAt = undefined;
    if (kafkajsRestarts) {
      this.options.events.onCrash?.(error, undefined);
      return;
    }
    const delay = this.backoff.delay();
    this.options.events.onCrash?.(error, delay);
    this.schedule(delay);
  }

  /** No restart after this; waits for one in progress so the caller can disconnect what it started. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.restarting;
    this.setRunning(false);
  }

  private schedule(delay: number): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.restarting = this.restartNow().finally(() => (this.restarting = undefined));
    }, delay);
  }

  private async restartNow(): Promise<void> {
    if (this.stopped) return;
    this.attempt++;
    this.options.events.onRestart?.(this.attempt);
    try {
      await this.options.restart();
    } catch (error) {
      if (this.stopped) return;
      const delay = this.backoff.delay();
      this.options.events.onRestartFailed?.(error, this.attempt, delay);
      this.schedule(delay);
    }
  }

  private setRunning(running: boolean): void {
    if (running === this.isRunning) return;
    this.isRunning = running;
    this.options.events.onRunning?.(running);
  }
}
