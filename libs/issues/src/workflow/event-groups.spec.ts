import type { ErrorRecord } from '@pulse/model';
import { groupEvents, releasesOf } from './event-groups';

const record = (overrides: Partial<ErrorRecord>): ErrorRecord =>
  ({ projectId: 1, eventId: 'e', timestampMs: 1000, receivedAtMs: 1000, fingerprint: 'a'.repeat(32), groupingConfig: 'pulse:2026-06', secondaryFingerprint: '', title: 't', culprit: 'c', level: 'error', platform: 'node', release: '', userId: '', ...overrides }) as ErrorRecord;

describe('groupEvents', () => {
  it('aggregates per project and fingerprint, the newest event giving title and release', () => {
    const groups = groupEvents([
      record({ eventId: '1', timestampMs: 2000, receivedAtMs: 30, title: 'newest', release: '1.1.0' }),
      record({ eventId: '2', timestampMs: 1000, receivedAtMs: 10, title: 'oldest', release: '1.0.0', secondaryFingerprint: 'b'.repeat(32) }),
      record({ eventId: '3', timestampMs: 1500, receivedAtMs: 20, projectId: 2 }),
    ]);
    expect(groups).toHaveLength(2);
    const [first, second] = groups;
    expect(first).toMatchObject({ projectId: 1, count: 2, firstSeenMs: 1000, lastSeenMs: 2000, firstRelease: '1.0.0', secondaryFingerprints: ['b'.repeat(32)] });
    expect(first.newest).toEqual({ title: 'newest', culprit: 'c', level: 'error', platform: 'node', release: '1.1.0' });
    expect(first.events.map((event) => event.eventId)).toEqual(['2', '1']);
    expect(second).toMatchObject({ projectId: 2, count: 1 });
  });

  it('breaks timestamp ties by the later received event and keeps Kafka order within a millisecond', () => {
    const [group] = groupEvents([record({ eventId: 'x', title: 'first' }), record({ eventId: 'y', title: 'second' })]);
    expect(group.newest.title).toBe('second');
    expect(group.events.map((event) => event.eventId)).toEqual(['x', 'y']);
  });
});

describe('releasesOf', () => {
  it('lists each non-empty release once with its earliest timestamp, sorted', () => {
    expect(releasesOf([record({ release: 'b', timestampMs: 5 }), record({ release: 'a', timestampMs: 7 }), record({ release: 'b', timestampMs: 3 }), record({ release: '' })])).toEqual([
      { projectId: 1, version: 'a', firstSeenMs: 7 },
      { projectId: 1, version: 'b', firstSeenMs: 3 },
    ]);
  });
});
