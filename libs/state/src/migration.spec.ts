import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPostgresMigrations, migrationId, POSTGRES_MIGRATIONS_DIR } from './migration';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-pg-migrations-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadPostgresMigrations', () => {
  it('loads the project migrations from libs/state/migrations, each with its text and a checksum', () => {
    expect(POSTGRES_MIGRATIONS_DIR).toMatch(/libs[/\\]state[/\\]migrations$/);
    const migrations = loadPostgresMigrations();
    expect(migrations[0]).toMatchObject({ version: 1, name: 'issues' });
    expect(migrations[0].sql).toContain('CREATE TABLE issues');
    expect(migrations[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('orders by version and ignores files that are not .sql', () => {
    const dir = dirWith({ '0002_b.sql': 'SELECT 2', '0001_a.sql': 'SELECT 1', 'README.md': 'notes' });
    expect(loadPostgresMigrations(dir).map(migrationId)).toEqual(['0001_a', '0002_b']);
  });

  it('refuses gaps, duplicates and malformed names', () => {
    expect(() => loadPostgresMigrations(dirWith({ '0001_a.sql': 'x', '0003_c.sql': 'y' }))).toThrow(/found 3 at position 2/);
    expect(() => loadPostgresMigrations(dirWith({ '0001_a.sql': 'x', '0001_b.sql': 'y' }))).toThrow(/version 1 is used twice: 0001_a and 0001_b/);
    expect(() => loadPostgresMigrations(dirWith({ '1_Bad Name.sql': 'x' }))).toThrow(/1_Bad Name.sql must be named NNNN_lower_snake_name.sql/);
    expect(() => loadPostgresMigrations(dirWith({ '0002_b.sql': 'x' }))).toThrow(/found 2 at position 1/);
  });
});
