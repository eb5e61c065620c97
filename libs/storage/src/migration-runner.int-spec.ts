import { ClickHouseClient } from '@clickhouse/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testInfra, uniqueName } from '../../../test/support/test-infra';
import { createClickHouse } from './clickhouse.factory';
import { migrateUp, migrationStatus } from './migrate';
import { loadMigrations } from './migration';
import { createDatabase, MigrationRunner } from './migration-runner';

describe('migrations against a real ClickHouse engine', () => {
  const { clickhouse } = testInfra();
  const connection = (database: string) => ({ ...clickhouse, database });

  it('applies the project migrations once; a second run applies nothing', async () => {
    const database = uniqueName('pulse_migrate');
    const first = await migrateUp(connection(database));
    expect(first).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrateUp(connection(database))).toEqual([]);
    expect((await migrationStatus(connection(database))).every((s) => s.state === 'applied')).toBe(true);
    const client = createClickHouse(connection(database));
    try {
      const tables = await (await client.query({ query: 'SHOW TABLES', format: 'JSONEachRow' })).json<{ name: string }>();
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['schema_migrations', 'transactions']));
    } finally {
      await client.close();
    }
  });

  describe('with migrations of its own', () => {
    let client: ClickHouseClient;
    let dir: string;
    beforeAll(async () => {
      const database = uniqueName('pulse_migrate');
      const admin = createClickHouse(connection('default'));
      await createDatabase(admin, database);
      await admin.close();
      client = createClickHouse(connection(database));
      dir = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
    });
    afterAll(() => client.close());

    it('runs pending ones in order, reports status, and refuses a changed past migration', async () => {
      const runner = new MigrationRunner(client);
      writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO a VALUES (1);\n');
      expect(await runner.up(loadMigrations(dir))).toEqual([1]);
      writeFileSync(join(dir, '0002_second.sql'), 'CREATE TABLE b (y UInt8) ENGINE = MergeTree ORDER BY y');
      expect((await runner.status(loadMigrations(dir))).map((s) => s.state)).toEqual(['applied', 'pending']);
      expect(await runner.up(loadMigrations(dir))).toEqual([2]);

      const count = await (await client.query({ query: 'SELECT count() AS n FROM a', format: 'JSONEachRow' })).json<{ n: string }>();
      expect(Number(count[0].n)).toBe(1); // the INSERT of 0001 ran once, not once per `up`

      writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE a (x UInt16) ENGINE = MergeTree ORDER BY x');
      expect((await runner.status(loadMigrations(dir)))[0].state).toBe('changed');
      await expect(runner.up(loadMigrations(dir))).rejects.toThrow(/refusing to migrate: applied migration\(s\) changed since they ran: 1_first/);
    });
  });
});
