import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { LocalService } from '../local-service';
import { StopWaiting, waitUntil } from '../wait-until';

export interface LocalClickHouseOptions {
  /** HTTP port. Default 8123. */
  port?: number;
  /** The engine's data directory; its parent holds clickhouse.pid and clickhouse.log. */
  dataDir: string;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Default `<parent of dataDir>/clickhouse.log`. */
  logFile?: string;
  /**
   * The compiled server entry. Default `main.js` next to this file, i.e. right when this module
   * runs from dist/; code running from sources (jest) passes dist's path explicitly.
   */
  serverEntry?: string;
  /** Extra environment for the server (CH_PASSWORD, CH_MAX_BODY_BYTES...). */
  env?: NodeJS.ProcessEnv;
  /** How long start() waits for /ping. Default 60 s. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 30 s. */
  stopTimeoutMs?: number;
}

/**
 * The project's ClickHouse HTTP server (main.ts: the real engine from npm chdb) as a background
 * process of its own, found again through a pid file so `start`, `stop` and `status` work across
 * CLI invocations, test runs and `npm start`.
 */
export class LocalClickHouse implements LocalService {
  readonly name = 'clickhouse';
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly stateDir: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly serverEntry: string;

  private readonly env: NodeJS.ProcessEnv;
  private readonly readyTimeoutMs: number;
  private readonly stopTimeoutMs: number;

  constructor(options: LocalClickHouseOptions) {
    this.port = options.port ?? 8123;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) throw new Error(`LocalClickHouse: invalid port ${this.port}`);
    this.host = options.host ?? '127.0.0.1';
    this.dataDir = resolve(options.dataDir);
    this.stateDir = dirname(this.dataDir);
    this.pidFile = join(this.stateDir, 'clickhouse.pid');
    this.logFile = resolve(options.logFile ?? join(this.stateDir, 'clickhouse.log'));
    this.serverEntry = resolve(options.serverEntry ?? join(__dirname, 'main.js'));
    this.env = options.env ?? {};
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  }

  get endpoint(): string {
    return `http://${this.host}:${this.port}`;
  }

  async start(): Promise<void> {
    const running = this.runningPid();
    if (running !== undefined) {
      const port = this.portOf(running);
      if (port !== undefined && port !== this.port) {
        throw new Error(`LocalClickHouse: a server for ${this.dataDir} already runs on port ${port} (pid ${running}); stop it first`);
      }
      // Started earlier, maybe by another process and maybe still starting: wait for it.
      await this.waitReady(running, () => undefined);
      return;
    }
    rmSync(this.pidFile, { force: true });
    if (!existsSync(this.serverEntry)) {
      throw new Error(`LocalClickHouse: ${this.serverEntry} does not exist; build the project first (npm run build)`);
    }
    if (!(await isPortFree(this.host, this.port))) {
      throw new Error(`LocalClickHouse: ${this.host}:${this.port} is already in use by another process. Stop it or choose another port.`);
    }

    mkdirSync(this.dataDir, { recursive: true });
    mkdirSync(dirname(this.logFile), { recursive: true });
    if (existsSync(this.logFile) && statSync(this.logFile).size > 0) renameSync(this.logFile, `${this.logFile}.1`);
    const out = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [this.serverEntry, '--port', String(this.port), '--host', this.host, '--data', this.dataDir], {
        cwd: this.stateDir,
        detached: true,
        stdio: ['ignore', out, out],
        env: { ...process.env, ...this.env },
      });
    } finally {
      closeSync(out);
    }
    let exitReason: string | undefined;
    child.once('error', (err) => (exitReason = err.message));
    child.once('exit', (code, signal) => (exitReason = signal ? `killed by ${signal}` : `exit code ${code}`));
    child.unref();
    if (child.pid === undefined) throw new Error(`LocalClickHouse: could not start ${process.execPath}: ${exitReason ?? 'no pid'}`);
    writeFileSync(this.pidFile, `${child.pid}\n`);
    await this.waitReady(child.pid, () => exitReason);
  }

  async stop(): Promise<void> {
    const pid = readPidFile(this.pidFile);
    if (pid !== undefined && this.isOurServer(pid)) await terminate(pid, this.stopTimeoutMs);
    rmSync(this.pidFile, { force: true });
  }

  async isRunning(): Promise<boolean> {
    return this.runningPid() !== undefined && (await this.ping());
  }

  /** Pid of the server started for this data directory, if it is alive. */
  runningPid(): number | undefined {
    const pid = readPidFile(this.pidFile);
    return pid !== undefined && this.isOurServer(pid) ? pid : undefined;
  }

  private async waitReady(pid: number, exitReason: () => string | undefined): Promise<void> {
    try {
      await waitUntil(
        `ClickHouse HTTP server at ${this.endpoint}`,
        async () => {
          const reason = exitReason() ?? (isAlive(pid) ? undefined : 'process gone');
          if (reason !== undefined) throw new StopWaiting(`the server (pid ${pid}) exited before it was ready (${reason})`);
          return this.ping();
        },
        { timeoutMs: this.readyTimeoutMs, intervalMs: 100 },
      );
    } catch (err) {
      await terminate(pid, 5_000);
      if (readPidFile(this.pidFile) === pid) rmSync(this.pidFile, { force: true });
      throw new Error(`LocalClickHouse: ${(err as Error).message}; last lines of ${this.logFile}:\n${tailFile(this.logFile)}`);
    }
  }

  private async ping(): Promise<boolean> {
    try {
      const response = await fetch(`${this.endpoint}/ping`, { signal: AbortSignal.timeout(2_000) });
      return response.ok && (await response.text()) === 'Ok.\n';
    } catch {
      return false;
    }
  }

  /** Alive, and (where /proc exists) really this server entry running this data directory. */
  private isOurServer(pid: number): boolean {
    if (!isAlive(pid)) return false;
    const args = commandLine(pid);
    if (args === undefined) return process.platform !== 'linux'; // no /proc: trust the pid file
    return args.includes(this.serverEntry) && args.includes(this.dataDir);
  }

  private portOf(pid: number): number | undefined {
    const args = commandLine(pid);
    const at = args?.indexOf('--port') ?? -1;
    return at >= 0 && args ? Number(args[at + 1]) : undefined;
  }
}

function commandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

function readPidFile(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (an exited child not yet reaped still answers kill 0). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** SIGTERM (the server drains and exits 0), then SIGKILL once `timeoutMs` has passed. */
async function terminate(pid: number, timeoutMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  if (!isAlive(pid)) return;
  signal('SIGTERM');
  try {
    await waitUntil(`ClickHouse server pid ${pid} to exit`, async () => !isAlive(pid), { timeoutMs, intervalMs: 50 });
  } catch {
    signal('SIGKILL');
    await waitUntil(`ClickHouse server pid ${pid} to exit after SIGKILL`, async () => !isAlive(pid), { timeoutMs: 10_000, intervalMs: 50 });
  }
}

function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}

function tailFile(file: string, lines = 40, maxBytes = 64 * 1024): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n') || '(empty)';
  } catch {
    return '(no log)';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
