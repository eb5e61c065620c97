/**
 * Issues and releases written straight into PostgreSQL for specs of the status workflow and of
 * the query API, without running the issue processor: each seeded issue is unresolved/new with
 * one hash, as the processor creates it.
 */
import type { Pool } from 'pg';

export interface SeedIssue {
  projectId: number;
  title?: string;
  culprit?: string;
  /** Default: its id's position among the project's seeded issues. */
  shortNumber?: number;
  /** Default: now. */
  lastSeenMs?: number;
  /** Default: now (`new` fades to `ongoing` 7 days after it). */
  substatusChangedAtMs?: number;
  hash?: string;
}

/** Inserts the issue (and its counter and hash); its id. */
export async function seedIssue(pool: Pool, issue: SeedIssue): Promise<number> {
  const { rows: counter } = await pool.query<{ last_short_number: string }>(
    `INSERT INTO issue_counters (project_id, last_short_number) VALUES ($1, 1)
     ON CONFLICT (project_id) DO UPDATE SET last_short_number = issue_counters.last_short_number + 1
     RETURNING last_short_number`,
    [issue.projectId],
  );
  const shortNumber = issue.shortNumber ?? Number(counter[0].last_short_number);
  const now = Date.now();
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO issues (project_id, short_number, title, culprit, level, platform, status, substatus, substatus_changed_at,
       status_changed_at, first_seen, last_seen, times_seen, grouping_config)
     VALUES ($1, $2, $3, $4, 'error', 'javascript', 'unresolved', 'new', to_timestamp($5::double precision / 1000), now(),
       to_timestamp($6::double precision / 1000), to_timestamp($6::double precision / 1000), 1, 'pulse:2026-01')
     RETURNING id`,
    [issue.projectId, shortNumber, issue.title ?? 'TypeError: x is undefined', issue.culprit ?? 'app.js in render', issue.substatusChangedAtMs ?? now, issue.lastSeenMs ?? now],
  );
  const id = Number(rows[0].id);
  await pool.query(`INSERT INTO issue_hashes (project_id, hash, issue_id, grouping_config) VALUES ($1, $2, $3, 'pulse:2026-01')`, [
    issue.projectId,
    issue.hash ?? `hash-${id}`,
    id,
  ]);
  return id;
}

/** Records that the project saw `version` at `firstSeenMs`. */
export async function seedRelease(pool: Pool, projectId: number, version: string, firstSeenMs = Date.now()): Promise<void> {
  await pool.query('INSERT INTO releases (project_id, version, first_seen) VALUES ($1, $2, to_timestamp($3::double precision / 1000))', [
    projectId,
    version,
    firstSeenMs,
  ]);
}
