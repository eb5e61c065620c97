/**
 * The order of a project's releases, as regressions and "resolved in next release" need it.
 * Semver releases compare by semver (so `1.10.0` is newer than `1.9.0` whatever order they were
 * first seen in); anything else (git shas, dates, build numbers) has no order of its own and
 * compares by when Pulse first saw it, as Sentry does for non-semver releases.
 */
import { SemVer, compare, parse } from 'semver';

export interface ReleaseInfo {
  version: string;
  firstSeenMs: number;
}

/**
 * Semver of a release name: `1.2.3`, `v1.2.3`, `my-app@1.2.3+build` (Sentry's `package@version`);
 * null when not semver. Strict: `1.2` or `build-17` are not coerced into a version.
 */
export function semverOf(version: string): SemVer | null {
  const at = version.lastIndexOf('@');
  // A leading `@` belongs to a scoped package name (`@scope/app`), never to the version.
  const candidate = at > 0 ? version.slice(at + 1) : version;
  return parse(candidate, { loose: false });
}

/** <0, 0, >0: semver order when both are semver, else by first-seen time (then by name for ties). */
export function compareReleases(a: ReleaseInfo, b: ReleaseInfo): number {
  const semverA = semverOf(a.version);
  const semverB = semverOf(b.version);
  if (semverA && semverB) {
    const bySemver = compare(semverA, semverB);
    // Equal versions under different names (`1.2.3` and `app@1.2.3`) still need a stable order.
    if (bySemver !== 0) return bySemver;
  }
  if (a.firstSeenMs !== b.firstSeenMs) return a.firstSeenMs < b.firstSeenMs ? -1 : 1;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

/** The newest of `releases` by `compareReleases`; undefined for none. */
export function latestRelease(releases: readonly ReleaseInfo[]): ReleaseInfo | undefined {
  let latest: ReleaseInfo | undefined;
  for (const release of releases) {
    if (latest === undefined || compareReleases(release, latest) > 0) latest = release;
  }
  return latest;
}
