import { compareReleases, latestRelease, semverOf } from './release-order';

describe('semverOf', () => {
  it('reads plain, v-prefixed and package@ versions with prerelease and build', () => {
    expect(semverOf('1.2.3')?.version).toBe('1.2.3');
    expect(semverOf('v1.2.3')?.version).toBe('1.2.3');
    expect(semverOf('my-app@1.2.3+build.7')?.version).toBe('1.2.3');
    expect(semverOf('@scope/app@2.0.0-beta.1')?.version).toBe('2.0.0-beta.1');
  });

  it('does not coerce what is not semver', () => {
    expect(semverOf('1.2')).toBeNull();
    expect(semverOf('build-17')).toBeNull();
    expect(semverOf('a1b2c3d')).toBeNull();
    expect(semverOf('my-app@')).toBeNull();
    expect(semverOf('')).toBeNull();
  });
});

describe('compareReleases', () => {
  const at = (version: string, firstSeenMs: number) => ({ version, firstSeenMs });

  it('orders semver releases by semver, not by first-seen time', () => {
    expect(compareReleases(at('1.10.0', 1), at('1.9.0', 2))).toBeGreaterThan(0);
    expect(compareReleases(at('1.2.3-rc.1', 9), at('1.2.3', 1))).toBeLessThan(0);
    expect(compareReleases(at('1.2.3-alpha', 1), at('1.2.3-beta', 2))).toBeLessThan(0);
    expect(compareReleases(at('app@2.0.0', 1), at('app@1.5.0', 2))).toBeGreaterThan(0);
  });

  it('ignores build metadata for the order but keeps a stable tie-break', () => {
    expect(compareReleases(at('1.2.3+a', 5), at('1.2.3+b', 7))).toBeLessThan(0);
    expect(compareReleases(at('1.2.3+b', 5), at('1.2.3+a', 5))).toBeGreaterThan(0);
    expect(compareReleases(at('1.2.3', 5), at('1.2.3', 5))).toBe(0);
  });

  it('orders non-semver and mixed releases by first-seen time, then by name', () => {
    expect(compareReleases(at('abc', 1), at('def', 2))).toBeLessThan(0);
    expect(compareReleases(at('zzz', 1), at('aaa', 2))).toBeLessThan(0);
    expect(compareReleases(at('2.0.0', 3), at('nightly', 2))).toBeGreaterThan(0);
    expect(compareReleases(at('nightly', 1), at('2.0.0', 3))).toBeLessThan(0);
    expect(compareReleases(at('b', 4), at('a', 4))).toBeGreaterThan(0);
  });
});

describe('latestRelease', () => {
  it('returns the newest release, or undefined for none', () => {
    expect(latestRelease([])).toBeUndefined();
    const releases = [
      { version: '1.9.0', firstSeenMs: 3 },
      { version: '1.10.0', firstSeenMs: 1 },
      { version: '1.10.0-rc.1', firstSeenMs: 2 },
    ];
    expect(latestRelease(releases)?.version).toBe('1.10.0');
    expect(latestRelease([{ version: 'a', firstSeenMs: 1 }, { version: 'b', firstSeenMs: 2 }])?.version).toBe('b');
  });
});
