import type { PoolClient } from 'pg';
import type { AlertRuleKind } from '../rules/alert-rule';

/**
 * Incidents as the evaluators write them, inside the transaction that also enqueues their
 * notifications (delivery/outbox.ts). An issue alert opens one incident per notification; a
 * metric rule opens one when it leaves OK and closes it when it resolves (its status follows the
 * rule's: warning, critical, then resolved); a release rule opens one per verdict that notifies.
 */
export interface NewIncident {
  projectId: number;
  ruleId: number;
  ruleName: string;
  kind: AlertRuleKind;
  issueId?: number;
  status: string;
  startedAtMs: number;
  details: Record<string, unknown>;
}

export async function openIncident(client: PoolClient, incident: NewIncident): Promise<number> {
  const result = await client.query<{ id: string }>(
    `INSERT INTO alert_incidents (project_id, rule_id, rule_name, kind, issue_id, status, started_at, details)
     VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), $8::jsonb) RETURNING id`,
    [incident.projectId, incident.ruleId, incident.ruleName, incident.kind, incident.issueId ?? null, incident.status, incident.startedAtMs, JSON.stringify(incident.details)],
  );
  return Number(result.rows[0].id);
}

/** A new status for an open incident (warning → critical); `resolvedAtMs` closes it. Details are merged. */
export async function updateIncident(client: PoolClient, id: number, change: { status: string; resolvedAtMs?: number; details?: Record<string, unknown> }): Promise<void> {
  await client.query(
    `UPDATE alert_incidents SET status = $2, resolved_at = COALESCE(to_timestamp($3 / 1000.0), resolved_at), details = details || $4::jsonb WHERE id = $1`,
    [id, change.status, change.resolvedAtMs ?? null, JSON.stringify(change.details ?? {})],
  );
}
