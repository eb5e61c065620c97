import { withTransaction } from '@pulse/state';
import type { Pool, PoolClient } from 'pg';
import type { AlertRuleDefinition, AlertRuleKind, StoredAlertRule } from './alert-rule';
import { ALERT_RULE_COLUMNS, AlertRuleRow, ruleOfRow } from './rule-rows';
import { restoreSecrets } from './rule-secrets';

/**
 * The API's side of `alert_rules`: create, list, read, replace and delete the rules of a project.
 * Definitions come in checked (parseAlertRule); the store adds what needs the stored row:
 *  - every read and write is scoped by project: a rule of another project is "not found";
 *  - provisioned rules (provisioned_from set) belong to their file: replace and delete refuse them;
 *  - a project has at most MAX_RULES_PER_PROJECT rules, counted under a per-project lock so two
 *    concurrent creates cannot both pass the count;
 *  - a replace bumps `version` (an evaluation started on the old version does not write its
 *    state), and a replace or delete clears the rule's `alert_rule_state`: a changed rule starts
 *    from OK. An open metric incident of that state is closed as resolved, with the reason in its
 *    details, since no evaluation would ever resolve it;
 *  - a replace that sends "[redacted]" for a secret keeps the stored one (rule-secrets.ts).
 * Everything the API returns passes redactRule (rule-secrets.ts) first; the store returns secrets.
 */

export const MAX_RULES_PER_PROJECT = 2000;

export class AlertRuleNotFound extends Error {
  constructor(projectId: number, ruleId: number) {
    super(`project ${projectId} has no alert rule ${ruleId}`);
    this.name = 'AlertRuleNotFound';
  }
}

/** A provisioned rule is changed in its file, never through the API. */
export class ProvisionedRuleError extends Error {
  constructor(
    readonly ruleId: number,
    readonly provisionedFrom: string,
  ) {
    super(`alert rule ${ruleId} is provisioned from ${provisionedFrom}: change it there`);
    this.name = 'ProvisionedRuleError';
  }
}

export class TooManyAlertRules extends Error {
  constructor(projectId: number) {
    super(`project ${projectId} has ${MAX_RULES_PER_PROJECT} alert rules, the most it may have: delete one first`);
    this.name = 'TooManyAlertRules';
  }
}

/** The two-key advisory lock space of alert rules (`alrt`); the second key is the project. */
const RULES_LOCK_KEY = 0x616c7274;

/** Serializes the rule writes of these projects until the transaction ends (sorted: no deadlock). */
export async function lockProjectRules(client: PoolClient, projectIds: readonly number[]): Promise<void> {
  const sorted = [...new Set(projectIds)].sort((a, b) => a - b);
  await client.query('SELECT pg_advisory_xact_lock($1::int, (p % 2147483647)::int) FROM unnest($2::bigint[]) WITH ORDINALITY AS t(p, n) ORDER BY n', [RULES_LOCK_KEY, sorted]);
}

/** How many rules each of these projects has (inside the lock). */
export async function ruleCounts(client: PoolClient, projectIds: readonly number[]): Promise<Map<number, number>> {
  const { rows } = await client.query<{ project_id: string; rules: string }>(
    'SELECT project_id, count(*) AS rules FROM alert_rules WHERE project_id = ANY($1::bigint[]) GROUP BY project_id',
    [projectIds],
  );
  return new Map(rows.map((row) => [Number(row.project_id), Number(row.rules)]));
}

export async function insertRule(client: PoolClient, projectId: number, definition: AlertRuleDefinition, actor: string, provisionedFrom: string | null): Promise<StoredAlertRule> {
  const { rows } = await client.query<AlertRuleRow>(
    `INSERT INTO alert_rules (project_id, kind, name, definition, enabled, provisioned_from, created_by)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING ${ALERT_RULE_COLUMNS}`,
    [projectId, definition.kind, definition.name, JSON.stringify(definition), definition.enabled, provisionedFrom, actor],
  );
  return ruleOfRow(rows[0]);
}

