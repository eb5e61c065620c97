// PostgreSQL for the benchmarks. The consumer records issues there and the query app serves them
// (its /ready checks it), so every benchmark that starts one of them gives it a database, and like
// its ClickHouse database that database is the run's own: created under a unique name on the
// server, migrated, and dropped at the end. A fresh name even on a server the run started itself
// keeps one rule for local and external servers, and a DATABASE_URL the shell points at (a shared
// server, a developer's database) is never written to: the run only creates and drops its own.
import { freePorts, LocalPostgres } from '@pulse/local-infra';
import { createPostgresPool, migratePostgres } from '@pulse/state';
import { databaseUrlFor } from '@pulse/testing';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** An unquoted PostgreSQL identifier (the name reaches CREATE DATABASE, which takes no bound parameter). */
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export interface RunDatabase {
  name: string;
  /** DATABASE_URL of the run's database (for the apps). */
  url: string;
  /** Drops the database; FORCE ends the sessions of an app still connected. Idempotent. */
  drop(): Promise<void>;
}

export interface RunDatabaseOptions {
  /** Apply the project's PostgreSQL migrations; false when a PulseStack migrates it on start. */
  migrate: boolean;
  log: (line: string) => void;
}

/** Creates database `name` on the server of `serverUrl` (same credentials) and migrates it when asked. */
export async function createRunDatabase(serverUrl: string, name: string, options: RunDatabaseOptions): Promise<RunDatabase> {
  if (!DATABASE_NAME.test(name)) throw new Error(`PostgreSQL database name ${JSON.stringify(name)} must match ${DATABASE_NAME}`);
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = databaseUrlFor(serverUrl, name);
  let dropped = false;
  const database: RunDatabase = {
    name,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
  if (options.migrate) {
    const pool = createPostgresPool({ url, maxConnections: 1, applicationName: `pulse bench ${name}` });
    try {
      const { applied } = await migratePostgres(pool);
      options.log(`PostgreSQL database ${name}: ${applied.length > 0 ? `applied ${applied.join(', ')}` : 'up to date'}`);
    } catch (error) {
      await pool.end().catch(() => undefined);
      await database.drop().catch(() => undefined);
      throw error;
    }
    await pool.end();
  }
  return database;
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const pool = createPostgresPool({ url: serverUrl, maxConnections: 1, applicationName: 'pulse bench' });
  try {
    await pool.query(statement);
  } catch (error) {
    // Host and port only: the URL holds the password.
    const { hostname, port } = new URL(serverUrl);
    throw new Error(`PostgreSQL at ${hostname}:${port || 5432}: ${statement} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await pool.end();
  }
}

/**
 * The PostgreSQL of a benchmark that starts its apps itself (the query benchmarks): DATABASE_URL's
 * server when the shell sets it, otherwise a LocalPostgres of its own under `<stateDir>/postgres`
 * on a free port, started on an empty folder (a server that a killed run left on that folder is
 * stopped first: nothing else uses it); on either a migrated database of the run's own. stop()
 * undoes whatever start() got to, so a benchmark calls it from its clean-up whether the start
 * finished or not, and again without harm.
 */
export class BenchPostgres {
  private readonly externalUrl = process.env.DATABASE_URL || undefined;
  private local: LocalPostgres | undefined;
  private database: RunDatabase | undefined;

  constructor(private readonly stateDir: string) {}

  /** For the result file. */
  get kind(): 'external' | 'local' {
    return this.externalUrl ? 'external' : 'local';
  }

  /** DATABASE_URL of the run's migrated database. */
  get url(): string {
    if (!this.database) throw new Error('BenchPostgres: start() has not finished');
    return this.database.url;
  }

  /** Starts the local server unless DATABASE_URL is set, then creates and migrates database `name`; resolves to its URL. */
  async start(name: string, log: (line: string) => void): Promise<string> {
    let serverUrl = this.externalUrl;
    if (!serverUrl) {
      const [port] = await freePorts(1);
      const local = new LocalPostgres({ port, stateDir: join(this.stateDir, 'postgres') });
      this.local = local;
      if (local.runningPid() !== undefined) await local.stop();
      rmSync(local.stateDir, { recursive: true, force: true });
      await local.start();
      log(`PostgreSQL started at 127.0.0.1:${port}`);
      serverUrl = local.endpoint;
    }
    this.database = await createRunDatabase(serverUrl, name, { migrate: true, log });
    return this.database.url;
  }

  async stop(): Promise<void> {
    const { local, database } = this;
    this.local = undefined;
    this.database = undefined;
    if (local) {
      // The database goes with the server's folder.
      await local.stop();
      rmSync(local.stateDir, { recursive: true, force: true });
    } else {
      await database?.drop();
    }
  }
}
