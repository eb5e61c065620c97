/**
 * The issue processor's write side: a batch of fresh error records (stored in ClickHouse, client
 * re-sends already dropped) applied to PostgreSQL in ONE transaction, exactly once per Kafka offset
 * range. In order:
 * 1. `applied_offsets`: the partition's row is locked; a batch at or before its last offset was
 *    applied already (a replay after a crash between this commit and Kafka's) and is skipped.
 * 2. Releases are upserted (first seen only moves back), for the release order.
 * 3. Records are grouped per (project, fingerprint). Their hashes are locked (advisory, sorted) and
 *    looked up in `issue_hashes` by fingerprint, then by secondary fingerprint (the hash under the
 *    previous grouping config), and the missing one is linked: a grouping change never splits an
 *    issue. Existing issues are locked FOR UPDATE by id; unknown groups become new issues.
 * 4. Each issue gets its counts, times, releases and newest title, and the status rules
 *    (workflow/status-rules.ts) read its events in received order: a regression or an escalation
 *    reopens it, an ignored issue counts them.
 * Locks are always taken in the same order (partition row, releases sorted, hashes sorted, issues by
 * id, counters by project), so batches of two partitions touching the same issue wait, never deadlock.
 */
import { previousGroupingConfigOf } from '@pulse/model';
import type { ErrorRecord } from '@pulse/model';
import { withTransaction } from '@pulse/state';
import type { Pool, PoolClient } from 'pg';
import { EventGroup, groupEvents, mergeEventGroups, releasesOf } from '../workflow/event-groups';
import type { ReleaseInfo } from '../workflow/release-order';
import { countsIgnoredEvents, statusOutcome } from '../workflow/status-rules';
import { loadIgnoreCounts, storeIgnoreCounts } from './ignore-counts.queries';
import {
  addActivity,
  AppliedPosition,
  claimOffset,
  createIssue,
  hashKey,
  issuesByHash,
  linkHash,
  LockedIssue,
  lockHashes,
  lockIssues,
  releaseInfos,
  reopenIssue,
  storeOffset,
  updateIssueFromEvents,
  upsertReleases,
} from './recorder.queries';

export type { AppliedPosition } from './recorder.queries';

/** What one batch did: `applied` false when its offsets were applied before (nothing changed). */
export interface RecordOutcome {
  applied: boolean;
  created: number;
  updated: number;
  regressed: number;
  escalated: number;
}

/** The `applied_offsets.consumer` of the issue processor. */
export const ISSUES_CONSUMER = 'issues';

export class IssueRecorder {
  constructor(private readonly pool: Pool) {}

  async record(records: readonly ErrorRecord[], position: AppliedPosition): Promise<RecordOutcome> {
    if (!/^-?\d+$/.test(position.lastOffset)) throw new Error(`lastOffset must be a decimal Kafka offset, got ${JSON.stringify(position.lastOffset)}`);
    return withTransaction(this.pool, async (client) => {
      if (!(await claimOffset(client, position))) return { applied: false, created: 0, updated: 0, regressed: 0, escalated: 0 };
      const outcome = await applyRecords(client, records);
      await storeOffset(client, position);
      return { applied: true, ...outcome };
    });
  }
}

