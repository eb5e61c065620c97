import { CrashInfo, SupervisedWorker, SupervisorOptions, WorkerExit, WorkerSupervisor } from './worker-supervisor';

/** Fake workers and a manual clock: `exit(i, …)` ends worker i, `advance(ms)` runs due timers. */
function harness(options: Partial<SupervisorOptions> = {}) {
  let now = 0;
  let nextPid = 100;
  const timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  const forked: Array<{ slot: number; pid: number; signals: string[]; exit: (exit: WorkerExit) => void }> = [];
  const crashes: CrashInfo[] = [];
  const restarts: number[] = [];
  const gaveUp: CrashInfo[] = [];
  const supervisor = new WorkerSupervisor({
    workers: 2,
    now: () => now,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    fork: (slot, onExit) => {
      const entry = { slot, pid: nextPid++, signals: [] as string[], exit: onExit };
      forked.push(entry);
      const worker: SupervisedWorker = { pid: entry.pid, kill: (signal) => entry.signals.push(signal) };
      return worker;
    },
    events: { crashed: (info) => crashes.push(info), restarted: (slot) => restarts.push(slot), gaveUp: (info) => gaveUp.push(info) },
    ...options,
  });
  const advance = (ms: number): void => {
    now += ms;
    for (const timer of timers.filter((t) => !t.cancelled && t.at <= now)) {
      timer.cancelled = true;
      timer.fn();
    }
  };
  const live = () => forked.filter((f) => supervisor.pids.includes(f.pid));
  return { supervisor, forked, crashes, restarts, gaveUp, advance, live };
}

const killed: WorkerExit = { code: null, signal: 'SIGKILL' };

describe('WorkerSupervisor', () => {
  it('forks one worker per slot', () => {
    const { supervisor, forked } = harness();
    supervisor.start();
    expect(forked.map((f) => f.slot)).toEqual([0, 1]);
    expect(supervisor.running).toBe(2);
  });

  it('reports a crashed worker and forks its slot again after the back-off, doubling while it keeps crashing', () => {
    const { supervisor, forked, crashes, restarts, advance } = harness();
    supervisor.start();
    forked[0].exit(killed);
    expect(crashes).toEqual([{ slot: 0, pid: 100, exit: killed, recentCrashes: 1, restartInMs: 250 }]);
    expect(supervisor.running).toBe(1);
    advance(249);
    expect(forked).toHaveLength(2);
    advance(1);
    expect(forked.map((f) => f.slot)).toEqual([0, 1, 0]);
    expect(restarts).toEqual([0]);
    expect(supervisor.running).toBe(2);

    forked[2].exit({ code: 1, signal: null });
    expect(crashes[1].restartInMs).toBe(500);
    advance(500);
    forked[3].exit({ code: 1, signal: null });
    expect(crashes[2].restartInMs).toBe(1000);
  });

  it('starts the back-off again for a worker that ran long enough', () => {
    const { supervisor, forked, crashes, advance } = harness({ stableMs: 30_000, crashWindowMs: 10_000 });
    supervisor.start();
    forked[0].exit(killed);
    advance(250);
    advance(30_000);
    forked[2].exit(killed);
    expect(crashes.map((c) => c.restartInMs)).toEqual([250, 250]);
  });

  it('gives up on a crash loop: more than maxCrashes within the window stops every worker and resolves done as crash_loop', async () => {
    const { supervisor, forked, crashes, gaveUp, advance, live } = harness({ maxCrashes: 3, crashWindowMs: 60_000 });
    supervisor.start();
    for (let i = 0; i < 3; i++) {
      live().find((f) => f.slot === 0)!.exit({ code: 1, signal: null });
      advance(10_000);
    }
    expect(gaveUp).toHaveLength(0);
    live().find((f) => f.slot === 0)!.exit({ code: 1, signal: null });
    expect(gaveUp).toHaveLength(1);
    expect(crashes.at(-1)).toMatchObject({ recentCrashes: 4 });
    expect(crashes.at(-1)!.restartInMs).toBeUndefined();
    // The other worker is asked to drain; the crashed slot is not forked again.
    const other = forked.find((f) => f.slot === 1)!;
    expect(other.signals).toEqual(['SIGTERM']);
    advance(60_000);
    expect(forked.filter((f) => f.slot === 0)).toHaveLength(4);
    other.exit({ code: null, signal: 'SIGTERM' });
    await expect(supervisor.done).resolves.toMatchObject({ clean: false, reason: 'crash_loop' });
  });

  it('forgets crashes older than the window', () => {
    const { supervisor, crashes, gaveUp, advance, live } = harness({ maxCrashes: 2, crashWindowMs: 1000, baseBackoffMs: 10 });
    supervisor.start();
    for (let i = 0; i < 6; i++) {
      live().find((f) => f.slot === 0)!.exit(killed);
      advance(2000);
    }
    expect(gaveUp).toHaveLength(0);
    expect(crashes.map((c) => c.recentCrashes)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('stop: signals every worker, cancels pending restarts, and resolves clean once all drained', async () => {
    const { supervisor, forked, advance } = harness();
    supervisor.start();
    forked[0].exit(killed);
    const stopping = supervisor.stop('SIGTERM');
    expect(forked[1].signals).toEqual(['SIGTERM']);
    advance(10_000);
    expect(forked).toHaveLength(2);
    forked[1].exit({ code: null, signal: 'SIGTERM' });
    await expect(stopping).resolves.toMatchObject({ clean: true, reason: 'stopped' });
  });

  it('stop: a worker that does not drain in time is SIGKILLed, and the stop is not clean', async () => {
    const { supervisor, forked, advance } = harness({ stopTimeoutMs: 5000 });
    supervisor.start();
    const stopping = supervisor.stop('SIGTERM');
    forked[0].exit({ code: null, signal: 'SIGTERM' });
    advance(5000);
    expect(forked[1].signals).toEqual(['SIGTERM', 'SIGKILL']);
    forked[1].exit(killed);
    await expect(stopping).resolves.toMatchObject({ clean: false, reason: 'stopped' });
  });

  it('refuses a worker count below 1', () => {
    expect(() => harness({ workers: 0 })).toThrow('workers must be an integer ≥ 1');
  });
});
