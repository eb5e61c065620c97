import type { Pool, PoolClient } from 'pg';
import type { AlertRuleKind } from '../rules/alert-rule';

/**
 * The last verdict of a release (canary) rule as the release evaluator left it in
 * `alert_rule_state.last_result`: the verdict, score and the tests behind it. Read by
 * GET …/alert-rules/:ruleId/verdict; `verdict` is null until the rule was first evaluated.
 */

export interface ReleaseVerdictView {
  ruleId: number;
  ruleName: string;
  /** The rule's state: pending | pass | marginal | fail; null while the rule has no state yet. */
  status: string | null;
  evaluatedAt: string | null;
  /** The last evaluation's evidence (verdict, score, tests), as the evaluator wrote it; null before the first. */
  verdict: Record<string, unknown> | null;
}

/** Found: the verdict view; `not_found`: the project has no such rule; `not_release`: the rule is of another kind. */
export type ReleaseVerdictLookup = { found: 'release'; view: ReleaseVerdictView } | { found: 'not_found' } | { found: 'not_release'; kind: AlertRuleKind };

interface VerdictRow {
  id: string;
  name: string;
  kind: AlertRuleKind;
  status: string | null;
  last_result: Record<string, unknown> | null;
  last_evaluated_at: Date | null;
}

export async function releaseVerdict(db: Pool | PoolClient, projectId: number, ruleId: number): Promise<ReleaseVerdictLookup> {
  if (!Number.isSafeInteger(ruleId) || ruleId < 1) return { found: 'not_found' };
  const result = await db.query<VerdictRow>(
    `SELECT r.id, r.name, r.kind, s.status, s.last_result, s.last_evaluated_at
     FROM alert_rules r LEFT JOIN alert_rule_state s ON s.rule_id = r.id
     WHERE r.project_id = $1 AND r.id = $2`,
    [projectId, ruleId],
  );
  const row = result.rows[0];
  if (row === undefined) return { found: 'not_found' };
  if (row.kind !== 'release') return { found: 'not_release', kind: row.kind };
  return {
    found: 'release',
    view: {
      ruleId: Number(row.id),
      ruleName: row.name,
      status: row.status,
      evaluatedAt: row.last_evaluated_at?.toISOString() ?? null,
      verdict: row.last_result,
    },
  };
}
