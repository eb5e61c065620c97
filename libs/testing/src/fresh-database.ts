import { Client, Pool } from 'pg';
import { createPostgresPool, migratePostgres } from '@pulse/state';
import { waitUntil } from '@pulse/local-infra';
import { testInfra, uniqueName } from './test-infra';

/**
 * A PostgreSQL database of its own for one spec file: created on the server DATABASE_URL names,
 * migrated to the current schema, and dropped (its connections terminated) by `drop()`. Specs that
 * run at the same time, or another engineer's tables, are never seen.
 */
export interface FreshDatabase {
  /** DATABASE_URL for the new database (for an app started as a child process). */
  url: string;
  /** A pool on it (ended by drop()). */
  pool: Pool;
  drop(): Promise<void>;
}

const PREFIX = /^[a-z][a-z0-9_]{0,30}$/;

export interface FreshDatabaseOptions {
  /** Apply the project's migrations (default true); false: an empty database, for migration tests. */
  migrate?: boolean;
}

export async function freshDatabase(prefix: string, options: FreshDatabaseOptions = {}): Promise<FreshDatabase> {
  // The name is an identifier (CREATE DATABASE cannot take a bound parameter): only a checked
  // prefix and uniqueName's hex suffix reach the statement.
  if (!PREFIX.test(prefix)) throw new Error(`freshDatabase prefix ${JSON.stringify(prefix)} must match ${PREFIX}`);
  const serverUrl = testInfra().databaseUrl;
  const name = uniqueName(prefix);
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = databaseUrlFor(serverUrl, name);
  const pool = createPostgresPool({ url, maxConnections: 5, applicationName: `test ${name}` });
  try {
    if (options.migrate ?? true) await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  let dropped = false;
  return {
    url,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      // FORCE terminates the connections still open (an app under test, a leaked client).
      await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** The same server and credentials, another database. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Until a session of the pool's database waits for a lock: the moment a spec knows the code under
 * test reached the statement another transaction holds back (a race made deterministic).
 */
export async function waitForLockWait(pool: Pool, what: string, timeoutMs = 10_000): Promise<void> {
  await waitUntil(
    what,
    async () => {
      const { rows } = await pool.query<{ waiting: number }>("SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      return rows[0].waiting > 0;
    },
    { timeoutMs, intervalMs: 10 },
  );
}
