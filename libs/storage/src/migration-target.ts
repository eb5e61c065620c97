/**
 * Where migrations run: one server, or every node of a cluster (ON CLUSTER DDL, Replicated engines,
 * Distributed tables). A migration file is written once with placeholders and rendered per target,
 * so its checksum is the same in both modes (docs/storage.md, "Cluster mode"):
 *
 * | placeholder                            | one server                 | cluster `c`, database `db`  |
 * |----------------------------------------|----------------------------|-----------------------------|
 * | `{on_cluster}`                         | (nothing)                  | `ON CLUSTER c`              |
 * | `{local:name}`                         | `name`                     | `db.name_local`             |
 * | `{engine:XMergeTree}`                  | `XMergeTree`               | `ReplicatedXMergeTree`      |
 * | statement `{distributed:name:key}`     | (dropped)                  | `CREATE TABLE db.name … AS db.name_local ENGINE = Distributed(c, db, name_local, key)` |
 * | `{distributed_table:name}`             | (its statement is dropped) | `db.name`: the Distributed table, e.g. to ALTER it like its local table |
 * | `{computed:name}`                      | the value computed for `name` when the migration runs (an integer) | the same |
 *
 * `{local:…}` is what exists on every node for that node's share of the data: tables and the
 * materialized views between them. Cluster names are qualified because ON CLUSTER DDL runs on each
 * node with that node's default database, and a view's FROM and TO are not qualified for it.
 * Replicated engines take no arguments: the server's default_replica_path and
 * default_replica_name (with `{uuid}`, the same on every node for an ON CLUSTER CREATE) apply.
 */
export interface MigrationTarget {
  /** Database of Pulse's tables: a plain identifier. */
  database: string;
  /** A cluster of the servers' remote_servers; undefined for one server. */
  cluster?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DISTRIBUTED = /^\{distributed:([a-z_][a-z0-9_]*)(?::(.+))?\}$/s;
const DISTRIBUTED_TABLE = /\{distributed_table:([a-z_][a-z0-9_]*)\}/g;
const LOCAL = /\{local:([a-z_][a-z0-9_]*)\}/g;
const ENGINE = /\{engine:([A-Za-z]*MergeTree)\}/g;
const ON_CLUSTER = /[ \t]*\{on_cluster\}/g;
const COMPUTED = /\{computed:([a-z_][a-z0-9_]*)\}/g;
const LEFTOVER = /\{(?:on_cluster|local|engine|distributed_table|distributed|computed)\b[^}]*\}?/;
/** A sharding key must send a redelivered row to the same shard, where its token deduplicates it. */
const NON_DETERMINISTIC = /\b(?:rand\w*|generateUUID\w*|now\w*|today)\s*\(/i;

/**
 * Values only known when a migration runs (e.g. whether a table already holds rows), by name:
 * `{computed:name}` renders as the integer. The runner computes the ones a migration uses just
 * before running it (migration-runner.ts); the file, and so its checksum, stays the same.
 */
export type ComputedValues = Readonly<Record<string, number>>;

/** The names of the `{computed:…}` values the statements use. */
export function computedNames(statements: readonly string[]): string[] {
  return [...new Set(statements.flatMap((statement) => [...statement.matchAll(COMPUTED)].map((match) => match[1])))];
}

/** The statements to run for `target`, in order; a `{distributed:…}` statement is dropped on one server. */
export function renderStatements(statements: readonly string[], target: MigrationTarget, computed: ComputedValues = {}): string[] {
  checkTarget(target);
  return statements.flatMap((statement) => {
    const rendered = renderStatement(statement, target, computed);
    return rendered === undefined ? [] : [rendered];
  });
}

function renderStatement(statement: string, target: MigrationTarget, computed: ComputedValues): string | undefined {
  const distributed = DISTRIBUTED.exec(statement.trim());
  if (distributed) return distributedTable(distributed[1], distributed[2], target);
  const { database, cluster } = target;
  const rendered = statement
    .replace(DISTRIBUTED_TABLE, (_, name: string) => `${database}.${name}`)
    .replace(ON_CLUSTER, cluster === undefined ? '' : ` ON CLUSTER ${cluster}`)
    .replace(LOCAL, (_, name: string) => (cluster === undefined ? name : `${database}.${name}_local`))
    .replace(ENGINE, (_, engine: string) => (cluster === undefined ? engine : `Replicated${engine}`))
    .replace(COMPUTED, (_, name: string) => computedValue(computed, name));
  const leftover = LEFTOVER.exec(rendered);
  if (leftover) throw new Error(`malformed migration placeholder ${leftover[0]} in: ${statement.slice(0, 200)}`);
  // A statement on a Distributed table has nothing to act on on one server (checked all the same).
  return cluster === undefined && statement.includes('{distributed_table:') ? undefined : rendered;
}

function computedValue(computed: ComputedValues, name: string): string {
  const value = Object.prototype.hasOwnProperty.call(computed, name) ? computed[name] : undefined;
  if (value === undefined) throw new Error(`no value computed for {computed:${name}}`);
  // Rendered into DDL as it is: only an integer can be, never text.
  if (!Number.isSafeInteger(value)) throw new Error(`{computed:${name}} must be an integer, got ${value}`);
  return String(value);
}

function distributedTable(name: string, shardingKey: string | undefined, target: MigrationTarget): string | undefined {
  if (shardingKey !== undefined && NON_DETERMINISTIC.test(shardingKey)) {
    throw new Error(`sharding key of ${name} must be deterministic (a redelivered batch must reach the same shard): ${shardingKey}`);
  }
  const { database, cluster } = target;
  if (cluster === undefined) return undefined;
  const key = shardingKey === undefined ? '' : `, ${shardingKey}`;
  return `CREATE TABLE IF NOT EXISTS ${database}.${name} ON CLUSTER ${cluster} AS ${database}.${name}_local ENGINE = Distributed('${cluster}', '${database}', '${name}_local'${key})`;
}

/** CREATE DATABASE, on every node of a cluster. */
export function createDatabaseStatement(target: MigrationTarget): string {
  checkTarget(target);
  return `CREATE DATABASE IF NOT EXISTS ${target.database}${target.cluster === undefined ? '' : ` ON CLUSTER ${target.cluster}`}`;
}

/**
 * The runner's own bookkeeping. On a cluster every node replicates one table under one Keeper path
 * (not one per shard), so any node knows the whole history; `{replica}` must then be unique across
 * the cluster, as it usually is (the host name).
 */
export function schemaMigrationsStatement(target: MigrationTarget): string {
  checkTarget(target);
  const columns = "(version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))";
  if (target.cluster === undefined) return `CREATE TABLE IF NOT EXISTS schema_migrations ${columns} ENGINE = ReplacingMergeTree ORDER BY version`;
  return (
    `CREATE TABLE IF NOT EXISTS ${target.database}.schema_migrations ON CLUSTER ${target.cluster} ${columns} ` +
    "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{database}/schema_migrations', '{replica}') ORDER BY version"
  );
}

/** Names are operator configuration rendered into DDL (they cannot be bound parameters): plain identifiers only. */
function checkTarget({ database, cluster }: MigrationTarget): void {
  if (!IDENTIFIER.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
  if (cluster !== undefined && !IDENTIFIER.test(cluster)) throw new Error(`invalid cluster name ${JSON.stringify(cluster)}`);
}
