import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Migration {
  version: number;
  name: string;
  /** Statements in file order; a file may hold several, separated by a line `;`-terminated statement. */
  statements: string[];
  checksum: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migrations directory sits beside `src/` (the build copies it next to the compiled code). */
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

/** Reads `NNNN_name.sql` files in version order; a gap or a duplicate version is an error. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE.exec(file);
      if (!match) throw new Error(`migration file ${file} must be named NNNN_lower_snake_name.sql`);
      const text = readFileSync(join(dir, file), 'utf8');
      return { version: Number(match[1]), name: match[2], statements: splitStatements(text), checksum: sha256(text) };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration versions must run 1, 2, 3…; found ${migration.version} at position ${index + 1}`);
  });
  return migrations;
}

/** Splits on `;` at the end of a line, after dropping `--` comment lines. */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter(Boolean);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
