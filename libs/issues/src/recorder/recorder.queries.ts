/**
 * The statements of the issue recorder, one function each, on the connection of its transaction.
 * Every value is a bound parameter; times travel as ms since the epoch and become timestamptz in
 * SQL (`to_timestamp(ms / 1000)`), and come back as ms (`epoch_ms`), so no Date crosses the wire.
 */
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { IssueStatus, IssueSubstatus } from '../issue';
import type { EventGroup } from '../workflow/event-groups';
import type { ReleaseInfo } from '../workflow/release-order';
import type { IssueWorkflowState, ResolutionKind } from '../workflow/status-rules';

/** A Kafka partition's place, as `applied_offsets` keys it. */
export interface AppliedPosition {
  consumer: string;
  topic: string;
  partition: number;
  /** The last offset of the batch (decimal: Kafka offsets are int64). */
  lastOffset: string;
}

const MS = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;
const TIMESTAMP = (parameter: string) => `to_timestamp(${parameter}::float8 / 1000)`;

/**
 * Locks the partition's row (created at -1 the first time) and tells whether `lastOffset` is past
 * it. A replayed batch, or one applied by a consumer that lost its partition, finds it is not.
 */
export async function claimOffset(client: PoolClient, position: AppliedPosition): Promise<boolean> {
  const key = [position.consumer, position.topic, position.partition];
  await client.query('INSERT INTO applied_offsets (consumer, topic, partition, last_offset) VALUES ($1, $2, $3, -1) ON CONFLICT DO NOTHING', key);
  const { rows } = await client.query<{ last_offset: string }>(
    'SELECT last_offset::text FROM applied_offsets WHERE consumer = $1 AND topic = $2 AND partition = $3 FOR UPDATE',
    key,
  );
  return BigInt(rows[0].last_offset) < BigInt(position.lastOffset);
}

export async function storeOffset(client: PoolClient, position: AppliedPosition): Promise<void> {
  await client.query('UPDATE applied_offsets SET last_offset = $4::bigint WHERE consumer = $1 AND topic = $2 AND partition = $3', [
    position.consumer,
    position.topic,
    position.partition,
    position.lastOffset,
  ]);
}

/** Releases in the given (sorted) order; a release's first_seen only moves back in time. */
export async function upsertReleases(client: PoolClient, releases: readonly { projectId: number; version: string; firstSeenMs: number }[]): Promise<void> {
  if (releases.length === 0) return;
  await client.query(
    `INSERT INTO releases (project_id, version, first_seen)
     SELECT project_id, version, ${TIMESTAMP('first_seen_ms')} FROM unnest($1::bigint[], $2::text[], $3::float8[]) AS r(project_id, version, first_seen_ms)
     ON CONFLICT (project_id, version) DO UPDATE SET first_seen = excluded.first_seen WHERE excluded.first_seen < releases.first_seen`,
    [releases.map((r) => r.projectId), releases.map((r) => r.version), releases.map((r) => r.firstSeenMs)],
  );
}

/** First-seen times of a project's releases by version (the versions asked for that are known). */
export async function releaseInfos(client: PoolClient, projectId: number, versions: readonly string[]): Promise<Map<string, ReleaseInfo>> {
  const known = new Map<string, ReleaseInfo>();
  if (versions.length === 0) return known;
  const { rows } = await client.query<{ version: string; first_seen_ms: number }>(
    `SELECT version, ${MS('first_seen')} AS first_seen_ms FROM releases WHERE project_id = $1 AND version = ANY($2::text[])`,
    [projectId, versions],
  );
  for (const row of rows) known.set(row.version, { version: row.version, firstSeenMs: row.first_seen_ms });
  return known;
}

/**
 * Serializes the batches that touch the same hashes (a project's records normally stay on one
 * partition; after a rebalance two consumers may briefly hold batches of one project). Taken in one
 * sorted pass, so two batches cannot wait on each other; held until the transaction ends.
 */
