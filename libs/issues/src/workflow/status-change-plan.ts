/**
 * What a status change writes, worked out before any I/O: the substatus, the `statusDetails` the
 * API shows (Sentry's names), and the resolution and ignore columns. IssueWorkflow.changeStatus
 * applies a plan to every issue of the change in one UPDATE; the plan is pure, so each rule is
 * unit-tested without a database.
 */
import type { IgnoreCondition, IssueSubstatus, StatusChange, StatusDetails } from '../issue';
import type { ReleaseInfo } from './release-order';
import { latestRelease, semverOf } from './release-order';

/** The longest window of an ignore condition (Sentry's: 7 days), in minutes. */
export const MAX_IGNORE_WINDOW_MINUTES = 7 * 24 * 60;

/** A change that cannot be made as asked (the API answers 400 with the message). */
export class InvalidStatusChange extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStatusChange';
  }
}

/** The columns a status change sets besides status, times and activity. */
export interface StatusChangePlan {
  status: StatusChange['status'];
  substatus: IssueSubstatus | null;
  statusDetails: StatusDetails;
  resolutionKind: 'resolved' | 'in_release' | 'in_next_release' | null;
  /** The release the resolution covers up to and including (in_release, in_next_release). */
  resolutionRelease: string | null;
  ignoreUntilMs: number | null;
  ignoreCount: number | null;
  ignoreWindowMinutes: number | null;
  ignoreUserCount: number | null;
  ignoreUserWindowMinutes: number | null;
}

const NO_IGNORE = { ignoreUntilMs: null, ignoreCount: null, ignoreWindowMinutes: null, ignoreUserCount: null, ignoreUserWindowMinutes: null } as const;

/**
 * The plan of `change`, given the project's releases (for "in next release": the latest becomes
 * the resolution release; for "in release X": X must be semver or a release the project has seen)
 * and the time now (an ignore-until must be in the future). Throws InvalidStatusChange.
 */
export function planStatusChange(change: StatusChange, releases: readonly ReleaseInfo[], nowMs: number): StatusChangePlan {
  switch (change.status) {
    case 'unresolved':
      return { status: 'unresolved', substatus: 'ongoing', statusDetails: {}, resolutionKind: null, resolutionRelease: null, ...NO_IGNORE };
    case 'resolved':
      return { status: 'resolved', substatus: null, ...resolutionOf(change.resolution, releases), ...NO_IGNORE };
    case 'ignored':
      return ignorePlan(change.ignore, nowMs);
  }
}

function resolutionOf(
  resolution: Extract<StatusChange, { status: 'resolved' }>['resolution'],
  releases: readonly ReleaseInfo[],
): Pick<StatusChangePlan, 'statusDetails' | 'resolutionKind' | 'resolutionRelease'> {
  switch (resolution.kind) {
    case 'resolved':
      return { statusDetails: {}, resolutionKind: 'resolved', resolutionRelease: null };
    case 'in_next_release': {
      const latest = latestRelease(releases);
      if (!latest) {
        throw new InvalidStatusChange(
          'cannot resolve in the next release: the project has no release yet (send events with a `release`, or resolve without one)',
        );
      }
      return { statusDetails: { inNextRelease: true }, resolutionKind: 'in_next_release', resolutionRelease: latest.version };
    }
    case 'in_release': {
      const release = resolution.release;
      if (release.trim() === '' || release.length > 200) throw new InvalidStatusChange('inRelease must be a release name of 1 to 200 characters');
      if (!semverOf(release) && !releases.some((known) => known.version === release)) {
        throw new InvalidStatusChange(`inRelease "${release}" is neither semver nor a release this project has seen`);
      }
      return { statusDetails: { inRelease: release }, resolutionKind: 'in_release', resolutionRelease: release };
    }
  }
}

function ignorePlan(ignore: IgnoreCondition, nowMs: number): StatusChangePlan {
  checkCount('ignoreCount', ignore.count);
  checkCount('ignoreUserCount', ignore.userCount);
  checkWindow('ignoreWindow', ignore.windowMinutes, ignore.count, 'ignoreCount');
  checkWindow('ignoreUserWindow', ignore.userWindowMinutes, ignore.userCount, 'ignoreUserCount');
  if (ignore.untilMs !== undefined && !(Number.isFinite(ignore.untilMs) && ignore.untilMs > nowMs)) {
    throw new InvalidStatusChange('ignoreUntil must be in the future');
  }
  const statusDetails: StatusDetails = {};
  if (ignore.untilMs !== undefined) statusDetails.ignoreUntil = new Date(ignore.untilMs).toISOString();
  if (ignore.count !== undefined) statusDetails.ignoreCount = ignore.count;
  if (ignore.windowMinutes !== undefined) statusDetails.ignoreWindow = ignore.windowMinutes;
  if (ignore.userCount !== undefined) statusDetails.ignoreUserCount = ignore.userCount;
  if (ignore.userWindowMinutes !== undefined) statusDetails.ignoreUserWindow = ignore.userWindowMinutes;
  const conditional = Object.keys(statusDetails).length > 0;
  return {
    status: 'ignored',
    substatus: conditional ? 'archived_until_condition_met' : 'archived_forever',
    statusDetails,
    resolutionKind: null,
    resolutionRelease: null,
    ignoreUntilMs: ignore.untilMs ?? null,
    ignoreCount: ignore.count ?? null,
    ignoreWindowMinutes: ignore.windowMinutes ?? null,
    ignoreUserCount: ignore.userCount ?? null,
    ignoreUserWindowMinutes: ignore.userWindowMinutes ?? null,
  };
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) throw new InvalidStatusChange(`${name} must be a positive integer`);
}

function checkWindow(name: string, minutes: number | undefined, count: number | undefined, countName: string): void {
  if (minutes === undefined) return;
  if (count === undefined) throw new InvalidStatusChange(`${name} needs ${countName}: it is the window that count is counted in`);
  if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_IGNORE_WINDOW_MINUTES)) {
    throw new InvalidStatusChange(`${name} must be 1 to ${MAX_IGNORE_WINDOW_MINUTES} minutes (7 days)`);
  }
}
