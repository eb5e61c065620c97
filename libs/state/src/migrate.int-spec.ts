import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { FreshDatabase, freshDatabase } from '@pulse/testing';
import { migratePostgres, postgresMigrationStatus } from './migrate';
import { loadPostgresMigrations, migrationId } from './migration';
import { createPostgresPool } from './postgres.pool';

/** Creating, migrating and dropping a database takes well under a second; a busy machine, more. */
jest.setTimeout(30_000);

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-pg-migrations-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function tables(pool: Pool): Promise<string[]> {
  const result = await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
  return result.rows.map((row) => row.name);
}

describe('PostgreSQL migrations against a real server', () => {
  let database: FreshDatabase;
  beforeEach(async () => {
    database = await freshDatabase('pulse_pg_migrate', { migrate: false });
  });
  afterEach(() => database.drop());

  it('applies the project migrations once; a second run applies nothing', async () => {
    const ids = loadPostgresMigrations().map(migrationId);
    expect((await postgresMigrationStatus(database.pool)).map((status) => status.state)).toEqual(ids.map(() => 'pending'));
    const lines: string[] = [];
    expect(await migratePostgres(database.pool, { log: (line) => lines.push(line) })).toEqual({ applied: ids });
    expect(lines.map((line) => line.split(' (')[0])).toEqual(ids.map((id) => `applied ${id}`));
    expect(await migratePostgres(database.pool)).toEqual({ applied: [] });
    const statuses = await postgresMigrationStatus(database.pool);
    expect(statuses.map((status) => status.state)).toEqual(ids.map(() => 'applied'));
    expect(statuses[0].appliedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await tables(database.pool)).toEqual(expect.arrayContaining(['issues', 'schema_migrations']));
  });

  it('applies once when two processes migrate at the same time', async () => {
    // The first migration holds its transaction open a moment, so that the two runs overlap.
    const dir = dirWith({ '0001_slow.sql': 'SELECT pg_sleep(0.3);\nCREATE TABLE slow (id int);\n', '0002_next.sql': 'CREATE TABLE next (id int);\n' });
    const other = createPostgresPool({ url: database.url });
    try {
      const results = await Promise.all([migratePostgres(database.pool, { dir }), migratePostgres(other, { dir })]);
      expect(results.map((result) => result.applied).sort((a, b) => a.length - b.length)).toEqual([[], ['0001_slow', '0002_next']]);
    } finally {
      await other.end();
    }
    const rows = await database.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((row) => row.version)).toEqual([1, 2]);
  });

  it('refuses to run when an applied migration changed, and changes nothing', async () => {
    const dir = dirWith({ '0001_first.sql': 'CREATE TABLE first (id int);\n' });
    await migratePostgres(database.pool, { dir });
    writeFileSync(join(dir, '0001_first.sql'), 'CREATE TABLE first (id bigint);\n');
    writeFileSync(join(dir, '0002_second.sql'), 'CREATE TABLE second (id int);\n');
    await expect(migratePostgres(database.pool, { dir })).rejects.toThrow(/applied migration\(s\) changed since they ran: 0001_first; put the change in a new migration/);
    expect((await postgresMigrationStatus(database.pool, dir)).map((status) => `${migrationId(status)} ${status.state}`)).toEqual(['0001_first changed', '0002_second pending']);
    expect(await tables(database.pool)).toEqual(['first', 'schema_migrations']);
  });

  it('refuses to run when the database has a migration this build does not know', async () => {
    await migratePostgres(database.pool, { dir: dirWith({ '0001_first.sql': 'CREATE TABLE first (id int);\n', '0002_second.sql': 'CREATE TABLE second (id int);\n' }) });
    const older = dirWith({ '0001_first.sql': 'CREATE TABLE first (id int);\n' });
    await expect(migratePostgres(database.pool, { dir: older })).rejects.toThrow(/does not know: 0002_second; run a newer build/);
    expect((await postgresMigrationStatus(database.pool, older)).map((status) => status.state)).toEqual(['applied', 'unknown']);
  });

  it('rolls a failing migration back whole and keeps the ones before it; the fixed file then applies', async () => {
    const dir = dirWith({
      '0001_first.sql': 'CREATE TABLE first (id int);\n',
      '0002_broken.sql': 'CREATE TABLE second (id int);\nINSERT INTO second (id) VALUES (1);\nSELECT no_such_column FROM second;\n',
    });
    await expect(migratePostgres(database.pool, { dir })).rejects.toThrow(/migration 0002_broken failed and was rolled back: column "no_such_column" does not exist/);
    expect(await tables(database.pool)).toEqual(['first', 'schema_migrations']);
    expect((await postgresMigrationStatus(database.pool, dir)).map((status) => status.state)).toEqual(['applied', 'pending']);
    writeFileSync(join(dir, '0002_broken.sql'), 'CREATE TABLE second (id int);\n');
    expect(await migratePostgres(database.pool, { dir })).toEqual({ applied: ['0002_broken'] });
    // The lock of the failed run went with its session: nothing waits.
    expect(await tables(database.pool)).toEqual(['first', 'schema_migrations', 'second']);
  });
});
