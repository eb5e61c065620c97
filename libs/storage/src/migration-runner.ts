import type { ClickHouseClient } from '@clickhouse/client';
import type { Migration } from './migration';

export interface MigrationStatus {
  version: number;
  name: string;
  state: 'applied' | 'pending' | 'changed';
  appliedAt?: string;
}

/**
 * Applies versioned migrations in order and records each in `schema_migrations`. Idempotent: an
 * applied migration is skipped; one whose file changed since it was applied stops the run,
 * because a past migration is history, and a change belongs in a new file.
 */
export class MigrationRunner {
  /** `client` must be bound to the target database (which must exist: see createDatabase). */
  constructor(private readonly client: ClickHouseClient) {}

  async status(migrations: Migration[]): Promise<MigrationStatus[]> {
    await this.ensureBookkeeping();
    const applied = await this.applied();
    return migrations.map((migration) => {
      const row = applied.get(migration.version);
      if (!row) return { version: migration.version, name: migration.name, state: 'pending' };
      const state = row.checksum === migration.checksum ? 'applied' : 'changed';
      return { version: migration.version, name: migration.name, state, appliedAt: row.last_applied_at };
    });
  }

  /** Applies every pending migration; returns the versions applied now. */
  async up(migrations: Migration[]): Promise<number[]> {
    const statuses = await this.status(migrations);
    const changed = statuses.filter((status) => status.state === 'changed');
    if (changed.length > 0) {
      throw new Error(
        `refusing to migrate: applied migration(s) changed since they ran: ${changed.map((s) => `${s.version}_${s.name}`).join(', ')}; put the change in a new migration`,
      );
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (statuses.find((status) => status.version === migration.version)?.state === 'applied') continue;
      for (const statement of migration.statements) await this.client.command({ query: statement });
      await this.client.insert({
        table: 'schema_migrations',
        values: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
        format: 'JSONEachRow',
      });
      done.push(migration.version);
    }
    return done;
  }

  private async ensureBookkeeping(): Promise<void> {
    await this.client.command({
      query: `CREATE TABLE IF NOT EXISTS schema_migrations
        (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
        ENGINE = ReplacingMergeTree ORDER BY version`,
    });
  }

  private async applied(): Promise<Map<number, { checksum: string; last_applied_at: string }>> {
    const result = await this.client.query({
      query: 'SELECT version, argMax(checksum, applied_at) AS checksum, toString(max(applied_at)) AS last_applied_at FROM schema_migrations GROUP BY version',
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ version: number; checksum: string; last_applied_at: string }>();
    return new Map(rows.map((row) => [Number(row.version), row]));
  }
}

/** Creates the database itself, through a client bound to `default` (the target may not exist yet). */
export async function createDatabase(adminClient: ClickHouseClient, database: string): Promise<void> {
  // A database name cannot be a bound parameter; it is operator configuration checked to be a
  // plain identifier (EnvConfig), and checked again here.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
  await adminClient.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
}
