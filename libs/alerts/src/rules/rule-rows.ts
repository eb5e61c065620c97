import type { Pool, PoolClient } from 'pg';
import type { AlertRuleDefinition, AlertRuleKind, StoredAlertRule } from './alert-rule';

/**
 * Scheduled rules (metric, release) are spread over this many shards by id; each shard is leased
 * by one alerts instance at a time (ownership/shard-leases.ts).
 */
export const ALERT_SHARDS = 64;

export function shardOfRule(ruleId: number): number {
  return ruleId % ALERT_SHARDS;
}

export interface AlertRuleRow {
  id: string;
  project_id: string;
  definition: AlertRuleDefinition;
  enabled: boolean;
  provisioned_from: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const ALERT_RULE_COLUMNS = 'id, project_id, definition, enabled, provisioned_from, created_by, created_at, updated_at, version';

/** The one mapping from an `alert_rules` row to a StoredAlertRule (`enabled` is the row's, kept in the definition). */
export function ruleOfRow<D extends AlertRuleDefinition = AlertRuleDefinition>(row: AlertRuleRow): StoredAlertRule<D> {
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    definition: { ...row.definition, enabled: row.enabled } as D,
    provisionedFrom: row.provisioned_from,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

/**
 * Enabled rules of a kind, optionally only those of some projects or shards: what the evaluators
 * load. `dueBeforeMs` keeps only scheduled rules whose alert_rule_state.next_due_at has come (or
 * that have no state yet).
 */
export async function enabledRules<D extends AlertRuleDefinition>(
  db: Pool | PoolClient,
  kind: AlertRuleKind,
  only: { projectIds?: readonly number[]; shards?: readonly number[]; dueBeforeMs?: number } = {},
): Promise<StoredAlertRule<D>[]> {
  const where = ['r.enabled', 'r.kind = $1'];
  const params: unknown[] = [kind];
  if (only.projectIds) {
    params.push(only.projectIds);
    where.push(`r.project_id = ANY($${params.length}::bigint[])`);
  }
  if (only.shards) {
    params.push(only.shards);
    where.push(`(r.id % ${ALERT_SHARDS}) = ANY($${params.length}::int[])`);
  }
  if (only.dueBeforeMs !== undefined) {
    params.push(only.dueBeforeMs);
    where.push(`(s.next_due_at IS NULL OR s.next_due_at <= to_timestamp($${params.length} / 1000.0))`);
  }
  const columns = ALERT_RULE_COLUMNS.split(', ').map((c) => `r.${c}`).join(', ');
  const result = await db.query<AlertRuleRow>(`SELECT ${columns} FROM alert_rules r LEFT JOIN alert_rule_state s ON s.rule_id = r.id WHERE ${where.join(' AND ')} ORDER BY r.id`, params);
  return result.rows.map((row) => ruleOfRow<D>(row));
}
