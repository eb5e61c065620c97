import { loadMigrations } from './migration';
import { FRESH_DATABASE_VALUES, planMigrations, planStatements } from './migration-plan';
import { HOUR_ROLLUP_FROM } from './rollup-tiers';
import { STORED_KINDS } from './stored-kinds';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

/**
 * There is no multi-node ClickHouse or Keeper here, so cluster mode cannot run. What can be checked,
 * on the plan `npm run migrate -- plan` prints for a cluster (migration-plan.ts): ClickHouse's own
 * parser accepts every statement; every table that one server gets (read from a database migrated
 * on the real server, not from a list) is, on the cluster, a Replicated local table with a
 * Distributed table over it; the materialized views read and write local tables; every sharding
 * key is a valid integer expression over its table's columns.
 */
describe('cluster-mode DDL against the real ClickHouse parser', () => {
  const target = { database: 'pulse', cluster: 'pulse_cluster' };
  const rendered = planStatements(planMigrations(loadMigrations(), target));
  let db: MigratedDatabase;
  /** The MergeTree tables and the materialized views of a database migrated for one server. */
  let tables: Array<{ name: string; engine: string }>;
  let views: string[];

  beforeAll(async () => {
    db = await migratedDatabase('pulse_cluster_ddl', { quiet: true });
    const listed = await selectRows<{ name: string; engine: string }>(db.client, 'SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name');
    tables = listed.filter((table) => table.engine.endsWith('MergeTree') && table.name !== 'schema_migrations');
    views = listed.filter((table) => table.engine === 'MaterializedView').map((table) => table.name);
  });
  afterAll(async () => {
    if (db === undefined) return;
    await db.client.command({ query: `DROP DATABASE IF EXISTS ${db.database}` });
    await db.client.close();
  });

  const formatQuery = async (sql: string): Promise<string> => (await selectRows<{ formatted: string }>(db.client, 'SELECT formatQuery({sql:String}) AS formatted', { sql }))[0].formatted;

  it.each(rendered.map((sql) => [sql.split('\n')[0], sql]))('parses %s', async (_, sql) => {
    // DDL runs on every node; an INSERT (rollup_tiers) writes the local table of the node it runs on.
    expect(await formatQuery(sql)).toMatch(/^INSERT /.test(sql) ? /^INSERT INTO pulse\.\w+_local\b/ : /ON CLUSTER pulse_cluster/);
  });

  it('is a real check: the parser refuses a misplaced ON CLUSTER', async () => {
    await expect(formatQuery('CREATE TABLE ON CLUSTER pulse_cluster pulse.t_local (x UInt8) ENGINE = ReplicatedMergeTree ORDER BY x')).rejects.toThrow(/SYNTAX_ERROR|Syntax error/);
  });

  it('assumes the computed values a new database gets', async () => {
    const tiers = await selectRows<{ tier: string; from_s: number }>(db.client, 'SELECT tier, toUnixTimestamp(valid_from) AS from_s FROM rollup_tiers ORDER BY tier');
    expect(tiers).toEqual([
      { tier: 'day', from_s: FRESH_DATABASE_VALUES[HOUR_ROLLUP_FROM] },
      { tier: 'hour', from_s: FRESH_DATABASE_VALUES[HOUR_ROLLUP_FROM] },
    ]);
  });

  it('has every raw table and every minute, hour and day rollup among the tables one server gets', () => {
    const names = tables.map((table) => table.name);
    const raw = Object.values(STORED_KINDS).map((kind) => kind.table);
    expect(names).toEqual(expect.arrayContaining(raw));
    for (const tier of ['minute', 'hour', 'day']) {
      expect([tier, names.filter((name) => raw.some((table) => name === `${table}_${tier}`)).length > 0]).toEqual([tier, true]);
    }
  });

  it('makes each of those tables a Replicated local table with a Distributed table over it', () => {
    const shapes = tables.map(({ name }) => {
      const local = rendered.filter((sql) => sql.startsWith(`CREATE TABLE IF NOT EXISTS pulse.${name}_local ON CLUSTER pulse_cluster\n`));
      const distributed = rendered.filter((sql) => sql.startsWith(`CREATE TABLE IF NOT EXISTS pulse.${name} ON CLUSTER pulse_cluster `));
      return {
        name,
        local: local.map((sql) => /\nENGINE = (\w+)/.exec(sql)?.[1]),
        distributed: distributed.map((sql) => /AS (\S+) ENGINE = Distributed\('pulse_cluster', 'pulse', '(\w+)'/.exec(sql)?.slice(1)),
      };
    });
    expect(shapes).toEqual(tables.map(({ name, engine }) => ({ name, local: [`Replicated${engine}`], distributed: [[`pulse.${name}_local`, `${name}_local`]] })));
  });

  it('creates every materialized view on the local tables: it reads a local table and writes a local table', async () => {
    const localTables = new Set(tables.map((table) => `pulse.${table.name}_local`));
    const created = await Promise.all(rendered.filter((sql) => sql.startsWith('CREATE MATERIALIZED VIEW')).map((sql) => formatQuery(sql)));
    const shapes = created.map((sql) => {
      const [, name, to] = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\S+) ON CLUSTER pulse_cluster TO (\S+)/.exec(sql) ?? [];
      const from = [...sql.matchAll(/\bFROM (\S+)/g)].map((match) => match[1]);
      return { name, writesLocal: localTables.has(to), readsLocal: from.length > 0 && from.every((table) => localTables.has(table)) };
    });
    shapes.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    expect(shapes).toEqual(views.map((view) => ({ name: `pulse.${view}_local`, writesLocal: true, readsLocal: true })));
    // Every rollup is filled by a view on each shard (its Distributed table is never written).
    const raw = Object.values(STORED_KINDS).map((kind) => kind.table);
    const rollups = tables.map((table) => table.name).filter((name) => raw.some((table) => name.startsWith(`${table}_`)));
    const written = created.map((sql) => /\bTO (\S+)/.exec(sql)?.[1]);
    expect(rollups.filter((rollup) => !written.includes(`pulse.${rollup}_local`))).toEqual([]);
    expect(rollups.length).toBeGreaterThan(0);
  });

  it('has a sharding key of integer type, computable from the columns, on every raw table', async () => {
    const keys = loadMigrations()
      .flatMap((migration) => migration.statements)
      .map((statement) => /^\{distributed:(\w+):(.+)\}$/s.exec(statement.trim()))
      .filter((match): match is RegExpExecArray => match !== null);
    expect(keys.map((match) => match[1])).toEqual(['transactions', 'spans', 'web_vitals', 'errors', 'sessions', 'record_keys', 'client_outcomes']);
    for (const [, table, key] of keys) {
      const described = await selectRows<{ type: string }>(db.client, `DESCRIBE (SELECT ${key} FROM ${table})`);
      expect([table, described[0].type]).toEqual([table, 'UInt64']);
    }
  });
});
