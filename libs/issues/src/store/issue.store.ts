/**
 * Reads of issues from PostgreSQL: one issue (by id or short number), the candidates of a list,
 * an issue's history and the project's releases. The query API's read side (P7's list and detail)
 * and the status workflow read through it; ClickHouse counts are joined in by the callers.
 * Every read is scoped by project: an id of another project is "not found".
 */
import type { Pool } from 'pg';
import type { Issue, IssueActivity, IssueStatus, IssueSubstatus } from '../issue';
import { SUBSTATUS_FADES_AFTER_MS } from '../issue';
import type { ReleaseInfo } from '../workflow/release-order';
import { ACTIVITY_COLUMNS, activityFromRow, ActivityRowShape, ISSUE_COLUMNS, issueFromRow, IssueRowShape } from './issue-row';

/** The most issues one list reads from PostgreSQL. */
export const MAX_ISSUE_LIST_LIMIT = 10_000;
/** The activity entries of an issue answered when the caller names no limit. */
export const DEFAULT_ACTIVITY_LIMIT = 100;

export interface IssueListQuery {
  status?: IssueStatus;
  /** As it reads now: `new` and `regressed` older than 7 days count as `ongoing`. */
  substatus?: IssueSubstatus;
  /** Case-insensitive substring of the title or the culprit. */
  text?: string;
  /** At most MAX_ISSUE_LIST_LIMIT. */
  limit: number;
}

export class IssueStore {
  constructor(private readonly pool: Pool) {}

  async get(projectId: number, issueId: number): Promise<Issue | undefined> {
    const { rows } = await this.pool.query<IssueRowShape>(`SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.project_id = $1 AND i.id = $2`, [projectId, issueId]);
    return rows.length > 0 ? issueFromRow(rows[0]) : undefined;
  }

  async getByShortNumber(projectId: number, shortNumber: number): Promise<Issue | undefined> {
    const { rows } = await this.pool.query<IssueRowShape>(`SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.project_id = $1 AND i.short_number = $2`, [
      projectId,
      shortNumber,
    ]);
    return rows.length > 0 ? issueFromRow(rows[0]) : undefined;
  }

  /** Candidates for a list: filtered by status, effective substatus and text, most recently seen first. */
  async list(projectId: number, query: IssueListQuery): Promise<Issue[]> {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_ISSUE_LIST_LIMIT) {
      throw new RangeError(`an issue list takes a limit of 1 to ${MAX_ISSUE_LIST_LIMIT}, not ${query.limit}`);
    }
    const params: unknown[] = [projectId];
    const where = ['i.project_id = $1'];
    if (query.status !== undefined) {
      params.push(query.status);
      where.push(`i.status = $${params.length}`);
    }
    if (query.substatus !== undefined) where.push(substatusCondition(query.substatus, params));
    if (query.text !== undefined && query.text !== '') {
      params.push(query.text.toLowerCase());
      where.push(`(strpos(lower(i.title), $${params.length}) > 0 OR strpos(lower(i.culprit), $${params.length}) > 0)`);
    }
    params.push(query.limit);
    const { rows } = await this.pool.query<IssueRowShape>(
      `SELECT ${ISSUE_COLUMNS} FROM issues i WHERE ${where.join(' AND ')} ORDER BY i.last_seen DESC, i.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(issueFromRow);
  }

  /** The issue's history, newest first. */
  async activity(projectId: number, issueId: number, limit = DEFAULT_ACTIVITY_LIMIT): Promise<IssueActivity[]> {
    const { rows } = await this.pool.query<ActivityRowShape>(
      `SELECT ${ACTIVITY_COLUMNS} FROM issue_activity WHERE project_id = $1 AND issue_id = $2 ORDER BY id DESC LIMIT $3`,
      [projectId, issueId, limit],
    );
    return rows.map(activityFromRow);
  }

  /** Every release the project has seen, in no particular order (compareReleases orders them). */
  async releases(projectId: number): Promise<ReleaseInfo[]> {
    return releasesOf(this.pool, projectId);
  }
}

/** The releases of a project, through a pool or a transaction's client. */
export async function releasesOf(db: Pick<Pool, 'query'>, projectId: number): Promise<ReleaseInfo[]> {
  const { rows } = await db.query<{ version: string; first_seen: Date }>('SELECT version, first_seen FROM releases WHERE project_id = $1', [projectId]);
  return rows.map((row) => ({ version: row.version, firstSeenMs: row.first_seen.getTime() }));
}

/**
 * The effective substatus filter (effectiveSubstatus in SQL): `new` and `regressed` hold for
 * SUBSTATUS_FADES_AFTER_MS after they were set, then read as `ongoing`.
 */
function substatusCondition(substatus: IssueSubstatus, params: unknown[]): string {
  params.push(substatus);
  const value = `$${params.length}`;
  if (substatus !== 'ongoing' && substatus !== 'new' && substatus !== 'regressed') return `i.substatus = ${value}`;
  params.push(SUBSTATUS_FADES_AFTER_MS);
  const fadedBefore = `now() - $${params.length}::double precision * interval '1 millisecond'`;
  return substatus === 'ongoing'
    ? `(i.substatus = ${value} OR (i.substatus IN ('new', 'regressed') AND i.substatus_changed_at <= ${fadedBefore}))`
    : `(i.substatus = ${value} AND i.substatus_changed_at > ${fadedBefore})`;
}
