import type { AlertAction, IssueAlertNotification, MetricAlertNotification } from '@pulse/notifiers';
import { issueNotification, metricNotification } from '@pulse/notifiers/testing';
import { withTransaction } from '@pulse/state';
import type { Pool } from 'pg';
import { openIncident } from '../../incidents/incident-writes';
import { enqueueNotification } from '../outbox';

/**
 * Outbox rows for the delivery specs, written the way the evaluators write them: a rule row, an
 * incident, and `enqueueNotification` in one transaction. Plus a reader of one row's sending
 * state (lock, attempts, times in epoch ms) for the assertions.
 */

export interface SeededRule {
  id: number;
  name: string;
  projectId: number;
}

export async function seedRule(pool: Pool, name: string, projectId = 1): Promise<SeededRule> {
  const result = await pool.query<{ id: string }>(
    `INSERT INTO alert_rules (project_id, kind, name, definition, created_by) VALUES ($1, 'metric', $2, '{}'::jsonb, 'spec') RETURNING id`,
    [projectId, name],
  );
  return { id: Number(result.rows[0].id), name, projectId };
}

/**
 * A metric notification of `rule` to `actions` (a new incident unless `incidentId` names one);
 * returns the incident and the idempotency key of each action's row.
 */
export async function enqueueMetricAlert(
  pool: Pool,
  input: { rule: SeededRule; actions: readonly AlertAction[]; incidentId?: number; notification?: Partial<MetricAlertNotification> },
): Promise<{ incidentId: number; keys: string[] }> {
  return withTransaction(pool, async (client) => {
    const incidentId =
      input.incidentId ??
      (await openIncident(client, { projectId: input.rule.projectId, ruleId: input.rule.id, ruleName: input.rule.name, kind: 'metric', status: 'critical', startedAtMs: Date.now(), details: {} }));
    const notification = metricNotification({ projectId: input.rule.projectId, rule: { id: input.rule.id, name: input.rule.name }, incidentId, ...input.notification });
    const keyBase = `metric:${input.rule.id}:incident:${incidentId}:${notification.action}:${notification.status}`;
    await enqueueNotification(client, { notification, actions: input.actions, keyBase });
    return { incidentId, keys: input.actions.map((_, index) => `${keyBase}:${index}`) };
  });
}

/** An issue alert of `rule` about `issueId` (each opens its own incident, as issue alerts do). */
export async function enqueueIssueAlert(pool: Pool, input: { rule: SeededRule; issueId: number; actions: readonly AlertAction[]; trigger: IssueAlertNotification['trigger'] }): Promise<{ incidentId: number; keys: string[] }> {
  return withTransaction(pool, async (client) => {
    const incidentId = await openIncident(client, {
      projectId: input.rule.projectId,
      ruleId: input.rule.id,
      ruleName: input.rule.name,
      kind: 'issue',
      issueId: input.issueId,
      status: 'triggered',
      startedAtMs: Date.now(),
      details: {},
    });
    const template = issueNotification();
    const notification = issueNotification({
      projectId: input.rule.projectId,
      rule: { id: input.rule.id, name: input.rule.name },
      incidentId,
      trigger: input.trigger,
      issue: { ...template.issue, id: input.issueId },
    });
    const keyBase = `issue-rule:${input.rule.id}:issue:${input.issueId}:${input.trigger}:${incidentId}`;
    await enqueueNotification(client, { notification, actions: input.actions, keyBase });
    return { incidentId, keys: input.actions.map((_, index) => `${keyBase}:${index}`) };
  });
}

export interface OutboxRowState {
  id: number;
  state: string;
  attempts: number;
  nextAttemptAtMs: number;
  lockedBy: string | null;
  lockedUntilMs: number | null;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAtMs: number | null;
  externalRef: string | null;
}

export async function outboxRow(pool: Pool, idempotencyKey: string): Promise<OutboxRowState> {
  const result = await pool.query<{
    id: string;
    state: string;
    attempts: number;
    next_attempt_ms: number;
    locked_by: string | null;
    locked_until_ms: number | null;
    last_error: string | null;
    last_status_code: number | null;
    delivered_ms: number | null;
    external_ref: string | null;
  }>(
    `SELECT id, state, attempts, (extract(epoch FROM next_attempt_at) * 1000)::float8 AS next_attempt_ms, locked_by,
            (extract(epoch FROM locked_until) * 1000)::float8 AS locked_until_ms, last_error, last_status_code,
            (extract(epoch FROM delivered_at) * 1000)::float8 AS delivered_ms, external_ref
     FROM alert_deliveries WHERE idempotency_key = $1`,
    [idempotencyKey],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error(`no outbox row with key ${idempotencyKey}`);
  const ms = (value: number | null): number | null => (value === null ? null : Math.round(value));
  return {
    id: Number(row.id),
    state: row.state,
    attempts: row.attempts,
    nextAttemptAtMs: Math.round(row.next_attempt_ms),
    lockedBy: row.locked_by,
    lockedUntilMs: ms(row.locked_until_ms),
    lastError: row.last_error,
    lastStatusCode: row.last_status_code,
    deliveredAtMs: ms(row.delivered_ms),
    externalRef: row.external_ref,
  };
}
