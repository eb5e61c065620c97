import type { Pool, PoolClient } from 'pg';

/**
 * The PostgreSQL side of release rules: the facts an evaluation reads (the canary's first error in
 * `releases`, its new issues in `issues`) and its state row in `alert_rule_state`. Locking follows
 * the metric rules' order: the rule row FOR SHARE (its version), then the state row FOR UPDATE
 * (created on first use), so a rule update waits for an evaluation to commit.
 */

/** The instant a release rule is due when it will never be due again (its verdict is final). */
export const NEVER_DUE_MS = Date.UTC(9999, 11, 31);

/** What a release rule's `last_result` holds between evaluations (the part the evaluator reads back). */
export interface StoredReleaseResult {
  ruleVersion: number;
  phase: 'pending' | 'running' | 'final';
  windowStartMs: number | null;
  [evidence: string]: unknown;
}

export interface LockedReleaseState {
  lastResult: StoredReleaseResult | null;
  lastEvaluatedAtMs: number | null;
}

/**
 * When the issue recorder first saw an error event of the release (`releases` is project-wide and
 * written from error events only), floored to the minute; null when it has none.
 */
export async function releaseFirstErrorMs(db: Pool | PoolClient, projectId: number, release: string): Promise<number | null> {
  const result = await db.query<{ first_seen: Date }>('SELECT first_seen FROM releases WHERE project_id = $1 AND version = $2', [projectId, release]);
  const firstSeen = result.rows[0]?.first_seen;
  return firstSeen === undefined ? null : Math.floor(firstSeen.getTime() / 60_000) * 60_000;
}

/** Issues of the project first seen in the canary release within [fromMs, toMs). */
export async function countNewIssues(db: Pool | PoolClient, projectId: number, release: string, fromMs: number, toMs: number): Promise<number> {
  const result = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM issues
     WHERE project_id = $1 AND first_release = $2 AND first_seen >= to_timestamp($3 / 1000.0) AND first_seen < to_timestamp($4 / 1000.0)`,
    [projectId, release, fromMs, toMs],
  );
  return Number(result.rows[0].n);
}

/** The stored result, read without a lock (to reuse the window start; the transaction checks again). */
export async function readReleaseResult(db: Pool | PoolClient, ruleId: number): Promise<StoredReleaseResult | null> {
  const result = await db.query<{ last_result: unknown }>('SELECT last_result FROM alert_rule_state WHERE rule_id = $1', [ruleId]);
  return asStoredResult(result.rows[0]?.last_result);
}

/** The rule's current version, read FOR SHARE; null when the rule is gone. */
export async function lockReleaseRuleVersion(client: PoolClient, ruleId: number): Promise<number | null> {
  const result = await client.query<{ version: number }>('SELECT version FROM alert_rules WHERE id = $1 FOR SHARE', [ruleId]);
  return result.rows[0]?.version ?? null;
}

export async function lockReleaseState(client: PoolClient, ruleId: number): Promise<LockedReleaseState> {
  await client.query("INSERT INTO alert_rule_state (rule_id, status) VALUES ($1, 'pending') ON CONFLICT (rule_id) DO NOTHING", [ruleId]);
  const result = await client.query<{ last_result: unknown; last_evaluated_at: Date | null }>(
    'SELECT last_result, last_evaluated_at FROM alert_rule_state WHERE rule_id = $1 FOR UPDATE',
    [ruleId],
  );
  const row = result.rows[0];
  return { lastResult: asStoredResult(row.last_result), lastEvaluatedAtMs: row.last_evaluated_at?.getTime() ?? null };
}

export async function storeReleaseState(
  client: PoolClient,
  ruleId: number,
  stored: { status: string; result: StoredReleaseResult; evaluatedAtMs: number; nextDueAtMs: number; incidentId: number | null },
): Promise<void> {
  await client.query(
    `UPDATE alert_rule_state
     SET status = $2, last_result = $3::jsonb, last_value = NULL, last_evaluated_at = to_timestamp($4 / 1000.0),
         next_due_at = to_timestamp($5 / 1000.0), open_incident_id = COALESCE($6, open_incident_id)
     WHERE rule_id = $1`,
    [ruleId, stored.status, JSON.stringify(stored.result), stored.evaluatedAtMs, stored.nextDueAtMs, stored.incidentId],
  );
}

function asStoredResult(value: unknown): StoredReleaseResult | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const phase = record.phase;
  if (typeof record.ruleVersion !== 'number' || (phase !== 'pending' && phase !== 'running' && phase !== 'final')) return null;
  const windowStartMs = typeof record.windowStartMs === 'number' ? record.windowStartMs : null;
  return { ...record, ruleVersion: record.ruleVersion, phase, windowStartMs };
}
