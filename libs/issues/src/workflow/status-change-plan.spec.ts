import { InvalidStatusChange, MAX_IGNORE_WINDOW_MINUTES, planStatusChange } from './status-change-plan';

describe('planStatusChange', () => {
  const nowMs = Date.parse('2026-03-01T12:00:00Z');
  const releases = [
    { version: 'shop@1.10.0', firstSeenMs: 1 },
    { version: 'shop@1.9.0', firstSeenMs: 2 },
    { version: 'nightly-42', firstSeenMs: 3 },
  ];

  it('unresolves to ongoing and clears resolution and ignore columns', () => {
    expect(planStatusChange({ status: 'unresolved' }, [], nowMs)).toEqual({
      status: 'unresolved',
      substatus: 'ongoing',
      statusDetails: {},
      resolutionKind: null,
      resolutionRelease: null,
      ignoreUntilMs: null,
      ignoreCount: null,
      ignoreWindowMinutes: null,
      ignoreUserCount: null,
      ignoreUserWindowMinutes: null,
    });
  });

  it('resolves plainly, in a release, and in the next release as the latest release by semver', () => {
    expect(planStatusChange({ status: 'resolved', resolution: { kind: 'resolved' } }, [], nowMs)).toMatchObject({
      substatus: null,
      statusDetails: {},
      resolutionKind: 'resolved',
      resolutionRelease: null,
    });
    expect(planStatusChange({ status: 'resolved', resolution: { kind: 'in_next_release' } }, releases, nowMs)).toMatchObject({
      statusDetails: { inNextRelease: true },
      resolutionKind: 'in_next_release',
      resolutionRelease: 'nightly-42',
    });
    expect(planStatusChange({ status: 'resolved', resolution: { kind: 'in_next_release' } }, releases.slice(0, 2), nowMs)).toMatchObject({
      resolutionRelease: 'shop@1.10.0',
    });
    expect(planStatusChange({ status: 'resolved', resolution: { kind: 'in_release', release: '3.0.0' } }, [], nowMs)).toMatchObject({
      statusDetails: { inRelease: '3.0.0' },
      resolutionKind: 'in_release',
      resolutionRelease: '3.0.0',
    });
    expect(planStatusChange({ status: 'resolved', resolution: { kind: 'in_release', release: 'nightly-42' } }, releases, nowMs).resolutionRelease).toBe('nightly-42');
  });

  it('refuses the next release without releases, and a release that is neither semver nor seen', () => {
    expect(() => planStatusChange({ status: 'resolved', resolution: { kind: 'in_next_release' } }, [], nowMs)).toThrow(
      new InvalidStatusChange('cannot resolve in the next release: the project has no release yet (send events with a `release`, or resolve without one)'),
    );
    expect(() => planStatusChange({ status: 'resolved', resolution: { kind: 'in_release', release: 'nightly-43' } }, releases, nowMs)).toThrow(
      'inRelease "nightly-43" is neither semver nor a release this project has seen',
    );
    expect(() => planStatusChange({ status: 'resolved', resolution: { kind: 'in_release', release: ' ' } }, releases, nowMs)).toThrow(InvalidStatusChange);
  });

  it('ignores forever without a condition, until a condition is met with any', () => {
    expect(planStatusChange({ status: 'ignored', ignore: {} }, [], nowMs)).toMatchObject({ substatus: 'archived_forever', statusDetails: {}, ignoreCount: null });
    const untilMs = nowMs + 30 * 60_000;
    expect(planStatusChange({ status: 'ignored', ignore: { count: 100, windowMinutes: 60, userCount: 3, untilMs } }, [], nowMs)).toEqual({
      status: 'ignored',
      substatus: 'archived_until_condition_met',
      statusDetails: { ignoreUntil: '2026-03-01T12:30:00.000Z', ignoreCount: 100, ignoreWindow: 60, ignoreUserCount: 3 },
      resolutionKind: null,
      resolutionRelease: null,
      ignoreUntilMs: untilMs,
      ignoreCount: 100,
      ignoreWindowMinutes: 60,
      ignoreUserCount: 3,
      ignoreUserWindowMinutes: null,
    });
  });

  it.each([
    [{ count: 0 }, 'ignoreCount must be a positive integer'],
    [{ count: 1.5 }, 'ignoreCount must be a positive integer'],
    [{ userCount: -1 }, 'ignoreUserCount must be a positive integer'],
    [{ windowMinutes: 60 }, 'ignoreWindow needs ignoreCount'],
    [{ userWindowMinutes: 60 }, 'ignoreUserWindow needs ignoreUserCount'],
    [{ count: 5, windowMinutes: MAX_IGNORE_WINDOW_MINUTES + 1 }, 'ignoreWindow must be 1 to 10080 minutes (7 days)'],
    [{ userCount: 5, userWindowMinutes: 0 }, 'ignoreUserWindow must be 1 to 10080 minutes'],
    [{ untilMs: nowMs }, 'ignoreUntil must be in the future'],
  ])('refuses the ignore condition %j', (ignore, message) => {
    expect(() => planStatusChange({ status: 'ignored', ignore }, [], nowMs)).toThrow(message);
  });
});
