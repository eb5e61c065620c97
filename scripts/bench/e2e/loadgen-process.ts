import type { LoadProgress, LoadSummary } from '@pulse/loadgen';
import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { LoadgenChildOptions, LoadgenMessage, SampleMessage } from './loadgen-messages';

/**
 * One run of the load generator in its own process (dist/scripts/bench/e2e/loadgen-child.js),
 * with samples and progress passed back over IPC. `kill()` is for tear-down.
 */
export class LoadgenProcess {
  private readonly child: ChildProcess;
  private summary: LoadSummary | undefined;
  private readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  private readonly stderr: string[] = [];
  /** Epoch ms the child was about to send its first envelope. */
  startedAtMs: number | undefined;

  constructor(
    script: string,
    options: LoadgenChildOptions,
    handlers: { onSample: (sample: SampleMessage) => void; onProgress?: (progress: LoadProgress) => void },
  ) {
    this.child = fork(script, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], execArgv: [] });
    this.exited = once(this.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr.push(chunk.toString('utf8'));
      if (this.stderr.length > 50) this.stderr.shift();
    });
    this.child.on('message', (message: LoadgenMessage) => {
      if (message.type === 'sample') handlers.onSample(message);
      else if (message.type === 'started') this.startedAtMs = message.atMs;
      else if (message.type === 'progress') handlers.onProgress?.(message.progress);
      else this.summary = message.summary;
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the summary once the child has sent it and exited. */
  async done(): Promise<LoadSummary> {
    const [code, signal] = await this.exited;
    if (!this.summary) throw new Error(`the load generator ended without a summary (${signal ?? `exit code ${code}`}): ${this.stderr.join('').slice(-2000)}`);
    return this.summary;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
