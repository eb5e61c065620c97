// `npm run migrate -- up|status`: applies or lists the migrations of both stores: ClickHouse
// (CLICKHOUSE_URL / CLICKHOUSE_DATABASE; with CLICKHOUSE_CLUSTER, on every node of that cluster:
// ON CLUSTER DDL, Replicated engines, Distributed tables, docs/storage.md) and PostgreSQL
// (DATABASE_URL; libs/state/migrations). Unset, each defaults to the local development server.
// `npm run migrate -- plan`: prints the ClickHouse statements `up` runs on a new database for
// CLICKHOUSE_CLUSTER (or one server), in order, without connecting (docs/deploy.md).
import { loadMigrateConfig } from '@pulse/config';
import { createPostgresPool, migratePostgres, postgresMigrationStatus } from '@pulse/state';
import { loadMigrations, migrateUp, migrationStatus, planMigrations, renderPlan } from '@pulse/storage';
import type { Pool } from 'pg';

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'up';
  if (command !== 'up' && command !== 'status' && command !== 'plan') throw new Error(`unknown command ${JSON.stringify(command)}: use up, status or plan`);
  const env = loadMigrateConfig(process.env);
  if (command === 'plan') {
    process.stdout.write(renderPlan(planMigrations(loadMigrations(), { database: env.clickhouse.database, cluster: env.clickhouse.cluster })));
    return;
  }
  const target = env.clickhouse.cluster === undefined ? env.clickhouse.database : `${env.clickhouse.database} on cluster ${env.clickhouse.cluster}`;
  const database = postgresName(env.databaseUrl);
  if (command === 'up') {
    const applied = await migrateUp(env.clickhouse);
    console.log(applied.length > 0 ? `migrate: applied ${applied.join(', ')} to ClickHouse ${target}` : `migrate: ClickHouse ${target} is up to date`);
    const { applied: pgApplied } = await withPool(env.databaseUrl, (pool) => migratePostgres(pool));
    console.log(pgApplied.length > 0 ? `migrate: applied ${pgApplied.join(', ')} to PostgreSQL ${database}` : `migrate: PostgreSQL ${database} is up to date`);
  } else {
    console.log(`ClickHouse ${target}`);
    for (const status of await migrationStatus(env.clickhouse)) {
      console.log(`${String(status.version).padStart(4, '0')}_${status.name}\t${status.state}${status.appliedAt ? `\t${status.appliedAt}` : ''}`);
    }
    console.log(`PostgreSQL ${database}`);
    for (const status of await withPool(env.databaseUrl, (pool) => postgresMigrationStatus(pool))) {
      console.log(`${String(status.version).padStart(4, '0')}_${status.name}\t${status.state}${status.appliedAt ? `\t${status.appliedAt}` : ''}`);
    }
  }
}

async function withPool<T>(url: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPostgresPool({ url, maxConnections: 1, applicationName: 'pulse migrate' });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** `host:port/database`, for messages: DATABASE_URL itself carries a password. */
function postgresName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
}

main().catch((error: unknown) => {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
