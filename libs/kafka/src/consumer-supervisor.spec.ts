import { ConsumerSupervisor, SupervisorOptions } from './consumer-supervisor';

/** A clock whose timers run when the test advances it. */
class ManualClock {
  time = 0;
  private timers: Array<{ at: number; run: () => void; id: NodeJS.Timeout }> = [];
  now = () => this.time;
  setTimeout = (run: () => void, ms: number): NodeJS.Timeout => {
    const id = { ref: ms } as unknown as NodeJS.Timeout;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  };
  clearTimeout = (id: NodeJS.Timeout): void => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };
  /** Moves time on, running due timers, and lets the promises they start settle. */
  async advance(ms: number): Promise<void> {
    this.time += ms;
    for (const timer of this.timers.filter((t) => t.at <= this.time)) {
      this.clearTimeout(timer.id);
      timer.run();
    }
    for (let i = 0; i < 10; i++) await Promise.resolve();
  }
  get pending(): number[] {
    return this.timers.map((timer) => timer.at - this.time);
  }
}

describe('ConsumerSupervisor', () => {
  function supervisor(restart: () => Promise<void>) {
    const clock = new ManualClock();
    const log: string[] = [];
    const options: SupervisorOptions = {
      restart,
      initialMs: 1000,
      maxMs: 8000,
      clock,
      events: {
        onCrash: (_error, restartInMs) => log.push(`crash ${restartInMs ?? 'kafkajs'}`),
        onRestart: (attempt) => log.push(`restart ${attempt}`),
        onRestartFailed: (_error, attempt, retryInMs) => log.push(`failed ${attempt} retry ${retryInMs}`),
        onRunning: (running) => log.push(running ? 'running' : 'down'),
      },
    };
    return { supervisor: new ConsumerSupervisor(options), clock, log };
  }

  it('restarts after a crash kafkajs will not restart from, backing off up to the ceiling while restarts fail', async () => {
    let failures = 4;
    const { supervisor: s, clock, log } = supervisor(async () => {
      if (failures-- > 0) throw new Error('broker refuses');
    });
    s.joined();
    s.crashed(new Error('coordinator is not aware of this member'), false);
    expect(s.running).toBe(false);
    for (const wait of [1000, 2000, 4000, 8000, 8000]) {
      expect(clock.pending).toEqual([wait]);
      await clock.advance(wait);
    }
    expect(clock.pending).toEqual([]); // the fifth attempt worked
    s.joined();
    expect(log).toEqual(['running', 'down', 'crash 1000', 'restart 1', 'failed 1 retry 2000', 'restart 2', 'failed 2 retry 4000', 'restart 3', 'failed 3 retry 8000', 'restart 4', 'failed 4 retry 8000', 'restart 5', 'running']);
  });

  it('leaves a retriable crash to kafkajs, and starts the back-off over after a stable run', async () => {
    const { supervisor: s, clock, log } = supervisor(async () => undefined);
    s.joined();
    s.crashed(new Error('connection closed'), true);
    expect(clock.pending).toEqual([]);
    s.joined();
    s.crashed(new Error('unknown member'), false);
    await clock.advance(1000);
    s.joined();
    s.crashed(new Error('unknown member'), false); // right after the restart: backs off further
    expect(clock.pending).toEqual([2000]);
    await clock.advance(2000);
    s.joined();
    await clock.advance(8000); // stable for the ceiling's length
    s.crashed(new Error('unknown member'), false);
    expect(clock.pending).toEqual([1000]);
    expect(log.filter((line) => line.startsWith('crash'))).toEqual(['crash kafkajs', 'crash 1000', 'crash 2000', 'crash 1000']);
  });

  it('restarts nothing once stopped', async () => {
    const restart = jest.fn(async () => undefined);
    const { supervisor: s, clock } = supervisor(restart);
    s.joined();
    s.crashed(new Error('x'), false);
    await s.stop();
    await clock.advance(10_000);
    s.crashed(new Error('y'), false);
    expect(restart).not.toHaveBeenCalled();
    expect(s.running).toBe(false);
  });
});
