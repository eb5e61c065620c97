import type { Migration } from './migration';
import { ComputedValues, computedNames, createDatabaseStatement, MigrationTarget, renderStatements, schemaMigrationsStatement } from './migration-target';
import { HOUR_ROLLUP_FROM } from './rollup-tiers';

/**
 * The ClickHouse statements `npm run migrate -- up` runs on a new database, in order, rendered for
 * one server or a cluster without connecting to anything (`npm run migrate -- plan`): what an
 * operator reviews before the first `up` on a cluster, and what cluster-ddl.int-spec.ts hands to
 * ClickHouse's parser. docs/deploy/cluster-plan.sql is this plan for a cluster named `pulse`.
 *
 * The premise is a new database because nothing is read: every migration is pending, and each
 * `{computed:…}` value is the one the runner computes on empty tables (FRESH_DATABASE_VALUES). On a
 * database that already has migrations, `up` runs only the pending ones, and a computed value may
 * differ (rollup-tiers.ts): the plan says so in its header.
 */

/** The `{computed:…}` values `up` computes on a new database (cluster-ddl.int-spec.ts checks them against a real one). */
export const FRESH_DATABASE_VALUES: ComputedValues = {
  // No rows in transactions or web_vitals: the hour and day views see every row ever stored.
  [HOUR_ROLLUP_FROM]: 0,
};

export interface PlannedMigration {
  version: number;
  name: string;
  /** The rendered statements; after them the runner records the migration in schema_migrations. */
  statements: string[];
}

export interface MigrationPlan {
  target: MigrationTarget;
  /** Run through a connection to the `default` database: the target database may not exist yet. */
  createDatabase: string;
  /** The runner's bookkeeping table; it and everything after run with the target database as the default one. */
  bookkeeping: string;
  migrations: PlannedMigration[];
}

/** Every migration rendered for `target`, as `up` runs them on a new database. */
export function planMigrations(migrations: readonly Migration[], target: MigrationTarget): MigrationPlan {
  return {
    target,
    createDatabase: createDatabaseStatement(target),
    bookkeeping: schemaMigrationsStatement(target),
    migrations: migrations.map((migration) => ({
      version: migration.version,
      name: migration.name,
      statements: renderStatements(migration.statements, target, freshValues(migration)),
    })),
  };
}

/** Every statement of the plan, in the order `up` runs them. */
export function planStatements(plan: MigrationPlan): string[] {
  return [plan.createDatabase, plan.bookkeeping, ...plan.migrations.flatMap((migration) => migration.statements)];
}

/** The plan as a SQL script: each statement ends with `;`, each migration starts with a comment naming it. */
export function renderPlan(plan: MigrationPlan): string {
  const { database, cluster } = plan.target;
  const where = cluster === undefined ? `one server, database ${database}` : `cluster ${cluster}, database ${database}`;
  const computed = Object.entries(FRESH_DATABASE_VALUES).map(([name, value]) => `{computed:${name}} = ${value}`);
  const lines = [
    `-- ClickHouse migrations of Pulse for ${where}.`,
    '-- The statements `npm run migrate -- up` runs on a new database, in order, as rendered by',
    '-- `npm run migrate -- plan` (libs/storage/src/migration-plan.ts) without connecting.',
    `-- The first statement runs on the \`default\` database, the others with ${database} as the default`,
    "-- one; after each migration's statements the runner records it in schema_migrations. On a",
    '-- database with migrations applied, `up` runs only the pending ones.',
    `-- Computed values as on a new database (empty tables): ${computed.join(', ')}; on a database`,
    '-- with rows, `up` computes them when their migration runs (libs/storage/src/rollup-tiers.ts).',
    '',
    `${plan.createDatabase};`,
    '',
    '-- The runner\'s bookkeeping.',
    `${plan.bookkeeping};`,
  ];
  for (const migration of plan.migrations) {
    lines.push('', `-- ${String(migration.version).padStart(4, '0')}_${migration.name}`);
    for (const statement of migration.statements) lines.push(`${statement};`, '');
    if (migration.statements.length > 0) lines.pop();
  }
  return `${lines.join('\n')}\n`;
}

function freshValues(migration: Migration): ComputedValues {
  const names = computedNames(migration.statements);
  const unknown = names.filter((name) => !Object.prototype.hasOwnProperty.call(FRESH_DATABASE_VALUES, name));
  if (unknown.length > 0) {
    throw new Error(`migration ${migration.version}_${migration.name} uses {computed:${unknown.join(', ')}}, which has no value for a new database in FRESH_DATABASE_VALUES`);
  }
  return Object.fromEntries(names.map((name) => [name, FRESH_DATABASE_VALUES[name]]));
}
