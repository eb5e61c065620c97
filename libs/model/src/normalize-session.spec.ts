import { readSessionAggregates, readSessionUpdate } from '@pulse/protocol';
import { sessionAggregates, sessionUpdate } from '@pulse/testing/fixtures';
import { normalizeSession, normalizeSessionAggregates, releaseProblem } from './normalize-session';
import { payloadValue } from '@pulse/protocol/testing';

const ctx = { projectId: 7, receivedAtMs: 1_795_500_000_000, generateEventId: () => 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE' };

function session(overrides: Record<string, unknown> = {}) {
  return normalizeSession(payloadValue(readSessionUpdate(sessionUpdate(overrides))), ctx);
}

function aggregates(overrides: Record<string, unknown> = {}) {
  return normalizeSessionAggregates(payloadValue(readSessionAggregates(sessionAggregates(overrides))), ctx);
}

describe('normalizeSession', () => {
  it('makes one record with quantity 1', () => {
    expect(session()).toEqual({
      ok: true,
      record: {
        projectId: 7,
        sessionId: '7c6b2a1e9d8f4e3ba2c1d0e9f8a7b6c5',
        distinctId: 'u-42',
        status: 'ok',
        init: true,
        errors: 0,
        quantity: 1,
        startedMs: Date.parse('2026-11-24T05:59:30.125Z'),
        timestampMs: Date.parse('2026-11-24T05:59:58.400Z'),
        durationS: 28.275,
        release: 'shop-web@2.7.1',
        environment: 'production',
        receivedAtMs: 1_795_500_000_000,
      },
    });
  });

  it('fills defaults as Relay does: sid, timestamp, status, environment', () => {
    const result = session({ sid: undefined, timestamp: undefined, status: undefined, init: undefined, duration: undefined, did: undefined, attrs: { release: 'r@1', environment: 'none' } });
    expect(result).toMatchObject({
      ok: true,
      record: { sessionId: 'aaaaaaaabbbb4ccc8dddeeeeeeeeeeee', timestampMs: 1_795_500_000_000, status: 'ok', init: false, durationS: null, distinctId: '', environment: 'production' },
    });
  });

  it('reads null optional fields as missing (a null timestamp is the receive time, not an unstorable NaN)', () => {
    const result = session({ sid: null, timestamp: null, status: null, init: null, duration: null, did: null, errors: null, attrs: { release: 'r@1', environment: null } });
    expect(result).toMatchObject({
      ok: true,
      record: { sessionId: 'aaaaaaaabbbb4ccc8dddeeeeeeeeeeee', timestampMs: 1_795_500_000_000, status: 'ok', init: false, errors: 0, durationS: null, distinctId: '', environment: 'production' },
    });
  });

  it('moves a timestamp before the start up to the start, and keeps crashed/errored statuses', () => {
    expect(session({ timestamp: '2026-11-24T05:00:00.000Z' })).toMatchObject({ ok: true, record: { timestampMs: Date.parse('2026-11-24T05:59:30.125Z') } });
    expect(session({ status: 'crashed', errors: 1 })).toMatchObject({ ok: true, record: { status: 'crashed', errors: 1 } });
    expect(session({ status: 'unhandled' })).toMatchObject({ ok: true, record: { status: 'errored' } });
  });

  it('refuses unknown statuses and invalid releases with a reason', () => {
    expect(session({ status: 'weird' })).toEqual({ ok: false, reason: 'unknown session status "weird"' });
    expect(session({ attrs: { release: '  ' } })).toEqual({ ok: false, reason: 'release is missing (sessions without a valid release are dropped)' });
    expect(session({ attrs: { release: 'latest' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/restricted name/) });
  });
});

describe('releaseProblem', () => {
  it('follows Relay: length, restricted names, slashes and control characters', () => {
    expect(releaseProblem('shop@1.4.0+build.7')).toBeUndefined();
    expect(releaseProblem('x'.repeat(201))).toMatch(/longer than 200/);
    expect(['.', '..', 'LATEST'].map(releaseProblem)).toEqual([expect.stringMatching(/restricted/), expect.stringMatching(/restricted/), expect.stringMatching(/restricted/)]);
    expect(releaseProblem('a/b')).toMatch(/slashes/);
    expect(releaseProblem('a\nb')).toMatch(/control/);
  });
});

describe('normalizeSessionAggregates', () => {
  it('makes one record per non-zero count, quantity = count', () => {
    const result = aggregates();
    if (!result.ok) throw new Error(result.reason);
    expect(result.record.map((record) => [record.startedMs, record.status, record.quantity])).toEqual([
      [Date.parse('2026-11-24T05:58:00.000Z'), 'exited', 41],
      [Date.parse('2026-11-24T05:58:00.000Z'), 'errored', 2],
      [Date.parse('2026-11-24T05:59:00.000Z'), 'exited', 37],
      [Date.parse('2026-11-24T05:59:00.000Z'), 'crashed', 1],
    ]);
    expect(result.record[0]).toEqual({
      projectId: 7,
      sessionId: '',
      distinctId: '',
      status: 'exited',
      init: true,
      errors: 0,
      quantity: 41,
      startedMs: Date.parse('2026-11-24T05:58:00.000Z'),
      timestampMs: Date.parse('2026-11-24T05:58:00.000Z'),
      durationS: null,
      release: 'shop@1.4.0',
      environment: 'production',
      receivedAtMs: 1_795_500_000_000,
    });
  });

  it('adds unhandled to errored, keeps the did and abnormal, and gives nothing for empty buckets', () => {
    const result = aggregates({ aggregates: [{ started: 1795499880, did: 'u-1', errored: 1, unhandled: 2, abnormal: 3 }, { started: 1795499940 }] });
    expect(result).toMatchObject({ ok: true, record: [{ status: 'errored', quantity: 3, distinctId: 'u-1' }, { status: 'abnormal', quantity: 3 }] });
    expect(result.ok && result.record).toHaveLength(2);
    expect(aggregates({ aggregates: undefined })).toEqual({ ok: true, record: [] });
  });

  it('refuses the item when the release is invalid', () => {
    expect(aggregates({ attrs: { release: 'a/b' } })).toMatchObject({ ok: false, reason: expect.stringMatching(/slashes/) });
  });
});
