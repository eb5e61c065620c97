import { ClickHouseClient } from '@clickhouse/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testInfra, uniqueName } from '@pulse/testing';
import { createClickHouse } from './clickhouse.factory';
import { checkClickHouse } from './clickhouse.readiness';
import { migrateUp, migrationStatus } from './migrate';
import { loadMigrations } from './migration';
import { createDatabase, MigrationRunner } from './migration-runner';
import { readHourRollupFrom } from './rollup-tiers';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

describe('migrations against a real ClickHouse engine', () => {
  const { clickhouse } = testInfra();
  const connection = (database: string) => ({ ...clickhouse, database });

  it('applies the project migrations once; a second run applies nothing; the app sees every raw table', async () => {
    const database = uniqueName('pulse_migrate');
    expect((await migrationStatus(connection(database))).map((s) => s.state)).toEqual(loadMigrations().map(() => 'pending'));
    const first = await migrateUp(connection(database));
    expect(first).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await migrateUp(connection(database))).toEqual([]);
    expect((await migrationStatus(connection(database))).map((s) => s.state)).toEqual(Array(11).fill('applied'));
    const client = createClickHouse(connection(database));
    try {
      const tables = await (await client.query({ query: 'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name', format: 'JSONEachRow' })).json<{ name: string; engine: string }>();
      expect(tables).toEqual([
        { name: 'client_outcomes', engine: 'MergeTree' },
        { name: 'errors', engine: 'MergeTree' },
        { name: 'errors_minute', engine: 'AggregatingMergeTree' },
        { name: 'errors_minute_mv', engine: 'MaterializedView' },
        { name: 'record_keys', engine: 'MergeTree' },
        { name: 'rollup_tiers', engine: 'MergeTree' },
        { name: 'schema_migrations', engine: 'ReplacingMergeTree' },
        { name: 'sessions', engine: 'MergeTree' },
        { name: 'sessions_minute', engine: 'AggregatingMergeTree' },
        { name: 'sessions_minute_mv', engine: 'MaterializedView' },
        { name: 'spans', engine: 'MergeTree' },
        { name: 'transactions', engine: 'MergeTree' },
        { name: 'transactions_day', engine: 'AggregatingMergeTree' },
        { name: 'transactions_day_mv', engine: 'MaterializedView' },
        { name: 'transactions_hour', engine: 'AggregatingMergeTree' },
        { name: 'transactions_hour_mv', engine: 'MaterializedView' },
        { name: 'transactions_minute', engine: 'AggregatingMergeTree' },
        { name: 'transactions_minute_mv', engine: 'MaterializedView' },
        { name: 'web_vitals', engine: 'MergeTree' },
        { name: 'web_vitals_day', engine: 'AggregatingMergeTree' },
        { name: 'web_vitals_day_mv', engine: 'MaterializedView' },
        { name: 'web_vitals_hour', engine: 'AggregatingMergeTree' },
        { name: 'web_vitals_hour_mv', engine: 'MaterializedView' },
        { name: 'web_vitals_minute', engine: 'AggregatingMergeTree' },
        { name: 'web_vitals_minute_mv', engine: 'MaterializedView' },
      ]);
      // A fresh database: the raw tables were empty, so the hour tier covers everything.
      expect(await readHourRollupFrom(client)).toBe(0);
      await expect(checkClickHouse(client)).resolves.toBeUndefined();
      await client.command({ query: 'DROP TABLE web_vitals_minute_mv' });
      await client.command({ query: 'DROP TABLE web_vitals' });
      await expect(checkClickHouse(client)).rejects.toThrow('table(s) web_vitals missing: run `npm run migrate`');
    } finally {
      await client.close();
    }
  });

  describe('with migrations of its own', () => {
    let client: ClickHouseClient;
    let dir: string;
    const database = uniqueName('pulse_migrate');
    beforeAll(async () => {
      const admin = createClickHouse(connection('default'));
      await createDatabase(admin, { database });
      await admin.close();
      client = createClickHouse(connection(database));
      dir = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
    });
    afterAll(() => client.close());

    it('runs pending ones in order, reports status, and refuses a changed past migration', async () => {
      const runner = new MigrationRunner(client, { database });
      writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE a (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO a VALUES (1);\n');
      expect(await runner.up(loadMigrations(dir))).toEqual([1]);
      writeFileSync(join(dir, '0002_second.sql'), 'CREATE TABLE b (y UInt8) ENGINE = MergeTree ORDER BY y');
      expect((await runner.status(loadMigrations(dir))).map((s) => s.state)).toEqual(['applied', 'pending']);
      expect(await runner.up(loadMigrations(dir))).toEqual([2]);

      const count = await (await client.query({ query: 'SELECT count() AS n FROM a', format: 'JSONEachRow' })).json<{ n: string }>();
      expect(Number(count[0].n)).toBe(1); // the INSERT of 0001 ran once, not once per `up`

      // Every pending file is rendered before any statement runs: a bad placeholder changes nothing.
      writeFileSync(join(dir, '0003_third.sql'), 'CREATE TABLE {local:c} (z UInt8) ENGINE = {engine:MergeTree} ORDER BY z');
      writeFileSync(join(dir, '0004_fourth.sql'), 'CREATE TABLE {local:d} (z UInt8) ENGINE = {engine:Memory}');
      await expect(runner.up(loadMigrations(dir))).rejects.toThrow(/malformed migration placeholder \{engine:Memory\}/);
      const tables = await (await client.query({ query: 'SHOW TABLES', format: 'JSONEachRow' })).json<{ name: string }>();
      expect(tables.map((t) => t.name)).toEqual(['a', 'b', 'schema_migrations']);

      writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE a (x UInt16) ENGINE = MergeTree ORDER BY x');
      expect((await runner.status(loadMigrations(dir)))[0].state).toBe('changed');
      await expect(runner.up(loadMigrations(dir))).rejects.toThrow(/refusing to migrate: applied migration\(s\) changed since they ran: 1_first/);
    });

    it('computes a {computed:…} value when its migration runs, after the ones before it, and refuses an unknown one', async () => {
      // A database of its own: the one of this block already has a version 1 and 2.
      const ownDatabase = uniqueName('pulse_migrate');
      const admin = createClickHouse(connection('default'));
      await createDatabase(admin, { database: ownDatabase });
      await admin.close();
      const ownClient = createClickHouse(connection(ownDatabase));
      try {
        const seen: number[] = [];
        // Reads table e, which the first migration of the same run creates and fills.
        const rowsOfE = async (c: ClickHouseClient) => {
          const rows = await (await c.query({ query: 'SELECT count() AS n FROM e', format: 'JSONEachRow' })).json<{ n: string }>();
          seen.push(Number(rows[0].n));
          return Number(rows[0].n) + 40;
        };
        const runner = new MigrationRunner(ownClient, { database: ownDatabase }, { rows_of_e: rowsOfE });
        const own = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
        writeFileSync(join(own, '0001_e.sql'), 'CREATE TABLE e (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO e VALUES (1), (2);\n');
        writeFileSync(join(own, '0002_f.sql'), 'CREATE TABLE f (x UInt8) ENGINE = MergeTree ORDER BY x;\nINSERT INTO f VALUES ({computed:rows_of_e});\n');
        writeFileSync(join(own, '0003_g.sql'), 'SELECT {computed:unknown}');
        await expect(runner.up(loadMigrations(own))).rejects.toThrow('migration 3_g uses {computed:unknown}, which the runner does not know');
        expect(seen).toEqual([]); // refused before anything ran
        writeFileSync(join(own, '0003_g.sql'), 'SELECT 1');
        expect(await runner.up(loadMigrations(own))).toEqual([1, 2, 3]);
        expect(seen).toEqual([2]);
        const f = await (await ownClient.query({ query: 'SELECT x FROM f', format: 'JSONEachRow' })).json<{ x: number }>();
        expect(f).toEqual([{ x: 42 }]);
      } finally {
        await ownClient.command({ query: `DROP DATABASE IF EXISTS ${ownDatabase}` });
        await ownClient.close();
      }
    });
  });
});
