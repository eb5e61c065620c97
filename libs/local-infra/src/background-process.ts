import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StopWaiting, waitUntil } from './wait-until';

export interface BackgroundProcessOptions {
  /** Prefix of the errors thrown (`LocalKafka`, `LocalClickHouse`). */
  owner: string;
  /** What the process is, in messages (`Kafka broker`, `ClickHouse server`). */
  label: string;
  /** Holds the pid, so later invocations (other CLIs, test runs) find the process again. */
  pidFile: string;
  /** stdout and stderr of the process; the previous one is kept as `<logFile>.1`. */
  logFile: string;
  /**
   * Whether a live process with this command line (`/proc/<pid>/cmdline`, split on NUL) is ours,
   * so a recycled pid never gets signalled.
   */
  isOurs: (args: string[]) => boolean;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs: number;
  /** Polling interval while waiting for an exit. Default 100 ms. */
  pollIntervalMs?: number;
}

export interface SpawnedProcess {
  pid: number;
  /** Resolves with why the child exited (`exit code 1`, `killed by SIGKILL`, a spawn error). */
  exited: Promise<string>;
}

export interface WaitReadyOptions {
  /** What is awaited, for the timeout message (`Kafka broker at 127.0.0.1:9092`). */
  what: string;
  /** True once the process answers; errors count as "not yet". */
  probe: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs: number;
  /** From spawn(): reports an exit sooner and with its code; absent for a process found running. */
  exited?: Promise<string>;
  /** How long a process that never got ready is given to exit after SIGTERM. Default 10 s. */
  killTimeoutMs?: number;
}

/**
 * A detached process that outlives the one starting it: spawned with its output in a log file and
 * its pid in a pid file, recognised again by pid and command line, stopped with SIGTERM and then
 * SIGKILL. Shared by the local services (Kafka broker, ClickHouse server).
 */
export class BackgroundProcess {
  readonly pidFile: string;
  readonly logFile: string;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: BackgroundProcessOptions) {
    this.pidFile = options.pidFile;
    this.logFile = options.logFile;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  /** Pid of our process, if the pid file names one that is alive. */
  runningPid(): number | undefined {
    const pid = readPidFile(this.pidFile);
    return pid !== undefined && this.isOurs(pid) ? pid : undefined;
  }

  /** Alive, and (where /proc exists) really our process rather than a recycled pid. */
  isOurs(pid: number): boolean {
    if (!isAlive(pid)) return false;
    const args = commandLine(pid);
    if (args === undefined) return process.platform !== 'linux'; // no /proc: trust the pid file
    return this.options.isOurs(args);
  }

  /** Drops a pid file left behind by a process that is gone. */
  forgetStale(): void {
    if (this.runningPid() === undefined) rmSync(this.pidFile, { force: true });
  }

  /** Starts `command` detached (it survives this process), output to the log file, pid to the pid file. */
  async spawn(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<SpawnedProcess> {
    mkdirSync(dirname(this.logFile), { recursive: true });
    mkdirSync(dirname(this.pidFile), { recursive: true });
    if (existsSync(this.logFile) && statSync(this.logFile).size > 0) renameSync(this.logFile, `${this.logFile}.1`);
    const out = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', out, out] });
    } finally {
      closeSync(out);
    }
    const exited = new Promise<string>((resolveExit) => {
      child.once('error', (err) => resolveExit(err.message));
      child.once('exit', (code, signal) => resolveExit(signal ? `killed by ${signal}` : `exit code ${code}`));
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`${this.options.owner}: could not start ${command}: ${await exited}`);
    writeFileSync(this.pidFile, `${child.pid}\n`);
    return { pid: child.pid, exited };
  }

  /**
   * Resolves once `probe` answers. When the process exits first or the time runs out, it is
   * stopped, its pid file dropped, and the error carries the tail of the log.
   */
  async waitReady(pid: number, options: WaitReadyOptions): Promise<void> {
    const { exited } = options;
    let reason: string | undefined;
    void exited?.then((r) => (reason = r));
    try {
      await waitUntil(
        options.what,
        async () => {
          if (reason === undefined && !isAlive(pid)) {
            // Already reaped, but the exit event (with the code) may still be on its way.
            reason = exited ? await within(exited, 1_000, 'process gone') : 'process gone';
          }
          if (reason !== undefined) throw new StopWaiting(`the ${this.options.label} (pid ${pid}) exited before it was ready (${reason})`);
          return options.probe();
        },
        { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs },
      );
    } catch (err) {
      await this.terminate(pid, options.killTimeoutMs ?? 10_000);
      if (readPidFile(this.pidFile) === pid) rmSync(this.pidFile, { force: true });
      throw new Error(`${this.options.owner}: ${(err as Error).message}; last lines of ${this.logFile}:\n${this.logTail()}`);
    }
  }

  /** Stops our process named by the pid file (if any) and removes the pid file. Idempotent. */
  async stop(): Promise<void> {
    const pid = readPidFile(this.pidFile);
    if (pid !== undefined && this.isOurs(pid)) await this.terminate(pid, this.options.stopTimeoutMs);
    rmSync(this.pidFile, { force: true });
  }

  /** SIGTERM (the services shut down cleanly on it), then SIGKILL once `timeoutMs` has passed. */
  async terminate(pid: number, timeoutMs: number): Promise<void> {
    const signal = (sig: NodeJS.Signals): void => {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    };
    if (!isAlive(pid)) return;
    const what = `${this.options.label} pid ${pid} to exit`;
    signal('SIGTERM');
    try {
      await waitUntil(what, async () => !isAlive(pid), { timeoutMs, intervalMs: this.pollIntervalMs });
    } catch {
      signal('SIGKILL');
      await waitUntil(`${what} after SIGKILL`, async () => !isAlive(pid), { timeoutMs: 10_000, intervalMs: this.pollIntervalMs });
    }
  }

  /** The last `lines` lines of the log file, for error messages. */
  logTail(lines = 40): string {
    return tailFile(this.logFile, lines);
  }
}

function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolveTimeout) => (timer = setTimeout(() => resolveTimeout(fallback), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The arguments `pid` runs with, from /proc; undefined where there is no /proc or no such process. */
export function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Alive, and not a zombie: an exited child not yet reaped still answers kill 0. A zombie group
 * leader whose other threads still run is alive though: a JVM's main thread can end first while
 * the broker shuts down, and the port stays bound until the last thread is gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  if (!/^State:\s*[ZX]/m.test(status)) return true;
  const threads = /^Threads:\s*(\d+)/m.exec(status);
  return threads !== null && Number(threads[1]) > 1;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/** The last `lines` lines of the last `maxBytes` of `file`; `(no log)` when it cannot be read. */
export function tailFile(file: string, lines = 40, maxBytes = 64 * 1024): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return lastLines(buf.toString('utf8'), lines) || '(empty)';
  } catch {
    return '(no log)';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
