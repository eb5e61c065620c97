import type { Pool, PoolClient } from 'pg';
import { loadPostgresMigrations, migrationId, PostgresMigration } from './migration';

/**
 * Applies the PostgreSQL migrations (migration.ts) and records each in `schema_migrations`.
 * Idempotent: an applied migration is skipped; one whose file changed since it ran stops the run,
 * because a past migration is history and a change belongs in a new file. Each migration runs in
 * its own transaction, together with its bookkeeping row, so a failing one leaves the database as
 * the migrations before it left it. Two processes migrating at once (two replicas starting, a
 * deploy next to `npm run migrate`) serialize on a session advisory lock: the second finds the
 * work done and applies nothing.
 */
export interface PostgresMigrationStatus {
  version: number;
  name: string;
  /** `unknown`: applied to the database, but this build has no such file (the database is ahead). */
  state: 'applied' | 'pending' | 'changed' | 'unknown';
  appliedAt?: string;
}

export interface MigratePostgresOptions {
  /** Where the `.sql` files are (default POSTGRES_MIGRATIONS_DIR). */
  dir?: string;
  /** Told one line per migration applied. */
  log?: (line: string) => void;
}

/** Any fixed number: the advisory lock that only migrations take (the lock space is per database). */
const MIGRATION_LOCK_KEY = '5108307345931650113';

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

/** Applies every pending migration; returns the ids (`0001_issues`) applied now. */
export async function migratePostgres(pool: Pool, options: MigratePostgresOptions = {}): Promise<{ applied: string[] }> {
  const migrations = loadPostgresMigrations(options.dir);
  const client = await pool.connect();
  // A connection lost while migrating emits 'error' on the client (a crash without a listener);
  // the query in flight rejects with it, and the catch below ends the session.
  const ignoreLostConnection = (): void => undefined;
  client.on('error', ignoreLostConnection);
  try {
    // A migration may build an index for minutes, and the lock waits for another migrator: the
    // pool's statement timeout is for requests, not for this session.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    const applied = await applyPending(client, migrations, options.log);
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    await client.query('RESET statement_timeout');
    client.off('error', ignoreLostConnection);
    client.release();
    return { applied };
  } catch (error) {
    // After a failure this session's state (the lock it holds, its settings, perhaps an open
    // transaction) is unknown: end it rather than pool it; ending it also releases the lock.
    client.off('error', ignoreLostConnection);
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/** Every migration file with applied / pending / changed, and applied versions this build does not know. */
export async function postgresMigrationStatus(pool: Pool, dir?: string): Promise<PostgresMigrationStatus[]> {
  const migrations = loadPostgresMigrations(dir);
  const exists = await pool.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  const rows = exists.rows[0]?.present ? await appliedRows(pool) : [];
  return statusOf(migrations, rows);
}

function statusOf(migrations: PostgresMigration[], rows: AppliedRow[]): PostgresMigrationStatus[] {
  const applied = new Map(rows.map((row) => [row.version, row]));
  const known = new Set(migrations.map((migration) => migration.version));
  const statuses: PostgresMigrationStatus[] = migrations.map((migration) => {
    const row = applied.get(migration.version);
    if (!row) return { version: migration.version, name: migration.name, state: 'pending' };
    const state = row.checksum === migration.checksum ? 'applied' : 'changed';
    return { version: migration.version, name: migration.name, state, appliedAt: row.applied_at.toISOString() };
  });
  for (const row of rows) {
    if (!known.has(row.version)) statuses.push({ version: row.version, name: row.name, state: 'unknown', appliedAt: row.applied_at.toISOString() });
  }
  return statuses;
}

function refuseDivergence(statuses: PostgresMigrationStatus[]): void {
  const changed = statuses.filter((status) => status.state === 'changed');
  if (changed.length > 0) {
    throw new Error(`refusing to migrate: applied migration(s) changed since they ran: ${changed.map(migrationId).join(', ')}; put the change in a new migration`);
  }
  const unknown = statuses.filter((status) => status.state === 'unknown');
  if (unknown.length > 0) {
    throw new Error(`refusing to migrate: the database has migration(s) this build does not know: ${unknown.map(migrationId).join(', ')}; run a newer build`);
  }
}

/** Under the lock: refuses a diverged history, then applies what is pending, in order. */
async function applyPending(client: PoolClient, migrations: PostgresMigration[], log?: (line: string) => void): Promise<string[]> {
  await client.query(BOOKKEEPING);
  const statuses = statusOf(migrations, await appliedRows(client));
  refuseDivergence(statuses);
  const appliedVersions = new Set(statuses.filter((status) => status.state === 'applied').map((status) => status.version));
  const applied: string[] = [];
  for (const migration of migrations.filter((candidate) => !appliedVersions.has(candidate.version))) {
    const started = Date.now();
    await applyOne(client, migration);
    applied.push(migrationId(migration));
    log?.(`applied ${migrationId(migration)} (${Date.now() - started} ms)`);
  }
  return applied;
}

async function appliedRows(client: PoolClient | Pool): Promise<AppliedRow[]> {
  return (await client.query<AppliedRow>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')).rows;
}

/** One migration and its bookkeeping row in one transaction. */
async function applyOne(client: PoolClient, migration: PostgresMigration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
    await client.query('COMMIT');
  } catch (error) {
    // When ROLLBACK fails too (the connection is gone), the server rolls back on its own; the
    // migration's error is the one worth reporting, and the caller ends this session.
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${migrationId(migration)} failed and was rolled back: ${reason}`, { cause: error });
  }
}
