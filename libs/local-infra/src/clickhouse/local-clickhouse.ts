import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BackgroundProcess, commandLine } from '../background-process';
import type { LocalService } from '../local-service';
import { isPortFree } from '../ports';

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
  private readonly server: BackgroundProcess;

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
    this.server = new BackgroundProcess({
      owner: 'LocalClickHouse',
      label: 'ClickHouse server',
      pidFile: this.pidFile,
      logFile: this.logFile,
      // This server entry running this data directory, not a recycled pid.
      isOurs: (args) => args.includes(this.serverEntry) && args.includes(this.dataDir),
      stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
      pollIntervalMs: 50,
    });
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
      await this.waitReady(running);
      return;
    }
    this.server.forgetStale();
    if (!existsSync(this.serverEntry)) {
      throw new Error(`LocalClickHouse: ${this.serverEntry} does not exist; build the project first (npm run build)`);
    }
    if (!(await isPortFree(this.host, this.port))) {
      throw new Error(`LocalClickHouse: ${this.host}:${this.port} is already in use by another process. Stop it or choose another port.`);
    }

    mkdirSync(this.dataDir, { recursive: true });
    const child = await this.server.spawn(
      process.execPath,
      [this.serverEntry, '--port', String(this.port), '--host', this.host, '--data', this.dataDir],
      { cwd: this.stateDir, env: { ...process.env, ...this.env } },
    );
    await this.waitReady(child.pid, child.exited);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async isRunning(): Promise<boolean> {
    return this.runningPid() !== undefined && (await this.ping());
  }

  /** Pid of the server started for this data directory, if it is alive. */
  runningPid(): number | undefined {
    return this.server.runningPid();
  }

  private waitReady(pid: number, exited?: Promise<string>): Promise<void> {
    return this.server.waitReady(pid, {
      what: `ClickHouse HTTP server at ${this.endpoint}`,
      probe: () => this.ping(),
      timeoutMs: this.readyTimeoutMs,
      intervalMs: 100,
      exited,
      killTimeoutMs: 5_000,
    });
  }

  private async ping(): Promise<boolean> {
    try {
      const response = await fetch(`${this.endpoint}/ping`, { signal: AbortSignal.timeout(2_000) });
      return response.ok && (await response.text()) === 'Ok.\n';
    } catch {
      return false;
    }
  }

  /** The --port the server `pid` was started with. */
  private portOf(pid: number): number | undefined {
    const args = commandLine(pid);
    const at = args?.indexOf('--port') ?? -1;
    return at >= 0 && args ? Number(args[at + 1]) : undefined;
  }
}
