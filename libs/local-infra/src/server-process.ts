import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { StopWaiting, waitUntil } from './wait-until';

/**
 * How the process ended. After a graceful shutdown Nest re-raises the signal it handled, so a
 * clean stop of an app reads `{ code: null, signal: 'SIGTERM' }`; `SIGKILL` means the stop timed out.
 */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /** Names it in errors and in the wait message. */
  name: string;
  /** The Node script to run (`node <script>`). */
  script: string;
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Port its /ready answers on. */
  port: number;
  /** Receives each output line. */
  onLine?: (line: string) => void;
}

/**
 * A Node script with an HTTP /ready as a child process: started, awaited until ready, stopped by
 * SIGTERM (SIGKILL after a deadline). Its last output lines go into start-up errors.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<ProcessExit> | undefined;

  constructor(private readonly server: ServerProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    const { name, script, cwd, env, port, onLine } = this.server;
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    const tail: string[] = [];
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine?.(line);
      }
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    let exit: ProcessExit | undefined;
    void this.exited.then((value) => (exit = value));
    await waitUntil(
      `${name} on port ${port}`,
      async () => {
        if (exit !== undefined) throw new StopWaiting(`${name} exited (${JSON.stringify(exit)}):\n${tail.join('\n')}`);
        return (await fetch(`${this.url}/ready`)).ok;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 200 },
    );
  }

  /** Resolves once the process ends. */
  waitForExit(): Promise<ProcessExit> {
    return this.exited ?? Promise.resolve({ code: null, signal: null });
  }

  /** SIGKILL: the process dies where it stands, as in a crash. */
  async kill(): Promise<ProcessExit> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.waitForExit();
  }

  /** SIGTERM (graceful: an app flushes), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<ProcessExit> {
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
