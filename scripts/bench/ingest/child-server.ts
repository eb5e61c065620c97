import { waitUntil, StopWaiting } from '@pulse/local-infra';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A Node script of the benchmark (not one of the three apps, which AppProcess runs) as a child
 * process with an HTTP /ready: started, awaited until ready, stopped by SIGTERM (SIGKILL after a
 * deadline). Its output lines go to `onLine`, its last lines into start-up errors.
 */
export class ChildServer {
  private child: ChildProcess | undefined;
  private exited: Promise<ChildExit> | undefined;

  constructor(
    readonly name: string,
    private readonly script: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onLine: (line: string) => void = () => undefined,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, [this.script], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    const tail: string[] = [];
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        this.onLine(line);
      }
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    let exit: ChildExit | undefined;
    void this.exited.then((value) => (exit = value));
    await waitUntil(
      `${this.name} on port ${this.port}`,
      async () => {
        if (exit !== undefined) throw new StopWaiting(`${this.name} exited (${JSON.stringify(exit)}):\n${tail.join('\n')}`);
        return (await fetch(`${this.url}/ready`)).ok;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 200 },
    );
  }

  waitForExit(): Promise<ChildExit> {
    return this.exited ?? Promise.resolve({ code: null, signal: null });
  }

  async stop(timeoutMs = 30_000): Promise<ChildExit> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.waitForExit();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.waitForExit();
    } finally {
      clearTimeout(timer);
    }
  }
}
