import { QueryParameterError } from '@pulse/analytics';
import type { AlertAction } from '@pulse/notifiers';
import type { Pool, PoolClient } from 'pg';
import { checkedWindow, ListWindow } from './list-window';

/**
 * The outbox as the query API shows it (GET …/alert-deliveries, and the deliveries of each
 * incident): where a notification went and how its delivery stands. The stored action holds
 * secrets (a webhook's HMAC key, Jira's API token, and a Slack incoming-webhook URL is itself a
 * credential), so a view never carries the action: `target` is its URL with credentials masked
 * (deliveryTarget), and the notification body stays in the outbox.
 */

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface DeliveryView {
  id: number;
  incidentId: number | null;
  ruleId: number | null;
  destination: AlertAction['type'];
  /** Sent as the Idempotency-Key header: the same on every attempt of this delivery. */
  idempotencyKey: string;
  /** The URL sent to, credentials masked (deliveryTarget). */
  target: string;
  state: DeliveryState;
  attempts: number;
  /** When a pending delivery is tried next; null once delivered or failed. */
  nextAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  createdAt: string;
  deliveredAt: string | null;
  /** What the destination answered that later deliveries need (a Jira issue key). */
  externalRef: string | null;
}

/** What a URL may not show: its user info, query values, and a Slack webhook's token (the last path segment). */
const MASK = '***';

/**
 * The URL of an action for display. Credentials never leave: user and password are dropped,
 * every query value is masked (tokens travel there), and a Slack incoming-webhook URL, whose
 * path is the credential (`/services/T…/B…/<token>`), keeps its workspace and channel ids only.
 */
export function deliveryTarget(action: Pick<AlertAction, 'type' | 'url'>): string {
  let url: URL;
  try {
    url = new URL(action.url);
  } catch {
    return MASK;
  }
  url.username = '';
  url.password = '';
  for (const key of [...new Set(url.searchParams.keys())]) url.searchParams.set(key, MASK);
  url.hash = '';
  if (action.type === 'slack') {
    const segments = url.pathname.split('/');
    if (segments.length > 1) segments[segments.length - 1] = MASK;
    url.pathname = segments.join('/');
  }
  return url.toString();
}

interface DeliveryRow {
  id: string;
  incident_id: string | null;
  rule_id: string | null;
  destination: AlertAction['type'];
  idempotency_key: string;
  action_type: string | null;
  action_url: string | null;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  last_status_code: number | null;
  created_at: Date;
  delivered_at: Date | null;
  external_ref: string | null;
}

// Only the action's type and url are read out of PostgreSQL: the secrets never reach this process's memory.
const DELIVERY_COLUMNS = `id, incident_id, rule_id, destination, idempotency_key, action->>'type' AS action_type, action->>'url' AS action_url, state, attempts,
  next_attempt_at, last_error, last_status_code, created_at, delivered_at, external_ref`;

function viewOfRow(row: DeliveryRow): DeliveryView {
  return {
    id: Number(row.id),
    incidentId: row.incident_id === null ? null : Number(row.incident_id),
    ruleId: row.rule_id === null ? null : Number(row.rule_id),
    destination: row.destination,
    idempotencyKey: row.idempotency_key,
    target: deliveryTarget({ type: row.destination, url: row.action_url ?? '' }),
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastError: row.last_error,
    lastStatusCode: row.last_status_code,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    externalRef: row.external_ref,
  };
}

/** The deliveries of the project's incidents `incidentIds`, oldest first, grouped by incident id. */
export async function deliveriesOfIncidents(db: Pool | PoolClient, projectId: number, incidentIds: readonly number[]): Promise<Map<number, DeliveryView[]>> {
  const byIncident = new Map<number, DeliveryView[]>();
  if (incidentIds.length === 0) return byIncident;
  const result = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE project_id = $1 AND incident_id = ANY($2::bigint[]) ORDER BY id`,
    [projectId, incidentIds],
  );
  for (const row of result.rows) {
    const view = viewOfRow(row);
    const id = view.incidentId as number;
    const list = byIncident.get(id);
    if (list) list.push(view);
    else byIncident.set(id, [view]);
  }
  return byIncident;
}

export interface DeliveryListOptions extends ListWindow {
  state?: DeliveryState;
  ruleId?: number;
  incidentId?: number;
}

/**
 * Deliveries of the project created in [fromMs, toMs), newest first, at most `limit` (≤ 1000,
 * default 100); optionally of one state, rule or incident. Bad options throw QueryParameterError.
 */
export async function listAlertDeliveries(db: Pool | PoolClient, projectId: number, options: DeliveryListOptions): Promise<DeliveryView[]> {
  const { fromMs, toMs, limit } = checkedWindow(options);
  if (options.state !== undefined && !(DELIVERY_STATES as readonly string[]).includes(options.state)) {
    throw new QueryParameterError(`state must be one of ${DELIVERY_STATES.join(', ')}`);
  }
  const where = ['project_id = $1', 'created_at >= to_timestamp($2 / 1000.0)', 'created_at < to_timestamp($3 / 1000.0)'];
  const params: unknown[] = [projectId, fromMs, toMs];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (options.state !== undefined) add((p) => `state = ${p}`, options.state);
  if (options.ruleId !== undefined) add((p) => `rule_id = ${p}`, options.ruleId);
  if (options.incidentId !== undefined) add((p) => `incident_id = ${p}`, options.incidentId);
  params.push(limit);
  const result = await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params);
  return result.rows.map(viewOfRow);
}
