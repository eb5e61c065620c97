import type { AlertAction, Notification } from '@pulse/notifiers';
import type { PoolClient } from 'pg';

/**
 * The outbox's write side, called in the transaction that decided to notify (the issue alert
 * evaluator, the metric and release state machines): one `alert_deliveries` row per action. The
 * key is `<keyBase>:<action index>`, and `keyBase` names the facts (`issue-rule:7:issue:42:new`,
 * `metric:3:incident:9:critical`), so deciding the same thing again (a replayed batch, a second
 * instance) inserts nothing. Returns how many rows were new.
 */
export async function enqueueNotification(client: PoolClient, input: { notification: Notification; actions: readonly AlertAction[]; keyBase: string }): Promise<number> {
  const { notification, actions, keyBase } = input;
  if (actions.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO alert_deliveries (project_id, rule_id, incident_id, idempotency_key, destination, action, notification)
     SELECT $1, $2, $3, k.key, k.destination, k.action, $4::jsonb
     FROM unnest($5::text[], $6::text[], $7::jsonb[]) AS k(key, destination, action)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      notification.projectId,
      notification.rule.id,
      notification.incidentId,
      JSON.stringify(notification),
      actions.map((_, i) => `${keyBase}:${i}`),
      actions.map((action) => action.type),
      actions.map((action) => JSON.stringify(action)),
    ],
  );
  return result.rowCount ?? 0;
}
