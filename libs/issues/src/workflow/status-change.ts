/**
 * Status changes asked for through the API (resolve, ignore, unresolve), one issue or many at once.
 * All of a change happens in one transaction or not at all: the issues are locked in id order
 * (two concurrent changes over overlapping issues queue instead of deadlocking), an id that is not
 * in the project fails the whole change, and each issue gets its history entry with what it was
 * before. The issue processor takes the same row locks when it regresses or escalates an issue,
 * so a change never interleaves with one.
 *
 * A change to the status an issue already has is made and recorded all the same: the user asked
 * for it, it may change the details (another ignore condition, another release), and it restarts
 * an ignore condition's count.
 */
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@pulse/state';
import type { Issue, IssueStatus, IssueSubstatus, StatusChange } from '../issue';
import { ISSUE_COLUMNS, issueFromRow, IssueRowShape } from '../store/issue-row';
import { releasesOf } from '../store/issue.store';
import { planStatusChange, StatusChangePlan } from './status-change-plan';

/** The most issues one change may name (the bulk API's limit). */
export const MAX_ISSUES_PER_CHANGE = 100;

/** Some of the issues of a change are not in the project; nothing was changed. */
export class IssueNotFound extends Error {
  constructor(
    readonly projectId: number,
    readonly issueIds: readonly number[],
  ) {
    super(`project ${projectId} has no issue ${issueIds.join(', ')}`);
    this.name = 'IssueNotFound';
  }
}

export class IssueWorkflow {
  constructor(
    private readonly pool: Pool,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Changes the status of `issueIds` (all of the project) as `actor`; the issues as they are now. */
  async changeStatus(projectId: number, issueIds: readonly number[], change: StatusChange, actor: string): Promise<Issue[]> {
    const ids = [...new Set(issueIds)].sort((a, b) => a - b);
    if (ids.length === 0) throw new RangeError('a status change names at least one issue');
    if (ids.length > MAX_ISSUES_PER_CHANGE) throw new RangeError(`a status change names at most ${MAX_ISSUES_PER_CHANGE} issues, not ${ids.length}`);
    return withTransaction(this.pool, async (client) => {
      const before = await lockIssues(client, projectId, ids);
      const missing = ids.filter((id) => !before.has(id));
      if (missing.length > 0) throw new IssueNotFound(projectId, missing);
      const plan = planStatusChange(change, change.status === 'resolved' ? await releasesOf(client, projectId) : [], this.clock());
      await applyPlan(client, projectId, ids, plan);
      await client.query('DELETE FROM issue_ignore_events WHERE issue_id = ANY($1::bigint[])', [ids]);
      await client.query('DELETE FROM issue_ignore_users WHERE issue_id = ANY($1::bigint[])', [ids]);
      await recordActivity(client, projectId, ids, before, plan, actor);
      const { rows } = await client.query<IssueRowShape>(`SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.id = ANY($1::bigint[]) ORDER BY i.id`, [ids]);
      return rows.map(issueFromRow);
    });
  }
}

interface StatusBefore {
  status: IssueStatus;
  substatus: IssueSubstatus | null;
}

async function lockIssues(client: PoolClient, projectId: number, ids: readonly number[]): Promise<Map<number, StatusBefore>> {
  const { rows } = await client.query<{ id: string; status: IssueStatus; substatus: IssueSubstatus | null }>(
    'SELECT id, status, substatus FROM issues WHERE project_id = $1 AND id = ANY($2::bigint[]) ORDER BY id FOR UPDATE',
    [projectId, ids],
  );
  return new Map(rows.map((row) => [Number(row.id), { status: row.status, substatus: row.substatus }]));
}

async function applyPlan(client: PoolClient, projectId: number, ids: readonly number[], plan: StatusChangePlan): Promise<void> {
  await client.query(
    `UPDATE issues SET
       status = $3, substatus = $4, substatus_changed_at = now(), status_changed_at = now(), status_details = $5::jsonb,
       resolved_at = CASE WHEN $3 = 'resolved' THEN now() END, resolution_kind = $6, resolution_release = $7,
       ignore_until = to_timestamp($8::double precision / 1000), ignore_count = $9, ignore_window_min = $10,
       ignore_user_count = $11, ignore_user_window_min = $12
     WHERE project_id = $1 AND id = ANY($2::bigint[])`,
    [
      projectId,
      ids,
      plan.status,
      plan.substatus,
      JSON.stringify(plan.statusDetails),
      plan.resolutionKind,
      plan.resolutionRelease,
      plan.ignoreUntilMs,
      plan.ignoreCount,
      plan.ignoreWindowMinutes,
      plan.ignoreUserCount,
      plan.ignoreUserWindowMinutes,
    ],
  );
}

async function recordActivity(
  client: PoolClient,
  projectId: number,
  ids: readonly number[],
  before: ReadonlyMap<number, StatusBefore>,
  plan: StatusChangePlan,
  actor: string,
): Promise<void> {
  await client.query(
    `INSERT INTO issue_activity (issue_id, project_id, kind, actor, from_status, from_substatus, to_status, to_substatus, details)
     SELECT u.issue_id, $2, 'set_status', $3, u.from_status, u.from_substatus, $6, $7, $8::jsonb
     FROM unnest($1::bigint[], $4::text[], $5::text[]) WITH ORDINALITY AS u(issue_id, from_status, from_substatus, n)
     ORDER BY u.n`,
    [
      ids,
      projectId,
      actor,
      ids.map((id) => before.get(id)?.status ?? null),
      ids.map((id) => before.get(id)?.substatus ?? null),
      plan.status,
      plan.substatus,
      JSON.stringify(plan.statusDetails),
    ],
  );
}
