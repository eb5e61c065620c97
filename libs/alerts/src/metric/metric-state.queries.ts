import type { PoolClient } from 'pg';
import type { MetricPending, MetricState, MetricStatus } from './metric-state';

/**
 * The SQL of one metric rule's evaluation transaction: lock the rule's state row (created on
 * first use), check the rule was not changed since it was loaded, and store the new state. The
 * rule row is read FOR SHARE before the state row is locked (the order every writer of both
 * follows), so a rule update waits for the evaluation to commit and the next evaluation sees it.
 */

export interface LockedMetricState extends MetricState {
  openIncidentId: number | null;
  lastEvaluatedAtMs: number | null;
}

interface StateRow {
  status: string;
  pending: MetricPending;
  guard_until: Date | null;
  open_incident_id: string | null;
  last_evaluated_at: Date | null;
}

const STATUSES: readonly MetricStatus[] = ['ok', 'warning', 'critical'];

/** The rule's current version, read FOR SHARE; null when the rule is gone. */
export async function lockRuleVersion(client: PoolClient, ruleId: number): Promise<number | null> {
  const result = await client.query<{ version: number }>('SELECT version FROM alert_rules WHERE id = $1 FOR SHARE', [ruleId]);
  return result.rows[0]?.version ?? null;
}

/** The rule's state row, locked for this transaction; an `ok` row is created on first use. */
export async function lockMetricState(client: PoolClient, ruleId: number): Promise<LockedMetricState> {
  await client.query("INSERT INTO alert_rule_state (rule_id, status) VALUES ($1, 'ok') ON CONFLICT (rule_id) DO NOTHING", [ruleId]);
  const result = await client.query<StateRow>('SELECT status, pending, guard_until, open_incident_id, last_evaluated_at FROM alert_rule_state WHERE rule_id = $1 FOR UPDATE', [ruleId]);
  const row = result.rows[0];
  // A state row another kind wrote (the rule's kind cannot change, but a hand edit can): start over from ok.
  const status = STATUSES.find((s) => s === row.status) ?? 'ok';
  const pending: MetricPending = STATUSES.some((s) => s === row.pending.toward) && Number.isInteger(row.pending.count) ? { toward: row.pending.toward, count: row.pending.count } : {};
  return {
    status,
    pending,
    ...(row.guard_until === null ? {} : { guardUntilMs: row.guard_until.getTime() }),
    openIncidentId: row.open_incident_id === null ? null : Number(row.open_incident_id),
    lastEvaluatedAtMs: row.last_evaluated_at?.getTime() ?? null,
  };
}

export interface StoredMetricState {
  state: MetricState;
  value: number | null;
  result: Record<string, unknown>;
  evaluatedAtMs: number;
  nextDueAtMs: number;
  openIncidentId: number | null;
}

export async function storeMetricState(client: PoolClient, ruleId: number, stored: StoredMetricState): Promise<void> {
  await client.query(
    `UPDATE alert_rule_state
     SET status = $2, pending = $3::jsonb, last_value = $4, last_result = $5::jsonb, last_evaluated_at = to_timestamp($6 / 1000.0),
         next_due_at = to_timestamp($7 / 1000.0), open_incident_id = $8, guard_until = to_timestamp($9 / 1000.0)
     WHERE rule_id = $1`,
    [
      ruleId,
      stored.state.status,
      JSON.stringify(stored.state.pending),
      stored.value,
      JSON.stringify(stored.result),
      stored.evaluatedAtMs,
      stored.nextDueAtMs,
      stored.openIncidentId,
      stored.state.guardUntilMs ?? null,
    ],
  );
}

/** How many transitions the incident has had (its `details.transitions`; 0 for an incident written without it). */
export async function incidentTransitions(client: PoolClient, incidentId: number): Promise<number> {
  const result = await client.query<{ transitions: number | null }>("SELECT (details->>'transitions')::int AS transitions FROM alert_incidents WHERE id = $1", [incidentId]);
  return result.rows[0]?.transitions ?? 0;
}
