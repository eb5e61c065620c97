// `npm run migrate -- up|status`: applies or lists the ClickHouse migrations for CLICKHOUSE_URL /
// CLICKHOUSE_DATABASE; with CLICKHOUSE_CLUSTER, on every node of that cluster (ON CLUSTER DDL,
// Replicated engines, Distributed tables: docs/storage.md).
import { loadMigrateConfig } from '@pulse/config';
import { migrateUp, migrationStatus } from '@pulse/storage';

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'up';
  const env = loadMigrateConfig(process.env);
  const target = env.clickhouse.cluster === undefined ? env.clickhouse.database : `${env.clickhouse.database} on cluster ${env.clickhouse.cluster}`;
  if (command === 'up') {
    const applied = await migrateUp(env.clickhouse);
    console.log(applied.length > 0 ? `migrate: applied ${applied.join(', ')} to ${target}` : `migrate: ${target} is up to date`);
  } else if (command === 'status') {
    for (const status of await migrationStatus(env.clickhouse)) {
      console.log(`${String(status.version).padStart(4, '0')}_${status.name}\t${status.state}${status.appliedAt ? `\t${status.appliedAt}` : ''}`);
    }
  } else {
    throw new Error(`unknown command ${JSON.stringify(command)}: use up or status`);
  }
}

main().catch((error: unknown) => {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
