import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMigrations, Migration } from './migration';
import { FRESH_DATABASE_VALUES, planMigrations, planStatements, renderPlan } from './migration-plan';
import { renderStatements } from './migration-target';
import { HOUR_ROLLUP_FROM } from './rollup-tiers';

/** The committed plan for a cluster named `pulse` (docs/deploy.md links it). */
const COMMITTED_PLAN = join(__dirname, '..', '..', '..', 'docs', 'deploy', 'cluster-plan.sql');
const REGENERATE = 'CLICKHOUSE_CLUSTER=pulse CLICKHOUSE_DATABASE=pulse npm run --silent migrate -- plan > docs/deploy/cluster-plan.sql';

describe('migration plan', () => {
  const cluster = { database: 'pulse', cluster: 'pulse' };

  it('docs/deploy/cluster-plan.sql is the rendered plan for the cluster `pulse`', () => {
    const committed = readFileSync(COMMITTED_PLAN, 'utf8');
    const rendered = renderPlan(planMigrations(loadMigrations(), cluster));
    if (committed !== rendered) throw new Error(`docs/deploy/cluster-plan.sql is out of date; after \`npm run build\`, run: ${REGENERATE}`);
  });

  it('is deterministic: the same migrations give the same text', () => {
    expect(renderPlan(planMigrations(loadMigrations(), cluster))).toBe(renderPlan(planMigrations(loadMigrations(), cluster)));
  });

  it('holds every statement the runner renders, in migration order, after the database and the bookkeeping', () => {
    const migrations = loadMigrations();
    const plan = planMigrations(migrations, cluster);
    expect(plan.migrations.map((migration) => migration.version)).toEqual(migrations.map((migration) => migration.version));
    const statements = planStatements(plan);
    expect(statements.slice(0, 2)).toEqual([
      'CREATE DATABASE IF NOT EXISTS pulse ON CLUSTER pulse',
      expect.stringMatching(/^CREATE TABLE IF NOT EXISTS pulse\.schema_migrations ON CLUSTER pulse /),
    ]);
    expect(statements.slice(2)).toEqual(migrations.flatMap((migration) => renderStatements(migration.statements, cluster, FRESH_DATABASE_VALUES)));
    const text = renderPlan(plan);
    expect(text.match(/^-- \d{4}_\w+$/gm)).toEqual(migrations.map((migration) => `-- ${String(migration.version).padStart(4, '0')}_${migration.name}`));
    expect(text).toContain(`{computed:${HOUR_ROLLUP_FROM}} = 0`);
    expect(text).toContain("VALUES ('hour', toDateTime(0, 'UTC'))");
  });

  it('for one server: no ON CLUSTER, no local or Distributed tables', () => {
    const text = renderPlan(planMigrations(loadMigrations(), { database: 'pulse' }));
    expect(text).toMatch(/^-- ClickHouse migrations of Pulse for one server, database pulse\./);
    expect(text).not.toMatch(/ON CLUSTER|_local\b|Distributed\(|Replicated/);
    expect(text).toContain('CREATE TABLE IF NOT EXISTS transactions\n');
  });

  it('refuses a computed value it has no new-database value for, and a bad name', () => {
    const migration: Migration = { version: 1, name: 'x', checksum: 'c', statements: ['SELECT {computed:rows_so_far}'] };
    expect(() => planMigrations([migration], cluster)).toThrow(/1_x uses \{computed:rows_so_far\}, which has no value for a new database/);
    expect(() => planMigrations([], { database: 'pulse; DROP' })).toThrow(/invalid database name/);
  });
});
