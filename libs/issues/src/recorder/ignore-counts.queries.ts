/**
 * The counts an ignored issue's count and user conditions are checked against
 * (`issue_ignore_events` per minute, `issue_ignore_users` per user), read for one batch and
 * written back with what the batch added. Only what the check needs is read: the minutes and
 * users of the window when there is one, else a sum (events) or a number plus the batch's own
 * users (users), so an issue ignored for months does not load months of rows.
 */
import type { PoolClient } from 'pg';
import type { WorkflowEvent } from '../workflow/event-groups';
import { IgnoreCounts, IssueWorkflowState, MINUTE_MS, minuteOf } from '../workflow/status-rules';

const NO_WINDOW_KEY = 0;

export async function loadIgnoreCounts(client: PoolClient, issueId: number, state: IssueWorkflowState, events: readonly WorkflowEvent[]): Promise<IgnoreCounts> {
  const counts: IgnoreCounts = { minutes: new Map(), users: new Map(), otherUsers: 0 };
  if (events.length === 0) return counts;
  const earliestMs = Math.min(...events.map((event) => event.receivedAtMs));
  if (state.ignoreCount !== null) {
    if (state.ignoreWindowMin === null) {
      const { rows } = await client.query<{ events: string | null }>('SELECT sum(events)::text AS events FROM issue_ignore_events WHERE issue_id = $1', [issueId]);
      counts.minutes.set(NO_WINDOW_KEY, Number(rows[0].events ?? 0));
    } else {
      const fromMs = minuteOf(earliestMs) - (state.ignoreWindowMin - 1) * MINUTE_MS;
      const { rows } = await client.query<{ minute_ms: number; events: string }>(
        `SELECT (extract(epoch FROM minute) * 1000)::float8 AS minute_ms, events::text FROM issue_ignore_events
         WHERE issue_id = $1 AND minute >= to_timestamp($2::float8 / 1000)`,
        [issueId, fromMs],
      );
      for (const row of rows) counts.minutes.set(row.minute_ms, Number(row.events));
    }
  }
  if (state.ignoreUserCount !== null) {
    if (state.ignoreUserWindowMin === null) {
      const batchUsers = [...new Set(events.map((event) => event.userId).filter((userId) => userId !== ''))];
      const { rows } = await client.query<{ user_id: string; last_seen_ms: number }>(
        `SELECT user_id, (extract(epoch FROM last_seen) * 1000)::float8 AS last_seen_ms FROM issue_ignore_users WHERE issue_id = $1 AND user_id = ANY($2::text[])`,
        [issueId, batchUsers],
      );
      for (const row of rows) counts.users.set(row.user_id, row.last_seen_ms);
      const total = await client.query<{ users: string }>('SELECT count(*)::text AS users FROM issue_ignore_users WHERE issue_id = $1', [issueId]);
      counts.otherUsers = Number(total.rows[0].users) - counts.users.size;
    } else {
      const fromMs = earliestMs - state.ignoreUserWindowMin * MINUTE_MS;
      const { rows } = await client.query<{ user_id: string; last_seen_ms: number }>(
        `SELECT user_id, (extract(epoch FROM last_seen) * 1000)::float8 AS last_seen_ms FROM issue_ignore_users
         WHERE issue_id = $1 AND last_seen > to_timestamp($2::float8 / 1000)`,
        [issueId, fromMs],
      );
      for (const row of rows) counts.users.set(row.user_id, row.last_seen_ms);
    }
  }
  return counts;
}

/** Adds the batch's events per minute and moves its users' last_seen forward. */
export async function storeIgnoreCounts(client: PoolClient, issueId: number, addedMinutes: ReadonlyMap<number, number>, seenUsers: ReadonlyMap<string, number>): Promise<void> {
  if (addedMinutes.size > 0) {
    await client.query(
      `INSERT INTO issue_ignore_events (issue_id, minute, events)
       SELECT $1, to_timestamp(minute_ms / 1000), events FROM unnest($2::float8[], $3::bigint[]) AS m(minute_ms, events)
       ON CONFLICT (issue_id, minute) DO UPDATE SET events = issue_ignore_events.events + excluded.events`,
      [issueId, [...addedMinutes.keys()], [...addedMinutes.values()]],
    );
  }
  if (seenUsers.size > 0) {
    await client.query(
      `INSERT INTO issue_ignore_users (issue_id, user_id, last_seen)
       SELECT $1, user_id, to_timestamp(last_seen_ms / 1000) FROM unnest($2::text[], $3::float8[]) AS u(user_id, last_seen_ms)
       ON CONFLICT (issue_id, user_id) DO UPDATE SET last_seen = greatest(issue_ignore_users.last_seen, excluded.last_seen)`,
      [issueId, [...seenUsers.keys()], [...seenUsers.values()]],
    );
  }
}
