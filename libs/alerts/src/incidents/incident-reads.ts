import { QueryParameterError } from '@pulse/analytics';
import type { Pool, PoolClient } from 'pg';
import type { AlertRuleKind } from '../rules/alert-rule';
import { deliveriesOfIncidents, DeliveryView } from './delivery-views';
import { checkedWindow, ListWindow } from './list-window';

/**
 * The read side of incidents (incident-writes.ts is the write side): what the query API lists
 * and the Grafana annotations draw. Each incident comes with its deliveries (one query for all
 * incidents of a page), shown without the action's secrets (delivery-views.ts).
 *
 * An incident is in a range when it was active there: issue alerts and release verdicts are
 * instants (their start), a metric incident lasts from its start until it resolved (or is still
 * open), so one that started before the range and ended inside it, or is still open, is listed.
 */

export const INCIDENT_KINDS: readonly AlertRuleKind[] = ['issue', 'metric', 'release'];
/** Every status an incident can have (alert_incidents.status), by kind. */
export const INCIDENT_STATUSES: Readonly<Record<AlertRuleKind, readonly string[]>> = {
  issue: ['triggered'],
  metric: ['warning', 'critical', 'resolved'],
  release: ['pass', 'marginal', 'fail'],
};
const ALL_STATUSES = [...new Set(Object.values(INCIDENT_STATUSES).flat())];

export interface IncidentView {
  id: number;
  /** null once the rule was deleted (the incident stays, with the name it had). */
  ruleId: number | null;
  ruleName: string;
  kind: AlertRuleKind;
  issueId: number | null;
  status: string;
  startedAt: string;
  resolvedAt: string | null;
  /** The evidence the evaluator wrote: trigger, value, thresholds, tests. */
  details: Record<string, unknown>;
  deliveries: DeliveryView[];
}

export interface IncidentListOptions extends ListWindow {
  ruleId?: number;
  kind?: AlertRuleKind;
  status?: string;
}

interface IncidentRow {
  id: string;
  rule_id: string | null;
  rule_name: string;
  kind: AlertRuleKind;
  issue_id: string | null;
  status: string;
  started_at: Date;
  resolved_at: Date | null;
  details: Record<string, unknown>;
}

const INCIDENT_COLUMNS = 'id, rule_id, rule_name, kind, issue_id, status, started_at, resolved_at, details';

/** An incident row without its deliveries (annotations need none). */
export type IncidentRecord = Omit<IncidentView, 'deliveries'>;

function recordOfRow(row: IncidentRow): IncidentRecord {
  return {
    id: Number(row.id),
    ruleId: row.rule_id === null ? null : Number(row.rule_id),
    ruleName: row.rule_name,
    kind: row.kind,
    issueId: row.issue_id === null ? null : Number(row.issue_id),
    status: row.status,
    startedAt: row.started_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    details: row.details,
  };
}

function checkFilters(options: IncidentListOptions): void {
  if (options.kind !== undefined && !INCIDENT_KINDS.includes(options.kind)) throw new QueryParameterError(`kind must be one of ${INCIDENT_KINDS.join(', ')}`);
  if (options.status !== undefined && !ALL_STATUSES.includes(options.status)) throw new QueryParameterError(`status must be one of ${ALL_STATUSES.join(', ')}`);
  if (options.ruleId !== undefined && (!Number.isSafeInteger(options.ruleId) || options.ruleId < 1)) throw new QueryParameterError('rule must be a rule id');
}

/**
 * Incidents of the project active in [fromMs, toMs), newest start first, at most `limit`, without
 * their deliveries. Bad options throw QueryParameterError.
 */
export async function listIncidentRecords(db: Pool | PoolClient, projectId: number, options: IncidentListOptions): Promise<IncidentRecord[]> {
  const { fromMs, toMs, limit } = checkedWindow(options);
  checkFilters(options);
  const where = [
    'project_id = $1',
    'started_at < to_timestamp($3 / 1000.0)',
    `(started_at >= to_timestamp($2 / 1000.0) OR (kind = 'metric' AND (resolved_at IS NULL OR resolved_at >= to_timestamp($2 / 1000.0))))`,
  ];
  const params: unknown[] = [projectId, fromMs, toMs];
  const add = (condition: (placeholder: string) => string, value: unknown): void => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (options.ruleId !== undefined) add((p) => `rule_id = ${p}`, options.ruleId);
  if (options.kind !== undefined) add((p) => `kind = ${p}`, options.kind);
  if (options.status !== undefined) add((p) => `status = ${p}`, options.status);
  params.push(limit);
  const result = await db.query<IncidentRow>(
    `SELECT ${INCIDENT_COLUMNS} FROM alert_incidents WHERE ${where.join(' AND ')} ORDER BY started_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return result.rows.map(recordOfRow);
}

/** listIncidentRecords with each incident's deliveries. */
export async function listIncidents(db: Pool | PoolClient, projectId: number, options: IncidentListOptions): Promise<IncidentView[]> {
  const records = await listIncidentRecords(db, projectId, options);
  const deliveries = await deliveriesOfIncidents(
    db,
    projectId,
    records.map((record) => record.id),
  );
  return records.map((record) => ({ ...record, deliveries: deliveries.get(record.id) ?? [] }));
}

/** One incident of the project with its deliveries; undefined when the project has no such incident. */
export async function getIncident(db: Pool | PoolClient, projectId: number, id: number): Promise<IncidentView | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const result = await db.query<IncidentRow>(`SELECT ${INCIDENT_COLUMNS} FROM alert_incidents WHERE project_id = $1 AND id = $2`, [projectId, id]);
  if (result.rows.length === 0) return undefined;
  const record = recordOfRow(result.rows[0]);
  const deliveries = await deliveriesOfIncidents(db, projectId, [record.id]);
  return { ...record, deliveries: deliveries.get(record.id) ?? [] };
}
