import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { StopWaiting, waitUntil } from './wait-until';

export type AppName = 'ingest' | 'consumer' | 'query';

/**
 * How the process ended. After a graceful shutdown Nest re-raises the signal it handled, so a
 * clean stop reads `{ code: null, signal: 'SIGTERM' }`; `SIGKILL` means the stop timed out.
 */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcessOptions {
  app: AppName;
  /** Repository root; the app runs from `dist/apps/<app>/src/main.js`. */
  root: string;
  env: NodeJS.ProcessEnv;
  /** Port its /ready answers on. */
  port: number;
  /** Receives each output line (JSON logs). */
  onLine?: (app: AppName, line: string) => void;
}

/** One of the three built apps as a child process: started, awaited until /ready, stopped by SIGTERM. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<AppExit> | undefined;

  constructor(readonly options: AppProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    const { app, root, env } = this.options;
    const child = spawn(process.execPath, [join(root, 'dist', 'apps', app, 'src', 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
    const tail: string[] = [];
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        this.options.onLine?.(app, line);
      }
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    let exitCode: AppExit | undefined;
    void this.exited.then((exit) => (exitCode = exit));
    await waitUntil(
      `${app} on port ${this.options.port}`,
      async () => {
        if (exitCode !== undefined) throw new StopWaiting(`${app} exited (${JSON.stringify(exitCode)}):\n${tail.join('\n')}`);
        const response = await fetch(`${this.url}/ready`);
        return response.ok;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 200 },
    );
  }

  /** Resolves once the process ends. */
  waitForExit(): Promise<AppExit> {
    return this.exited ?? Promise.resolve({ code: null, signal: null });
  }

  /** SIGKILL: the process dies where it stands, as in a crash. */
  async kill(): Promise<AppExit> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.waitForExit();
  }

  /** SIGTERM (graceful: the app flushes), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<AppExit> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return this.waitForExit();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    try {
      return await this.waitForExit();
    } finally {
      clearTimeout(timer);
    }
  }
}
