import { loadMigrations } from './migration';
import { computedNames, createDatabaseStatement, renderStatements, schemaMigrationsStatement } from './migration-target';

const single = { database: 'pulse' };
const cluster = { database: 'pulse', cluster: 'main' };

const statements = [
  'CREATE TABLE IF NOT EXISTS {local:events} {on_cluster}\n(x UInt8)\nENGINE = {engine:MergeTree}\nORDER BY x',
  '{distributed:events:cityHash64(x)}',
  'CREATE TABLE IF NOT EXISTS {local:events_minute} {on_cluster} (x UInt8, n SimpleAggregateFunction(sum, UInt64)) ENGINE = {engine:AggregatingMergeTree} ORDER BY x',
  '{distributed:events_minute}',
  'CREATE MATERIALIZED VIEW IF NOT EXISTS {local:events_minute_mv} {on_cluster} TO {local:events_minute} AS SELECT x, count() AS n FROM {local:events} GROUP BY x',
];

describe('renderStatements', () => {
  it('renders plain DDL for one server and drops the Distributed statements', () => {
    expect(renderStatements(statements, single)).toEqual([
      'CREATE TABLE IF NOT EXISTS events\n(x UInt8)\nENGINE = MergeTree\nORDER BY x',
      'CREATE TABLE IF NOT EXISTS events_minute (x UInt8, n SimpleAggregateFunction(sum, UInt64)) ENGINE = AggregatingMergeTree ORDER BY x',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS events_minute_mv TO events_minute AS SELECT x, count() AS n FROM events GROUP BY x',
    ]);
  });

  it('renders ON CLUSTER DDL with qualified local tables, Replicated engines and Distributed tables', () => {
    expect(renderStatements(statements, cluster)).toEqual([
      'CREATE TABLE IF NOT EXISTS pulse.events_local ON CLUSTER main\n(x UInt8)\nENGINE = ReplicatedMergeTree\nORDER BY x',
      "CREATE TABLE IF NOT EXISTS pulse.events ON CLUSTER main AS pulse.events_local ENGINE = Distributed('main', 'pulse', 'events_local', cityHash64(x))",
      'CREATE TABLE IF NOT EXISTS pulse.events_minute_local ON CLUSTER main (x UInt8, n SimpleAggregateFunction(sum, UInt64)) ENGINE = ReplicatedAggregatingMergeTree ORDER BY x',
      "CREATE TABLE IF NOT EXISTS pulse.events_minute ON CLUSTER main AS pulse.events_minute_local ENGINE = Distributed('main', 'pulse', 'events_minute_local')",
      'CREATE MATERIALIZED VIEW IF NOT EXISTS pulse.events_minute_mv_local ON CLUSTER main TO pulse.events_minute_local AS SELECT x, count() AS n FROM pulse.events_local GROUP BY x',
    ]);
  });

  it('runs a statement on a {distributed_table:…} on a cluster only, where it names the Distributed table', () => {
    const alter = ['ALTER TABLE {local:events} {on_cluster} ADD COLUMN y UInt8', 'ALTER TABLE {distributed_table:events} {on_cluster} ADD COLUMN y UInt8'];
    expect(renderStatements(alter, single)).toEqual(['ALTER TABLE events ADD COLUMN y UInt8']);
    expect(renderStatements(alter, cluster)).toEqual(['ALTER TABLE pulse.events_local ON CLUSTER main ADD COLUMN y UInt8', 'ALTER TABLE pulse.events ON CLUSTER main ADD COLUMN y UInt8']);
    expect(() => renderStatements(['ALTER TABLE {distributed_table:Bad-Name} ADD COLUMN y UInt8'], single)).toThrow(/malformed migration placeholder \{distributed_table:Bad-Name\}/);
  });

  it('refuses malformed placeholders, a non-deterministic sharding key and names that are not identifiers', () => {
    expect(() => renderStatements(['CREATE TABLE {local:Bad-Name} (x UInt8)'], single)).toThrow(/malformed migration placeholder \{local:Bad-Name\}/);
    expect(() => renderStatements(['CREATE TABLE t (x UInt8) ENGINE = {engine:Log}'], cluster)).toThrow(/malformed migration placeholder \{engine:Log\}/);
    expect(() => renderStatements(['SELECT 1 {distributed:t:x}'], cluster)).toThrow(/malformed migration placeholder/);
    for (const key of ['rand()', 'cityHash64(x, rand64())', 'toUnixTimestamp(now())', 'generateUUIDv4()']) {
      expect(() => renderStatements([`{distributed:t:${key}}`], single)).toThrow(/sharding key of t must be deterministic/);
    }
    expect(() => renderStatements(statements, { database: 'pulse; DROP' })).toThrow(/invalid database name/);
    expect(() => renderStatements(statements, { database: 'pulse', cluster: "x') --" })).toThrow(/invalid cluster name/);
  });

  it('renders computed values as integers, and refuses a missing one or one that is not an integer', () => {
    const insert = ["INSERT INTO {local:tiers} VALUES ('hour', toDateTime({computed:hour_rollup_from}, 'UTC'))", 'SELECT {computed:hour_rollup_from}, {computed:other}'];
    expect(computedNames(insert)).toEqual(['hour_rollup_from', 'other']);
    expect(renderStatements(insert, cluster, { hour_rollup_from: 1_795_500_000, other: 0 })).toEqual([
      "INSERT INTO pulse.tiers_local VALUES ('hour', toDateTime(1795500000, 'UTC'))",
      'SELECT 1795500000, 0',
    ]);
    expect(() => renderStatements(insert, single, { hour_rollup_from: 1 })).toThrow('no value computed for {computed:other}');
    expect(() => renderStatements(insert, single, { hour_rollup_from: 1.5, other: 0 })).toThrow('{computed:hour_rollup_from} must be an integer');
    expect(() => renderStatements(['SELECT {computed:Bad}'], single)).toThrow(/malformed migration placeholder \{computed:Bad\}/);
  });

  it('leaves no placeholder in any project migration, in either mode', () => {
    for (const migration of loadMigrations()) {
      const computed = Object.fromEntries(computedNames(migration.statements).map((name) => [name, 0]));
      for (const target of [single, cluster]) {
        for (const statement of renderStatements(migration.statements, target, computed)) expect(statement).not.toMatch(/\{(?:on_cluster|local|engine|distributed|computed)/);
      }
    }
  });

  it('gives every raw table and rollup of the project a Distributed table on a cluster, and none on one server', () => {
    const render = (target: typeof single) =>
      loadMigrations().flatMap((migration) => renderStatements(migration.statements, target, Object.fromEntries(computedNames(migration.statements).map((name) => [name, 0]))));
    const rendered = render(cluster);
    const distributed = rendered.map((statement) => /^CREATE TABLE IF NOT EXISTS pulse\.(\w+) ON CLUSTER main AS pulse\.\1_local ENGINE = Distributed/.exec(statement)?.[1]).filter(Boolean);
    expect(distributed.sort()).toEqual(
      [
        'client_outcomes',
        'errors',
        'errors_minute',
        'record_keys',
        'rollup_tiers',
        'sessions',
        'sessions_minute',
        'spans',
        'transactions',
        'transactions_day',
        'transactions_hour',
        'transactions_minute',
        'web_vitals',
        'web_vitals_day',
        'web_vitals_hour',
        'web_vitals_minute',
      ],
    );
    const plain = render(single);
    expect(plain.some((statement) => /Distributed|Replicated|ON CLUSTER|_local\b/.test(statement))).toBe(false);
  });
});

describe('bookkeeping and database statements', () => {
  it('creates the database and schema_migrations locally, or on every node with one replication path', () => {
    expect(createDatabaseStatement(single)).toBe('CREATE DATABASE IF NOT EXISTS pulse');
    expect(createDatabaseStatement(cluster)).toBe('CREATE DATABASE IF NOT EXISTS pulse ON CLUSTER main');
    expect(schemaMigrationsStatement(single)).toMatch(/^CREATE TABLE IF NOT EXISTS schema_migrations \(.*\) ENGINE = ReplacingMergeTree ORDER BY version$/);
    expect(schemaMigrationsStatement(cluster)).toMatch(
      /^CREATE TABLE IF NOT EXISTS pulse\.schema_migrations ON CLUSTER main \(.*\) ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{database\}\/schema_migrations', '\{replica\}'\) ORDER BY version$/,
    );
  });
});
