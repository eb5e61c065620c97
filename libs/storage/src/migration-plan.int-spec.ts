import { testInfra, uniqueName } from '@pulse/testing';
import { createClickHouse } from './clickhouse.factory';
import { loadMigrations } from './migration';
import { planMigrations } from './migration-plan';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';

jest.setTimeout(60_000);

/**
 * `npm run migrate -- plan` prints what `up` runs on a new database. On one server that can be run:
 * the plan's statements, executed one by one, must leave the same tables, views and rollup_tiers
 * rows as `up` does (the runner's own schema_migrations rows aside: the runner inserts them itself).
 */
describe('the one-server plan', () => {
  const { clickhouse } = testInfra();
  const planned = uniqueName('pulse_plan');
  const admin = createClickHouse({ ...clickhouse, database: 'default' });
  let migrated: MigratedDatabase;

  beforeAll(async () => {
    migrated = await migratedDatabase('pulse_plan_up');
    const plan = planMigrations(loadMigrations(), { database: planned });
    await admin.command({ query: plan.createDatabase });
    const client = createClickHouse({ ...clickhouse, database: planned });
    try {
      for (const statement of [plan.bookkeeping, ...plan.migrations.flatMap((migration) => migration.statements)]) await client.command({ query: statement });
    } finally {
      await client.close();
    }
  });
  afterAll(async () => {
    for (const database of [planned, migrated?.database]) if (database !== undefined) await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await migrated?.client.close();
    await admin.close();
  });

  /** Every table and view of `database`, its CREATE with the database's name taken out. */
  const schemaOf = async (database: string) =>
    (
      await selectRows<{ name: string; engine: string; create: string }>(
        admin,
        'SELECT name, engine, replaceAll(create_table_query, {database:String} || \'.\', \'\') AS create FROM system.tables WHERE database = {database:String} ORDER BY name',
        { database },
      )
    ).map((table) => ({ ...table, create: table.create.replace(/\s+/g, ' ') }));

  it('makes the tables and views `up` makes', async () => {
    const up = await schemaOf(migrated.database);
    expect(up.length).toBeGreaterThan(10);
    expect(await schemaOf(planned)).toEqual(up);
  });

  it('records the rollup tiers as `up` does on a new database', async () => {
    const tiers = (database: string) => selectRows(admin, `SELECT tier, valid_from FROM ${database}.rollup_tiers ORDER BY tier`);
    expect(await tiers(planned)).toEqual(await tiers(migrated.database));
  });
});