async function applyRecords(client: PoolClient, records: readonly ErrorRecord[]): Promise<Omit<RecordOutcome, 'applied'>> {
  const outcome = { created: 0, updated: 0, regressed: 0, escalated: 0 };
  if (records.length === 0) return outcome;
  await upsertReleases(client, releasesOf(records));
  const groups = groupEvents(records);
  const hashes = groups.flatMap((group) => hashesOf(group).map((hash) => ({ projectId: group.projectId, hash })));
  await lockHashes(client, hashes);
  const known = await issuesByHash(client, hashes);
  const existingIds = new Set<number>();
  for (const group of groups) {
    const id = knownIssueOf(group, known);
    if (id !== undefined) existingIds.add(id);
  }
  const locked = await lockIssues(client, [...existingIds]);
  for (const id of existingIds) {
    // The API deleted it after its hashes were read: the retry finds the hashes gone and starts a new issue.
    if (!locked.has(id)) throw new Error(`issue ${id} disappeared while its events were being recorded`);
  }
  const created = new Set<number>();
  const groupsByIssue = new Map<number, EventGroup[]>();
  for (const group of groups) {
    let id = knownIssueOf(group, known);
    if (id === undefined) {
      id = await createIssue(client, group);
      created.add(id);
    }
    for (const hash of hashesOf(group)) {
      const key = hashKey(group.projectId, hash);
      if (known.has(key)) continue;
      await linkHash(client, group.projectId, hash, id, hash === group.fingerprint ? group.groupingConfig : previousGroupingConfigOf(group.groupingConfig));
      known.set(key, id);
    }
    groupsByIssue.set(id, [...(groupsByIssue.get(id) ?? []), group]);
  }
  for (const id of [...groupsByIssue.keys()].sort((a, b) => a - b)) {
    const group = mergeEventGroups(groupsByIssue.get(id) ?? []);
    await updateIssueFromEvents(client, id, group);
    const state = locked.get(id);
    if (created.has(id) || state === undefined) {
      outcome.created++;
      continue;
    }
    outcome.updated++;
    const change = await applyStatusRules(client, state, group);
    if (change === 'regressed') outcome.regressed++;
    if (change === 'escalated') outcome.escalated++;
  }
  return outcome;
}

async function applyStatusRules(client: PoolClient, state: LockedIssue, group: EventGroup): Promise<'regressed' | 'escalated' | 'none'> {
  if (state.status === 'unresolved') return 'none';
  const releaseOf = await releaseLookup(client, state, group);
  const counts = countsIgnoredEvents(state) ? await loadIgnoreCounts(client, state.id, state, group.events) : { minutes: new Map(), users: new Map(), otherUsers: 0 };
  const outcome = statusOutcome(state, group.events, releaseOf, counts);
  switch (outcome.kind) {
    case 'regressed':
      await reopenIssue(client, state.id, 'regressed');
      await addActivity(client, state.id, state.projectId, 'set_regression', { from: state, to: { status: 'unresolved', substatus: 'regressed' } }, { eventId: outcome.event.eventId, release: outcome.event.release });
      return 'regressed';
    case 'escalated':
      await reopenIssue(client, state.id, 'escalating');
      await addActivity(client, state.id, state.projectId, 'set_escalating', { from: state, to: { status: 'unresolved', substatus: 'escalating' } }, { eventId: outcome.event.eventId, reason: outcome.reason });
      return 'escalated';
    case 'counted':
      await storeIgnoreCounts(client, state.id, outcome.addedMinutes, outcome.seenUsers);
      return 'none';
    case 'unchanged':
      return 'none';
  }
}

/**
 * First-seen times of the releases a resolution compares: the one it covers and the events'. A
 * release not in `releases` (named by "resolved in 2.0" before 2.0 was seen) counts as first seen
 * in the future.
 */
async function releaseLookup(client: PoolClient, state: LockedIssue, group: EventGroup): Promise<(version: string) => ReleaseInfo> {
  const needsReleases = state.status === 'resolved' && state.resolutionKind !== 'resolved' && state.resolutionKind !== null;
  const versions = needsReleases ? [...new Set([state.resolutionRelease ?? '', ...group.events.map((event) => event.release)].filter((version) => version !== ''))] : [];
  const known = await releaseInfos(client, state.projectId, versions);
  return (version) => known.get(version) ?? { version, firstSeenMs: Number.POSITIVE_INFINITY };
}

function hashesOf(group: EventGroup): string[] {
  return [group.fingerprint, ...group.secondaryFingerprints];
}

function knownIssueOf(group: EventGroup, known: ReadonlyMap<string, number>): number | undefined {
  for (const hash of hashesOf(group)) {
    const id = known.get(hashKey(group.projectId, hash));
    if (id !== undefined) return id;
  }
  return undefined;
}
