import { loadMigrations } from './migration';
import { computedNames, createDatabaseStatement, renderStatements, schemaMigrationsStatement } from './migration-target';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

/**
 * There is no multi-node ClickHouse or Keeper here, so cluster mode cannot run. What can be checked:
 * ClickHouse's own parser accepts every statement rendered for a cluster, and every sharding key is
 * a valid integer expression over its table's columns.
 */
describe('cluster-mode DDL against the real ClickHouse parser', () => {
  const target = { database: 'pulse', cluster: 'pulse_cluster' };
  const rendered = [
    createDatabaseStatement(target),
    schemaMigrationsStatement(target),
    // Computed values as a database with rows would get them (the start of an hour, in seconds).
    ...loadMigrations().flatMap((migration) => renderStatements(migration.statements, target, Object.fromEntries(computedNames(migration.statements).map((name) => [name, 1_795_500_000])))),
  ];
  let db: MigratedDatabase;

  beforeAll(async () => {
    db = await migratedDatabase('pulse_cluster_ddl', { quiet: true });
  });
  afterAll(() => db?.client.close());

  const formatQuery = async (sql: string): Promise<string> => (await selectRows<{ formatted: string }>(db.client, 'SELECT formatQuery({sql:String}) AS formatted', { sql }))[0].formatted;

  it.each(rendered.map((sql) => [sql.split('\n')[0], sql]))('parses %s', async (_, sql) => {
    // DDL runs on every node; an INSERT (rollup_tiers) writes the local table of the node it runs on.
    expect(await formatQuery(sql)).toMatch(/^INSERT /.test(sql) ? /^INSERT INTO pulse\.\w+_local\b/ : /ON CLUSTER pulse_cluster/);
  });

  it('is a real check: the parser refuses a misplaced ON CLUSTER', async () => {
    await expect(formatQuery('CREATE TABLE ON CLUSTER pulse_cluster pulse.t_local (x UInt8) ENGINE = ReplicatedMergeTree ORDER BY x')).rejects.toThrow(/SYNTAX_ERROR|Syntax error/);
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
