import { ClickHouseConnection, createClickHouse } from './clickhouse.factory';
import { loadMigrations } from './migration';
import { createDatabase, MigrationRunner, MigrationStatus } from './migration-runner';

/** `migrate up`: creates the database when missing and applies pending migrations. */
export function migrateUp(connection: ClickHouseConnection): Promise<number[]> {
  return withRunner(connection, (runner) => runner.up(loadMigrations()));
}

/** `migrate status`: every known migration with applied / pending / changed. */
export function migrationStatus(connection: ClickHouseConnection): Promise<MigrationStatus[]> {
  return withRunner(connection, (runner) => runner.status(loadMigrations()));
}

async function withRunner<T>(connection: ClickHouseConnection, work: (runner: MigrationRunner) => Promise<T>): Promise<T> {
  const admin = createClickHouse(connection, { database: 'default' });
  try {
    await createDatabase(admin, connection.database);
  } finally {
    await admin.close();
  }
  const client = createClickHouse(connection);
  try {
    return await work(new MigrationRunner(client));
  } finally {
    await client.close();
  }
}
