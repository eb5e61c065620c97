import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PostgreSQL migrations: `NNNN_lower_snake_name.sql` files, applied in version order, each whole
 * file in one transaction (so a file must not hold BEGIN/COMMIT, nor a statement PostgreSQL refuses
 * inside a transaction such as CREATE INDEX CONCURRENTLY). The naming and the checks follow the
 * ClickHouse migrations of libs/storage; the code is separate because PostgreSQL runs a file as
 * one multi-statement query and needs no statement splitting or cluster rendering.
 */
export interface PostgresMigration {
  version: number;
  name: string;
  /** The file's text, run as one query. */
  sql: string;
  /** sha256 of the file's text: an applied migration whose file changed is refused. */
  checksum: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The migrations directory sits beside `src/` (the build copies it next to the compiled code). */
export const POSTGRES_MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

/** `0001_issues`: how a migration is named in messages and results. */
export function migrationId(migration: { version: number; name: string }): string {
  return `${String(migration.version).padStart(4, '0')}_${migration.name}`;
}

/** Reads the `.sql` files of `dir` in version order; a malformed name, a duplicate or a gap is an error. */
export function loadPostgresMigrations(dir = POSTGRES_MIGRATIONS_DIR): PostgresMigration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE.exec(file);
      if (!match) throw new Error(`migration file ${file} must be named NNNN_lower_snake_name.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: Number(match[1]), name: match[2], sql, checksum: sha256(sql) };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && previous.version === migration.version) {
      throw new Error(`migration version ${migration.version} is used twice: ${migrationId(previous)} and ${migrationId(migration)}`);
    }
    if (migration.version !== index + 1) throw new Error(`migration versions must run 1, 2, 3…; found ${migration.version} at position ${index + 1}`);
  });
  return migrations;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
