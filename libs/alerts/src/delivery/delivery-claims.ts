import type { AlertAction, DestinationType, Notification } from '@pulse/notifiers';
import type { Pool } from 'pg';

/**
 * The statements of the outbox's sending side (delivery-worker.ts runs them). A sender CLAIMS due
 * rows by writing its instance id and a lease end into them; every later write about an attempt
 * names that instance (`WHERE id = $1 AND locked_by = $2 AND state = 'pending'`), so a sender
 * whose lease ran out and whose row another instance took cannot overwrite what that instance
 * recorded, and nothing turns a delivered row back into a pending one.
 *
 * Order within a conversation: a row is not claimed while an OLDER row of the same rule and
 * incident (or, for issue alerts, which open one incident per notification, of the same rule and
 * issue) to the same receiver (destination and URL) is still pending, so "triggered" reaches a
 * receiver before "resolved", and a Jira ticket is filed before the comment about its regression.
 * The order is per receiver on purpose: a webhook that is down holds back its own later
 * notifications, not the Slack message of the same incident. A failed row (given up) does not
 * block the rows after it.
 */

/** A claimed row, as the worker hands it to a destination. */
export interface ClaimedDelivery {
  id: number;
  destination: DestinationType;
  idempotencyKey: string;
  action: AlertAction;
  notification: Notification;
  /** Attempts made before this one. */
  attempts: number;
}

interface ClaimedRow {
  id: string;
  destination: DestinationType;
  idempotency_key: string;
  action: AlertAction;
  notification: Notification;
  attempts: number;
}

/** Stored errors are cut to this (a response body quoted in full would bloat the row). */
export const MAX_STORED_ERROR_CHARS = 2_000;

/**
 * Claims up to `limit` due rows for `instanceId` until `nowMs + leaseMs`, in one statement: rows
 * another sender holds (row lock or unexpired lease) are skipped, never waited for.
 */
export async function claimDueDeliveries(pool: Pool, claim: { instanceId: string; nowMs: number; leaseMs: number; limit: number }): Promise<ClaimedDelivery[]> {
  const result = await pool.query<ClaimedRow>(
    `WITH claimable AS MATERIALIZED (
       SELECT c.id FROM alert_deliveries c
       WHERE c.state = 'pending'
         AND c.next_attempt_at <= to_timestamp($2::float8 / 1000)
         AND (c.locked_until IS NULL OR c.locked_until <= to_timestamp($2::float8 / 1000))
         AND NOT EXISTS (
           SELECT 1 FROM alert_deliveries o
           WHERE o.state = 'pending' AND o.id < c.id
             AND o.destination = c.destination
             AND o.action->>'url' = c.action->>'url'
             AND (o.incident_id = c.incident_id
                  OR (o.rule_id = c.rule_id AND o.notification->'issue'->>'id' = c.notification->'issue'->>'id')))
       ORDER BY c.next_attempt_at, c.id
       LIMIT $4
       FOR UPDATE OF c SKIP LOCKED
     )
     UPDATE alert_deliveries d
     SET locked_by = $1, locked_until = to_timestamp(($2::float8 + $3::float8) / 1000)
     FROM claimable WHERE d.id = claimable.id
     RETURNING d.id, d.destination, d.idempotency_key, d.action, d.notification, d.attempts`,
    [claim.instanceId, claim.nowMs, claim.leaseMs, claim.limit],
  );
  return result.rows
    .map((row) => ({
      id: Number(row.id),
      destination: row.destination,
      idempotencyKey: row.idempotency_key,
      action: row.action,
      notification: row.notification,
      attempts: row.attempts,
    }))
    .sort((a, b) => a.id - b.id);
}

/** The attempt succeeded. False: the claim was no longer this instance's (nothing written). */
export async function recordDelivered(pool: Pool, id: number, instanceId: string, delivered: { nowMs: number; statusCode: number; externalRef?: string }): Promise<boolean> {
  const result = await pool.query(
    `UPDATE alert_deliveries
     SET state = 'delivered', attempts = attempts + 1, delivered_at = to_timestamp($3::float8 / 1000), last_status_code = $4,
         external_ref = COALESCE($5, external_ref), locked_by = NULL, locked_until = NULL
     WHERE id = $1 AND locked_by = $2 AND state = 'pending'`,
    [id, instanceId, delivered.nowMs, delivered.statusCode, delivered.externalRef ?? null],
  );
  return result.rowCount === 1;
}

/** The attempt failed and is to be made again at `nextAttemptAtMs`; the claim is given up. */
export async function recordRetry(pool: Pool, id: number, instanceId: string, retry: { nextAttemptAtMs: number; error: string; statusCode?: number }): Promise<boolean> {
  const result = await pool.query(
    `UPDATE alert_deliveries
     SET attempts = attempts + 1, next_attempt_at = to_timestamp($3::float8 / 1000), last_error = $4, last_status_code = $5,
         locked_by = NULL, locked_until = NULL
     WHERE id = $1 AND locked_by = $2 AND state = 'pending'`,
    [id, instanceId, retry.nextAttemptAtMs, storedError(retry.error), retry.statusCode ?? null],
  );
  return result.rowCount === 1;
}

/** The attempt failed for good (not retryable, or the last one allowed). */
export async function recordFailed(pool: Pool, id: number, instanceId: string, failure: { error: string; statusCode?: number }): Promise<boolean> {
  const result = await pool.query(
    `UPDATE alert_deliveries
     SET state = 'failed', attempts = attempts + 1, last_error = $3, last_status_code = $4, locked_by = NULL, locked_until = NULL
     WHERE id = $1 AND locked_by = $2 AND state = 'pending'`,
    [id, instanceId, storedError(failure.error), failure.statusCode ?? null],
  );
  return result.rowCount === 1;
}

/**
 * Gives back claims that were not sent (a stopping worker): the rows are due again at once for
 * any instance, with no attempt counted.
 */
export async function releaseClaims(pool: Pool, ids: readonly number[], instanceId: string): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await pool.query(`UPDATE alert_deliveries SET locked_by = NULL, locked_until = NULL WHERE id = ANY($1::bigint[]) AND locked_by = $2 AND state = 'pending'`, [ids, instanceId]);
  return result.rowCount ?? 0;
}

function storedError(error: string): string {
  return error.length <= MAX_STORED_ERROR_CHARS ? error : `${error.slice(0, MAX_STORED_ERROR_CHARS - 1)}…`;
}
