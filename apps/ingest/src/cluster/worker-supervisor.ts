/** How a worker process ended: an exit code, or the signal that ended it. */
export interface WorkerExit {
  code: number | null;
  signal: string | null;
}

/** One forked worker, as the supervisor sees it (node:cluster's Worker in production, fakes in tests). */
export interface SupervisedWorker {
  readonly pid: number | undefined;
  kill(signal: NodeJS.Signals): void;
}

/** Forks a worker; `onExit` is called once, when it ends. */
export type ForkWorker = (slot: number, onExit: (exit: WorkerExit) => void) => SupervisedWorker;

export interface CrashInfo {
  slot: number;
  pid: number | undefined;
  exit: WorkerExit;
  /** Crashes of any worker within the crash window, this one included. */
  recentCrashes: number;
  /** Delay before this slot's worker is forked again, ms (undefined when the supervisor gives up). */
  restartInMs?: number;
}

export interface SupervisorEvents {
  crashed(info: CrashInfo): void;
  restarted(slot: number, pid: number | undefined): void;
  /** More than `maxCrashes` within the window: every worker is being stopped. */
  gaveUp(info: CrashInfo): void;
}

export interface SupervisorOptions {
  workers: number;
  fork: ForkWorker;
  events: SupervisorEvents;
  /** Give up when more than this many crashes fall within `crashWindowMs` (default 5 in 60 s). */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** Restart delay: base × 2^(the slot's consecutive crashes − 1), at most `maxBackoffMs` (250 ms … 10 s). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A worker up this long has recovered: its slot's back-off starts again from the base (30 s). */
  stableMs?: number;
  /** On stop, workers still running after this long are SIGKILLed (30 s). */
  stopTimeoutMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => () => void;
}

/** How the set ended: `clean` when every worker exited 0 or by the stop signal after draining. */
export interface StopOutcome {
  clean: boolean;
  /** Why the supervisor stopped: a stop request (SIGTERM to the primary) or a crash loop. */
  reason: 'stopped' | 'crash_loop';
  exits: WorkerExit[];
}

interface Slot {
  worker: SupervisedWorker | undefined;
  startedAt: number;
  consecutiveCrashes: number;
  cancelRestart: (() => void) | undefined;
}

const realTimer = (fn: () => void, ms: number): (() => void) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/**
 * Keeps `workers` processes running. A worker that ends without being asked to is a crash: it is
 * reported (the caller logs it at error and counts it) and forked again after an exponential
 * back-off. More than `maxCrashes` crashes within `crashWindowMs` is a crash loop: the supervisor
 * stops the others and `done` resolves with reason `crash_loop` (the primary then exits
 * non-zero). `stop(signal)` sends the signal to every worker (each drains and flushes), SIGKILLs
 * those still running after `stopTimeoutMs`, and resolves `done` once all have exited.
 */
export class WorkerSupervisor {
  readonly done: Promise<StopOutcome>;
  private resolveDone!: (outcome: StopOutcome) => void;
  private readonly slots: Slot[] = [];
  private readonly crashTimes: number[] = [];
  private readonly exits: WorkerExit[] = [];
  /** Exits of the workers that were running when the stop began. */
  private readonly stopExits: WorkerExit[] = [];
  private stopping: StopOutcome['reason'] | undefined;
  private cancelKill: (() => void) | undefined;
  private readonly maxCrashes: number;
  private readonly crashWindowMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableMs: number;
  private readonly stopTimeoutMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => () => void;

  constructor(private readonly options: SupervisorOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be an integer ≥ 1, got ${options.workers}`);
    this.maxCrashes = options.maxCrashes ?? 5;
    this.crashWindowMs = options.crashWindowMs ?? 60_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.stableMs = options.stableMs ?? 30_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? realTimer;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  start(): void {
    for (let slot = 0; slot < this.options.workers; slot++) {
      this.slots.push({ worker: undefined, startedAt: 0, consecutiveCrashes: 0, cancelRestart: undefined });
      this.fork(slot);
    }
  }

  /** Workers running now. */
  get running(): number {
    return this.slots.filter((s) => s.worker !== undefined).length;
  }

  /** Process ids of the running workers. */
  get pids(): number[] {
    return this.slots.flatMap((s) => (s.worker?.pid === undefined ? [] : [s.worker.pid]));
  }

  /** Drains every worker with `signal`; resolves `done`. A second call changes nothing. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<StopOutcome> {
    this.beginStop('stopped', signal);
    return this.done;
  }

  private beginStop(reason: StopOutcome['reason'], signal: NodeJS.Signals): void {
    if (this.stopping) return;
    this.stopping = reason;
    for (const slot of this.slots) {
      slot.cancelRestart?.();
      slot.cancelRestart = undefined;
      slot.worker?.kill(signal);
    }
    this.cancelKill = this.setTimer(() => {
      for (const slot of this.slots) slot.worker?.kill('SIGKILL');
    }, this.stopTimeoutMs);
    this.finishIfAllExited();
  }

  private fork(slot: number): void {
    const state = this.slots[slot];
    state.startedAt = this.now();
    let exited = false;
    const worker = this.options.fork(slot, (exit) => {
      if (exited) return;
      exited = true;
      if (state.worker === worker) state.worker = undefined;
      this.onExit(slot, worker, exit);
    });
    if (!exited) state.worker = worker;
  }

  private onExit(slot: number, worker: SupervisedWorker, exit: WorkerExit): void {
    this.exits.push(exit);
    if (this.stopping) {
      this.stopExits.push(exit);
      this.finishIfAllExited();
      return;
    }
    const now = this.now();
    const state = this.slots[slot];
    if (now - state.startedAt >= this.stableMs) state.consecutiveCrashes = 0;
    state.consecutiveCrashes++;
    this.crashTimes.push(now);
    while (this.crashTimes.length > 0 && now - this.crashTimes[0] > this.crashWindowMs) this.crashTimes.shift();
    const info: CrashInfo = { slot, pid: worker.pid, exit, recentCrashes: this.crashTimes.length };
    if (this.crashTimes.length > this.maxCrashes) {
      this.options.events.crashed(info);
      this.options.events.gaveUp(info);
      this.beginStop('crash_loop', 'SIGTERM');
      return;
    }
    info.restartInMs = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (state.consecutiveCrashes - 1));
    this.options.events.crashed(info);
    state.cancelRestart = this.setTimer(() => {
      state.cancelRestart = undefined;
      if (this.stopping) return;
      this.fork(slot);
      this.options.events.restarted(slot, state.worker?.pid);
    }, info.restartInMs);
  }

  private finishIfAllExited(): void {
    if (!this.stopping || this.slots.some((s) => s.worker !== undefined)) return;
    this.cancelKill?.();
    const clean = this.stopping === 'stopped' && this.stopExits.every((e) => e.code === 0 || e.signal === 'SIGTERM' || e.signal === 'SIGINT');
    this.resolveDone({ clean, reason: this.stopping, exits: [...this.exits] });
  }
}
