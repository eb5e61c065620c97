import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMigrations, splitStatements } from './migration';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulse-migrations-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('loadMigrations', () => {
  it('loads the project migrations in order, each with statements and a checksum', () => {
    const migrations = loadMigrations();
    expect(migrations.map((m) => m.name)).toEqual(['transactions', 'spans', 'web_vitals', 'errors', 'sessions', 'hourly_rollups', 'record_keys', 'original_timestamps', 'daily_rollups', 'error_event_json', 'client_outcomes']);
    expect(migrations[0].statements[0]).toMatch(/^CREATE TABLE IF NOT EXISTS \{local:transactions\} \{on_cluster\}/);
    expect(migrations[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('orders by version and refuses gaps, duplicates and bad names', () => {
    expect(loadMigrations(dirWith({ '0002_b.sql': 'SELECT 2', '0001_a.sql': 'SELECT 1' })).map((m) => m.name)).toEqual(['a', 'b']);
    expect(() => loadMigrations(dirWith({ '0001_a.sql': 'x', '0003_c.sql': 'y' }))).toThrow(/found 3 at position 2/);
    expect(() => loadMigrations(dirWith({ '0001_a.sql': 'x', '0001_b.sql': 'y' }))).toThrow(/found 1 at position 2/);
    expect(() => loadMigrations(dirWith({ '1_Bad Name.sql': 'x' }))).toThrow(/must be named NNNN_lower_snake_name.sql/);
  });
});

describe('splitStatements', () => {
  it('splits on line-ending semicolons and drops comment lines', () => {
    expect(splitStatements('-- a comment\nCREATE TABLE a (x String DEFAULT \';\');\n\n-- another\nCREATE VIEW b AS SELECT 1;\n')).toEqual([
      "CREATE TABLE a (x String DEFAULT ';')",
      'CREATE VIEW b AS SELECT 1',
    ]);
  });
});
