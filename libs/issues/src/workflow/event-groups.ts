/**
 * A batch of error records as the issue processor applies it: one group per (project, fingerprint),
 * aggregated in memory first so that each issue is written once per batch, however many of its
 * events the batch holds. The group keeps what the issue row takes (counts, first and last seen,
 * the newest event's title, culprit, level, platform and release) and the events themselves in
 * the order they were received, which is the order the status rules read them in.
 */
import type { ErrorRecord } from '@pulse/model';

/** What the status rules read of one event. */
export interface WorkflowEvent {
  eventId: string;
  receivedAtMs: number;
  release: string;
  userId: string;
}

export interface EventGroup {
  projectId: number;
  fingerprint: string;
  /** The grouping config `fingerprint` was computed with. */
  groupingConfig: string;
  /** Hashes of the same events under the previous grouping config (non-empty, distinct). */
  secondaryFingerprints: string[];
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** The newest event (by its timestamp; the later received wins a tie). */
  newest: Pick<ErrorRecord, 'title' | 'culprit' | 'level' | 'platform' | 'release'>;
  /** The release of the oldest event that has one, '' when none has. */
  firstRelease: string;
  /** In the order they were received. */
  events: WorkflowEvent[];
}

/** Groups in a stable order (project, then fingerprint): every batch takes its locks in that order. */
export function groupEvents(records: readonly ErrorRecord[]): EventGroup[] {
  const groups = new Map<string, { group: EventGroup; newestRecord: ErrorRecord; firstReleaseAtMs: number }>();
  for (const record of records) {
    const key = `${record.projectId}\u0000${record.fingerprint}`;
    let entry = groups.get(key);
    if (!entry) {
      entry = {
        group: {
          projectId: record.projectId,
          fingerprint: record.fingerprint,
          groupingConfig: record.groupingConfig,
          secondaryFingerprints: [],
          count: 0,
          firstSeenMs: record.timestampMs,
          lastSeenMs: record.timestampMs,
          newest: pickNewest(record),
          firstRelease: '',
          events: [],
        },
        newestRecord: record,
        firstReleaseAtMs: Number.POSITIVE_INFINITY,
      };
      groups.set(key, entry);
    }
    const { group } = entry;
    group.count++;
    group.firstSeenMs = Math.min(group.firstSeenMs, record.timestampMs);
    group.lastSeenMs = Math.max(group.lastSeenMs, record.timestampMs);
    const newest = entry.newestRecord;
    if (record.timestampMs > newest.timestampMs || (record.timestampMs === newest.timestampMs && record.receivedAtMs >= newest.receivedAtMs)) {
      entry.newestRecord = record;
      group.newest = pickNewest(record);
    }
    if (record.release !== '' && record.timestampMs < entry.firstReleaseAtMs) {
      group.firstRelease = record.release;
      entry.firstReleaseAtMs = record.timestampMs;
    }
    const secondary = record.secondaryFingerprint;
    if (secondary !== '' && secondary !== record.fingerprint && !group.secondaryFingerprints.includes(secondary)) group.secondaryFingerprints.push(secondary);
    group.events.push({ eventId: record.eventId, receivedAtMs: record.receivedAtMs, release: record.release, userId: record.userId });
  }
  const result = [...groups.values()].map(({ group }) => ({ ...group, events: inReceivedOrder(group.events) }));
  return result.sort((a, b) => a.projectId - b.projectId || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
}

/** Every release of the batch with the earliest timestamp it was seen at, per project. */
export function releasesOf(records: readonly ErrorRecord[]): { projectId: number; version: string; firstSeenMs: number }[] {
  const releases = new Map<string, { projectId: number; version: string; firstSeenMs: number }>();
  for (const { projectId, release, timestampMs } of records) {
    if (release === '') continue;
    const key = `${projectId}\u0000${release}`;
    const known = releases.get(key);
    if (!known) releases.set(key, { projectId, version: release, firstSeenMs: timestampMs });
    else known.firstSeenMs = Math.min(known.firstSeenMs, timestampMs);
  }
  // Sorted, so that two batches upserting the same releases lock their rows in the same order.
  return [...releases.values()].sort((a, b) => a.projectId - b.projectId || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

function pickNewest(record: ErrorRecord): EventGroup['newest'] {
  return { title: record.title, culprit: record.culprit, level: record.level, platform: record.platform, release: record.release };
}

/** A stable sort: records received in the same millisecond keep their Kafka order. */
function inReceivedOrder(events: WorkflowEvent[]): WorkflowEvent[] {
  return events.map((event, index) => ({ event, index })).sort((a, b) => a.event.receivedAtMs - b.event.receivedAtMs || a.index - b.index).map(({ event }) => event);
}

/**
 * Groups that lead to one issue (a fingerprint and its previous-config hash both in one batch) as
 * one: the issue is written once, and the status rules read all its events in received order.
 */
export function mergeEventGroups(groups: readonly EventGroup[]): EventGroup {
  if (groups.length === 0) throw new Error('mergeEventGroups needs at least one group');
  const [first, ...rest] = groups;
  if (rest.length === 0) return first;
  let newestGroup = first;
  let firstReleaseGroup = first.firstRelease === '' ? undefined : first;
  for (const group of rest) {
    if (group.lastSeenMs > newestGroup.lastSeenMs) newestGroup = group;
    if (group.firstRelease !== '' && (firstReleaseGroup === undefined || group.firstSeenMs < firstReleaseGroup.firstSeenMs)) firstReleaseGroup = group;
  }
  const secondaryFingerprints = [...new Set(groups.flatMap((group) => group.secondaryFingerprints))];
  return {
    ...first,
    secondaryFingerprints,
    count: groups.reduce((total, group) => total + group.count, 0),
    firstSeenMs: Math.min(...groups.map((group) => group.firstSeenMs)),
    lastSeenMs: newestGroup.lastSeenMs,
    newest: newestGroup.newest,
    firstRelease: firstReleaseGroup?.firstRelease ?? '',
    events: inReceivedOrder(groups.flatMap((group) => group.events)),
  };
}
