import { ClickHouseConnection, createClickHouse } from './clickhouse.factory';
import { loadMigrations } from './migration';
import { createDatabase, MigrationRunner, MigrationStatus } from './migration-runner';

/** The connection, and the cluster to migrate on every node of (undefined: one server). */
export type MigrateConnection = ClickHouseConnection & { cluster?: string };

/** `migrate up`: creates the database when missing and applies pending migrations. */
export function migrateUp(connection: MigrateConnection): Promise<number[]> {
  return withRunner(connection, (runner) => runner.up(loadMigrations()));
}

/** `migrate status`: every known migration with applied / pending / changed. */
export function migrationStatus(connection: MigrateConnection): Promise<MigrationStatus[]> {
  return withRunner(connection, (runner) => runner.status(loadMigrations()));
}

async function withRunner<T>(connection: MigrateConnection, work: (runner: MigrationRunner) => Promise<T>): Promise<T> {
  const target = { database: connection.database, cluster: connection.cluster };
  const admin = createClickHouse(connection, { database: 'default' });
  try {
    await createDatabase(admin, target);
  } finally {
    await admin.close();
  }
  const client = createClickHouse(connection);
  try {
    return await work(new MigrationRunner(client, target));
  } finally {
    await client.close();
  }
}
