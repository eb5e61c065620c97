import type { ClickHouseClient } from '@clickhouse/client';
import type { Migration } from './migration';
import { ComputedValues, computedNames, createDatabaseStatement, MigrationTarget, renderStatements, schemaMigrationsStatement } from './migration-target';
import { computeHourRollupFrom, HOUR_ROLLUP_FROM } from './rollup-tiers';

/** Computes a `{computed:name}` value of a migration from the database, just before it runs. */
export type ComputeValue = (client: ClickHouseClient) => Promise<number>;

/** Every value a project migration may use (migration-target.ts, `{computed:…}`). */
export const MIGRATION_COMPUTED_VALUES: Readonly<Record<string, ComputeValue>> = {
  [HOUR_ROLLUP_FROM]: computeHourRollupFrom,
};

export interface MigrationStatus {
  version: number;
  name: string;
  state: 'applied' | 'pending' | 'changed';
  appliedAt?: string;
}

/**
 * Applies versioned migrations in order and records each in `schema_migrations`. Idempotent: an
 * applied migration is skipped; one whose file changed since it was applied stops the run,
 * because a past migration is history, and a change belongs in a new file. Every statement is
 * rendered for the target (one server or a cluster, see migration-target.ts); the checksum is the
 * file's, so it does not depend on the target.
 */
export class MigrationRunner {
  /** `client` must be bound to `target.database` (which must exist: see createDatabase). */
  constructor(
    private readonly client: ClickHouseClient,
    private readonly target: MigrationTarget,
    private readonly computers: Readonly<Record<string, ComputeValue>> = MIGRATION_COMPUTED_VALUES,
  ) {}

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
    const pending = migrations.filter((migration) => statuses.find((status) => status.version === migration.version)?.state !== 'applied');
    // Rendered before anything runs (computed values stood in by 0): a malformed placeholder or an
    // unknown computed value in any pending file changes nothing.
    for (const migration of pending) renderStatements(migration.statements, this.target, this.standIns(migration));
    const done: number[] = [];
    for (const migration of pending) {
      // Computed now, after the migrations before it ran: a value may read the tables they made.
      const statements = renderStatements(migration.statements, this.target, await this.compute(migration));
      for (const statement of statements) await this.client.command({ query: statement });
      await this.client.insert({
        table: 'schema_migrations',
        values: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
        format: 'JSONEachRow',
      });
      done.push(migration.version);
    }
    return done;
  }

  private standIns(migration: Migration): ComputedValues {
    const names = computedNames(migration.statements);
    for (const name of names) this.computer(migration, name); // throws for a name the runner does not know
    return Object.fromEntries(names.map((name) => [name, 0]));
  }

  private async compute(migration: Migration): Promise<ComputedValues> {
    const values: Record<string, number> = {};
    for (const name of computedNames(migration.statements)) values[name] = await this.computer(migration, name)(this.client);
    return values;
  }

  private computer(migration: Migration, name: string): ComputeValue {
    const compute = Object.prototype.hasOwnProperty.call(this.computers, name) ? this.computers[name] : undefined;
    if (!compute) throw new Error(`migration ${migration.version}_${migration.name} uses {computed:${name}}, which the runner does not know`);
    return compute;
  }

  private async ensureBookkeeping(): Promise<void> {
    await this.client.command({ query: schemaMigrationsStatement(this.target) });
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

/** Creates the database (on every node of a cluster) through a client bound to `default`: the target may not exist yet. */
export async function createDatabase(adminClient: ClickHouseClient, target: MigrationTarget): Promise<void> {
  await adminClient.command({ query: createDatabaseStatement(target) });
}