export async function lockHashes(client: PoolClient, hashes: readonly { projectId: number; hash: string }[]): Promise<void> {
  const keys = [...new Set(hashes.map(({ projectId, hash }) => lockKeyOf(projectId, hash)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return;
  await client.query('SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) WITH ORDINALITY AS t(k, n) ORDER BY n', [keys.map(String)]);
}

function lockKeyOf(projectId: number, hash: string): bigint {
  return createHash('sha256').update(`issue-hash:${projectId}:${hash}`).digest().readBigInt64BE(0);
}

/** The issue each known hash leads to, keyed `project\0hash`. */
export async function issuesByHash(client: PoolClient, hashes: readonly { projectId: number; hash: string }[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (hashes.length === 0) return found;
  const { rows } = await client.query<{ project_id: string; hash: string; issue_id: string }>(
    `SELECT h.project_id, h.hash, h.issue_id FROM issue_hashes h
     JOIN unnest($1::bigint[], $2::text[]) AS wanted(project_id, hash) ON h.project_id = wanted.project_id AND h.hash = wanted.hash`,
    [hashes.map((h) => h.projectId), hashes.map((h) => h.hash)],
  );
  for (const row of rows) found.set(hashKey(Number(row.project_id), row.hash), Number(row.issue_id));
  return found;
}

export const hashKey = (projectId: number, hash: string): string => `${projectId}\u0000${hash}`;

export async function linkHash(client: PoolClient, projectId: number, hash: string, issueId: number, groupingConfig: string): Promise<void> {
  await client.query('INSERT INTO issue_hashes (project_id, hash, issue_id, grouping_config) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [projectId, hash, issueId, groupingConfig]);
}

export interface LockedIssue extends IssueWorkflowState {
  id: number;
  projectId: number;
}

interface IssueStateRow {
  id: string;
  project_id: string;
  status: IssueStatus;
  substatus: IssueSubstatus | null;
  status_changed_at_ms: number;
  resolved_at_ms: number | null;
  resolution_kind: ResolutionKind | null;
  resolution_release: string | null;
  ignore_until_ms: number | null;
  ignore_count: string | null;
  ignore_window_min: number | null;
  ignore_user_count: string | null;
  ignore_user_window_min: number | null;
}

/** Locks the issues in id order (so that batches of two partitions never wait on each other in a cycle). */
export async function lockIssues(client: PoolClient, ids: readonly number[]): Promise<Map<number, LockedIssue>> {
  const locked = new Map<number, LockedIssue>();
  if (ids.length === 0) return locked;
  const { rows } = await client.query<IssueStateRow>(
    `SELECT id, project_id, status, substatus, ${MS('status_changed_at')} AS status_changed_at_ms, ${MS('resolved_at')} AS resolved_at_ms,
            resolution_kind, resolution_release, ${MS('ignore_until')} AS ignore_until_ms, ignore_count, ignore_window_min,
            ignore_user_count, ignore_user_window_min
     FROM issues WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
    [[...ids].sort((a, b) => a - b)],
  );
  for (const row of rows) {
    locked.set(Number(row.id), {
      id: Number(row.id),
      projectId: Number(row.project_id),
      status: row.status,
      substatus: row.substatus,
      statusChangedAtMs: row.status_changed_at_ms,
      resolvedAtMs: row.resolved_at_ms,
      resolutionKind: row.resolution_kind,
      resolutionRelease: row.resolution_release,
      ignoreUntilMs: row.ignore_until_ms,
      ignoreCount: row.ignore_count === null ? null : Number(row.ignore_count),
      ignoreWindowMin: row.ignore_window_min,
      ignoreUserCount: row.ignore_user_count === null ? null : Number(row.ignore_user_count),
      ignoreUserWindowMin: row.ignore_user_window_min,
    });
  }
  return locked;
}

/**
 * A new issue (unresolved, new) with the project's next short number, and its `first_seen` activity.
 * `first_event_id` is the group's earliest received event: the one a new-issue alert fires for.
 */
export async function createIssue(client: PoolClient, group: EventGroup): Promise<number> {
  // Events are in received order: the first one opened the issue.
  const firstEventId = group.events[0]?.eventId ?? '';
  const { rows } = await client.query<{ id: string }>(
    `WITH counter AS (
       INSERT INTO issue_counters (project_id, last_short_number) VALUES ($1, 1)
       ON CONFLICT (project_id) DO UPDATE SET last_short_number = issue_counters.last_short_number + 1
       RETURNING last_short_number)
     INSERT INTO issues (project_id, short_number, title, culprit, level, platform, status, substatus, substatus_changed_at,
                         status_changed_at, first_seen, last_seen, first_release, last_release, times_seen, grouping_config, first_event_id)
     SELECT $1, last_short_number, $2, $3, $4, $5, 'unresolved', 'new', now(), now(), ${TIMESTAMP('$6')}, ${TIMESTAMP('$7')}, $8, $9, 0, $10, $11
     FROM counter RETURNING id`,
    [group.projectId, group.newest.title, group.newest.culprit, group.newest.level, group.newest.platform, group.firstSeenMs, group.lastSeenMs, group.firstRelease, group.newest.release, group.groupingConfig, firstEventId],
  );
  const id = Number(rows[0].id);
  await addActivity(client, id, group.projectId, 'first_seen', { from: null, to: { status: 'unresolved', substatus: 'new' } }, { eventId: firstEventId });
  return id;
}

/** Counts, times, releases and the newest event's fields; the newest only when it is newer than what the issue shows. */
export async function updateIssueFromEvents(client: PoolClient, issueId: number, group: EventGroup): Promise<void> {
  const newer = `${TIMESTAMP('$4')} >= last_seen`;
  await client.query(
    `UPDATE issues SET
       times_seen = times_seen + $2,
       first_seen = least(first_seen, ${TIMESTAMP('$3')}),
       title = CASE WHEN ${newer} THEN $5 ELSE title END,
       culprit = CASE WHEN ${newer} THEN $6 ELSE culprit END,
       level = CASE WHEN ${newer} THEN $7 ELSE level END,
       platform = CASE WHEN ${newer} THEN $8 ELSE platform END,
       last_release = CASE WHEN $9 <> '' AND ${newer} THEN $9 ELSE last_release END,
       first_release = CASE WHEN first_release = '' THEN $10 ELSE first_release END,
       last_seen = greatest(last_seen, ${TIMESTAMP('$4')})
     WHERE id = $1`,
    [issueId, group.count, group.firstSeenMs, group.lastSeenMs, group.newest.title, group.newest.culprit, group.newest.level, group.newest.platform, group.newest.release, group.firstRelease],
  );
}

type StatusPair = { status: IssueStatus; substatus: IssueSubstatus | null };

export async function addActivity(
  client: PoolClient,
  issueId: number,
  projectId: number,
  kind: 'first_seen' | 'set_regression' | 'set_escalating',
  change: { from: StatusPair | null; to: StatusPair },
  details: Record<string, unknown>,
): Promise<void> {
  await client.query(
    `INSERT INTO issue_activity (issue_id, project_id, kind, actor, from_status, from_substatus, to_status, to_substatus, details)
     VALUES ($1, $2, $3, 'system', $4, $5, $6, $7, $8::jsonb)`,
    [issueId, projectId, kind, change.from?.status ?? null, change.from?.substatus ?? null, change.to.status, change.to.substatus, JSON.stringify(details)],
  );
}

/**
 * Back to unresolved with `substatus` (regressed or escalating): the resolution and ignore
 * columns are cleared with the status details, and the ignore counts deleted (they belong to the
 * status being left).
 */
export async function reopenIssue(client: PoolClient, issueId: number, substatus: 'regressed' | 'escalating'): Promise<void> {
  await client.query(
    `UPDATE issues SET status = 'unresolved', substatus = $2, substatus_changed_at = now(), status_changed_at = now(), status_details = '{}'::jsonb,
       resolved_at = NULL, resolution_kind = NULL, resolution_release = NULL,
       ignore_until = NULL, ignore_count = NULL, ignore_window_min = NULL, ignore_user_count = NULL, ignore_user_window_min = NULL
     WHERE id = $1`,
    [issueId, substatus],
  );
  await client.query('DELETE FROM issue_ignore_events WHERE issue_id = $1', [issueId]);
  await client.query('DELETE FROM issue_ignore_users WHERE issue_id = $1', [issueId]);
}
