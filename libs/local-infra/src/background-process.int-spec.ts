import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundProcess, isAlive } from './background-process';
import { waitUntil } from './wait-until';

// Real child processes (node -e ...), recognised by a marker argument on their command line.

describe('BackgroundProcess', () => {
  let dir: string;
  let spawned: number[];

  const make = (stopTimeoutMs = 5_000): BackgroundProcess =>
    new BackgroundProcess({
      owner: 'Test',
      label: 'test process',
      pidFile: join(dir, 'run', 'test.pid'),
      logFile: join(dir, 'logs', 'test.log'),
      isOurs: (args) => args.includes(dir),
      stopTimeoutMs,
      pollIntervalMs: 20,
    });
  const start = async (proc: BackgroundProcess, script: string): Promise<number> => {
    const child = await proc.spawn(process.execPath, ['-e', script, dir], { cwd: dir });
    spawned.push(child.pid);
    return child.pid;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-background-process-'));
    spawned = [];
  });

  afterEach(() => {
    for (const pid of spawned) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs detached with a pid file and a log, is found again, and stops on SIGTERM', async () => {
    const proc = make();
    const pid = await start(proc, "console.log('hello from the child'); setInterval(() => {}, 1000)");
    expect(readFileSync(proc.pidFile, 'utf8').trim()).toBe(String(pid));
    expect(make().runningPid()).toBe(pid);
    await proc.waitReady(pid, {
      what: 'the greeting',
      probe: async () => readFileSync(proc.logFile, 'utf8').includes('hello from the child'),
      timeoutMs: 5_000,
      intervalMs: 20,
    });

    await proc.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(proc.pidFile)).toBe(false);
    expect(proc.runningPid()).toBeUndefined();
    await proc.stop(); // idempotent
  });

  it('never signals a live process that is not ours', async () => {
    const proc = make();
    await start(proc, 'setInterval(() => {}, 1000)');
    writeFileSync(proc.pidFile, `${process.pid}\n`); // a recycled pid: alive, other command line
    expect(proc.runningPid()).toBeUndefined();
    await proc.stop();
    expect(isAlive(process.pid)).toBe(true);
    expect(existsSync(proc.pidFile)).toBe(false);
  });

  it('SIGKILLs a process that ignores SIGTERM', async () => {
    const proc = make(300);
    const pid = await start(proc, "process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000)");
    await proc.waitReady(pid, { what: 'up', probe: async () => proc.logTail().includes('up'), timeoutMs: 5_000, intervalMs: 20 });
    await proc.stop();
    expect(isAlive(pid)).toBe(false);
  });

  it('fails waitReady with the exit and the log tail when the process dies first, and keeps the previous log', async () => {
    const proc = make();
    const first = await proc.spawn(process.execPath, ['-e', "console.log('first run')", dir], { cwd: dir });
    expect(await first.exited).toBe('exit code 0');
    const child = await proc.spawn(process.execPath, ['-e', "console.error('cannot start: bad config'); process.exit(2)", dir], { cwd: dir });
    await expect(
      proc.waitReady(child.pid, { what: 'never', probe: async () => false, timeoutMs: 5_000, intervalMs: 20, exited: child.exited }),
    ).rejects.toThrow(/^Test: the test process \(pid \d+\) exited before it was ready \(exit code 2\); last lines of .*test\.log:\ncannot start: bad config$/);
    expect(existsSync(proc.pidFile)).toBe(false);
    expect(readFileSync(`${proc.logFile}.1`, 'utf8')).toBe('first run\n');
  });

  it('stops a process that does not get ready in time', async () => {
    const proc = make();
    const pid = await start(proc, 'setInterval(() => {}, 1000)');
    await expect(proc.waitReady(pid, { what: 'readiness', probe: async () => false, timeoutMs: 200, intervalMs: 20 })).rejects.toThrow(
      /readiness was not ready within 200 ms/,
    );
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(proc.pidFile)).toBe(false);
  });

  it('counts an exited, unreaped process (a zombie) as gone', async () => {
    // `sleep` never reaps the child it inherits from the shell, so that child stays a zombie.
    const shell = spawn('sh', ['-c', 'sleep 0 & exec sleep 30'], { stdio: 'ignore' });
    const parent = shell.pid as number;
    spawned.push(parent);
    let zombie = 0;
    await waitUntil('the zombie', async () => {
      zombie = Number(readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim());
      return zombie > 0 && /^State:\s*Z/m.test(readFileSync(`/proc/${zombie}/status`, 'utf8'));
    }, { intervalMs: 20 });
    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(isAlive(zombie)).toBe(false);
    expect(isAlive(parent)).toBe(true);
  });

  it('reports a command that cannot be started', async () => {
    await expect(make().spawn(join(dir, 'no-such-binary'), [], { cwd: dir })).rejects.toThrow(/^Test: could not start .*no-such-binary: spawn .* ENOENT/);
  });
});