/** The new definition, version + 1, and the rule's evaluation state cleared. */
export async function updateRule(client: PoolClient, ruleId: number, definition: AlertRuleDefinition): Promise<StoredAlertRule> {
  await clearRuleState(client, ruleId, 'the rule changed');
  const { rows } = await client.query<AlertRuleRow>(
    `UPDATE alert_rules SET kind = $2, name = $3, definition = $4::jsonb, enabled = $5, updated_at = now(), version = version + 1
     WHERE id = $1 RETURNING ${ALERT_RULE_COLUMNS}`,
    [ruleId, definition.kind, definition.name, JSON.stringify(definition), definition.enabled],
  );
  return ruleOfRow(rows[0]);
}

export async function deleteRule(client: PoolClient, ruleId: number): Promise<void> {
  await clearRuleState(client, ruleId, 'the rule was deleted');
  await client.query('DELETE FROM alert_rules WHERE id = $1', [ruleId]);
}

/** Drops the rule's alert_rule_state, resolving the open metric incident it pointed to. */
async function clearRuleState(client: PoolClient, ruleId: number, reason: string): Promise<void> {
  await client.query(
    `WITH cleared AS (DELETE FROM alert_rule_state WHERE rule_id = $1 RETURNING open_incident_id)
     UPDATE alert_incidents SET status = 'resolved', resolved_at = now(), details = details || jsonb_build_object('resolvedBecause', $2::text)
     WHERE id IN (SELECT open_incident_id FROM cleared) AND kind = 'metric' AND resolved_at IS NULL`,
    [ruleId, reason],
  );
}

export class AlertRuleStore {
  constructor(private readonly pool: Pool) {}

  async create(projectId: number, definition: AlertRuleDefinition, actor: string): Promise<StoredAlertRule> {
    const complete = restoreSecrets(definition, undefined);
    return withTransaction(this.pool, async (client) => {
      await lockProjectRules(client, [projectId]);
      if (((await ruleCounts(client, [projectId])).get(projectId) ?? 0) >= MAX_RULES_PER_PROJECT) throw new TooManyAlertRules(projectId);
      return insertRule(client, projectId, complete, actor, null);
    });
  }

  /** The project's rules, oldest first. */
  async list(projectId: number, { kind }: { kind?: AlertRuleKind } = {}): Promise<StoredAlertRule[]> {
    const { rows } = await this.pool.query<AlertRuleRow>(
      `SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules WHERE project_id = $1 AND ($2::text IS NULL OR kind = $2) ORDER BY id`,
      [projectId, kind ?? null],
    );
    return rows.map((row) => ruleOfRow(row));
  }

  async get(projectId: number, ruleId: number): Promise<StoredAlertRule | undefined> {
    const { rows } = await this.pool.query<AlertRuleRow>(`SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules WHERE project_id = $1 AND id = $2`, [projectId, ruleId]);
    return rows.length > 0 ? ruleOfRow(rows[0]) : undefined;
  }

  /** `actor` is kept for symmetry with create: the row records its creator, and changes are versioned. */
  async replace(projectId: number, ruleId: number, definition: AlertRuleDefinition, _actor: string): Promise<StoredAlertRule> {
    return withTransaction(this.pool, async (client) => {
      const current = await this.changeable(client, projectId, ruleId);
      return updateRule(client, ruleId, restoreSecrets(definition, current.definition));
    });
  }

  async delete(projectId: number, ruleId: number): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await this.changeable(client, projectId, ruleId);
      await deleteRule(client, ruleId);
    });
  }

  /** The rule, locked for the change: AlertRuleNotFound or ProvisionedRuleError when it may not change. */
  private async changeable(client: PoolClient, projectId: number, ruleId: number): Promise<StoredAlertRule> {
    const { rows } = await client.query<AlertRuleRow>(`SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules WHERE project_id = $1 AND id = $2 FOR UPDATE`, [projectId, ruleId]);
    if (rows.length === 0) throw new AlertRuleNotFound(projectId, ruleId);
    const rule = ruleOfRow(rows[0]);
    if (rule.provisionedFrom !== null) throw new ProvisionedRuleError(ruleId, rule.provisionedFrom);
    return rule;
  }
}
