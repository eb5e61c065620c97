/**
 * The PostgreSQL statements of the issue alert evaluator, one function each: where a consumer
 * stands on a partition, the issue of each record (by its hashes, as the recorder links them), the
 * issues' rows, the regressions and escalations the recorder wrote for the batch's events, and the
 * rule × issue bookkeeping of `alert_issue_fires`. Every value is a bound parameter; times travel
 * as ms since the epoch.
 */
import { Issue, issueFromRow, ISSUE_COLUMNS, IssueRowShape } from '@pulse/issues';
import type { ErrorRecord } from '@pulse/model';
import type { Pool, PoolClient } from 'pg';

type Db = Pool | PoolClient;

const MS = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/** `applied_offsets.last_offset` of the consumer on the partition; undefined before its first batch there. */
export async function appliedOffset(db: Db, consumer: string, topic: string, partition: number): Promise<bigint | undefined> {
  const { rows } = await db.query<{ last_offset: string }>('SELECT last_offset::text FROM applied_offsets WHERE consumer = $1 AND topic = $2 AND partition = $3', [
    consumer,
    topic,
    partition,
  ]);
  return rows.length === 0 ? undefined : BigInt(rows[0].last_offset);
}

/**
 * The issue of each record, by index: its fingerprint's, else its secondary fingerprint's (the
 * hash under the previous grouping config). A record with neither linked has no issue.
 */
export async function issuesOfRecords(db: Db, records: readonly ErrorRecord[]): Promise<Map<number, number>> {
  const wanted = new Map<string, { projectId: number; hash: string }>();
  for (const record of records) {
    for (const hash of [record.fingerprint, record.secondaryFingerprint]) {
      if (hash !== '') wanted.set(hashKey(record.projectId, hash), { projectId: record.projectId, hash });
    }
  }
  const issueOfHash = new Map<string, number>();
  if (wanted.size > 0) {
    const pairs = [...wanted.values()];
    const { rows } = await db.query<{ project_id: string; hash: string; issue_id: string }>(
      `SELECT h.project_id, h.hash, h.issue_id FROM issue_hashes h
       JOIN unnest($1::bigint[], $2::text[]) AS wanted(project_id, hash) ON h.project_id = wanted.project_id AND h.hash = wanted.hash`,
      [pairs.map((pair) => pair.projectId), pairs.map((pair) => pair.hash)],
    );
    for (const row of rows) issueOfHash.set(hashKey(Number(row.project_id), row.hash), Number(row.issue_id));
  }
  const issues = new Map<number, number>();
  records.forEach((record, index) => {
    const id = issueOfHash.get(hashKey(record.projectId, record.fingerprint)) ?? (record.secondaryFingerprint === '' ? undefined : issueOfHash.get(hashKey(record.projectId, record.secondaryFingerprint)));
    if (id !== undefined) issues.set(index, id);
  });
  return issues;
}

const hashKey = (projectId: number, hash: string): string => `${projectId}\u0000${hash}`;

/** What an issue alert reads of an issue: the issue as stored (its notification fields, its hashes, the event that opened it). */
export type AlertedIssue = Issue;

export async function loadIssues(db: Db, ids: readonly number[]): Promise<Map<number, AlertedIssue>> {
  const issues = new Map<number, AlertedIssue>();
  if (ids.length === 0) return issues;
  const { rows } = await db.query<IssueRowShape>(`SELECT ${ISSUE_COLUMNS} FROM issues i WHERE i.id = ANY($1::bigint[])`, [[...ids]]);
  for (const row of rows) issues.set(Number(row.id), issueFromRow(row));
  return issues;
}

/** A regression or escalation the recorder wrote for one of the batch's events. */
export interface StatusEvent {
  kind: 'set_regression' | 'set_escalating';
  /** The recorder's escalation reason (until, count, users); '' for regressions. */
  reason: string;
}

/** Keyed statusEventKey(issue, event): the set_regression / set_escalating activity whose details.eventId is the event. */
export async function statusEvents(db: Db, issueIds: readonly number[], eventIds: readonly string[]): Promise<Map<string, StatusEvent[]>> {
  const found = new Map<string, StatusEvent[]>();
  if (issueIds.length === 0 || eventIds.length === 0) return found;
  const { rows } = await db.query<{ issue_id: string; kind: StatusEvent['kind']; event_id: string; reason: string | null }>(
    `SELECT issue_id, kind, details->>'eventId' AS event_id, details->>'reason' AS reason FROM issue_activity
     WHERE issue_id = ANY($1::bigint[]) AND kind IN ('set_regression', 'set_escalating') AND details->>'eventId' = ANY($2::text[])`,
    [[...issueIds], [...new Set(eventIds)]],
  );
  for (const row of rows) {
    const key = statusEventKey(Number(row.issue_id), row.event_id);
    found.set(key, [...(found.get(key) ?? []), { kind: row.kind, reason: row.reason ?? '' }]);
  }
  return found;
}

export const statusEventKey = (issueId: number, eventId: string): string => `${issueId}\u0000${eventId}`;
export const fireKey = (ruleId: number, issueId: number): string => `${ruleId}:${issueId}`;

/** `alert_issue_fires.last_fired_at` of the (rule, issue) pairs that have one, keyed fireKey. */
export async function lastFires(db: Db, pairs: readonly { ruleId: number; issueId: number }[]): Promise<Map<string, number>> {
  const fired = new Map<string, number>();
  if (pairs.length === 0) return fired;
  const { rows } = await db.query<{ rule_id: string; issue_id: string; last_fired_ms: number }>(
    `SELECT f.rule_id, f.issue_id, ${MS('f.last_fired_at')} AS last_fired_ms FROM alert_issue_fires f
     JOIN unnest($1::bigint[], $2::bigint[]) AS wanted(rule_id, issue_id) ON f.rule_id = wanted.rule_id AND f.issue_id = wanted.issue_id`,
    [pairs.map((pair) => pair.ruleId), pairs.map((pair) => pair.issueId)],
  );
  for (const row of rows) fired.set(fireKey(Number(row.rule_id), Number(row.issue_id)), row.last_fired_ms);
  return fired;
}

export async function storeFire(client: PoolClient, ruleId: number, issueId: number, atMs: number): Promise<void> {
  await client.query(
    `INSERT INTO alert_issue_fires (rule_id, issue_id, last_fired_at) VALUES ($1, $2, to_timestamp($3::float8 / 1000))
     ON CONFLICT (rule_id, issue_id) DO UPDATE SET last_fired_at = excluded.last_fired_at`,
    [ruleId, issueId, atMs],
  );
}

/**
 * True when the rule already alerted on these facts: an issue incident of the rule and issue with
 * the trigger and (unless null: new_issue, once per issue) the event. A client re-send of the
 * event, which the alerts app sees although the recorder never counted it, alerts nothing again.
 */
export async function alreadyAlerted(client: PoolClient, ruleId: number, issueId: number, trigger: string, eventId: string | null): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM alert_incidents WHERE rule_id = $1 AND issue_id = $2 AND kind = 'issue' AND details->>'trigger' = $3
       AND ($4::text IS NULL OR details->>'eventId' = $4) LIMIT 1`,
    [ruleId, issueId, trigger, eventId],
  );
  return rows.length > 0;
}
