import { sessionAggregates, sessionUpdate } from '@pulse/testing/fixtures';
import { MAX_SESSION_COUNT, readSessionAggregates, readSessionUpdate } from './session';

describe('readSessionUpdate', () => {
  it('accepts what the JS SDK sends', () => {
    expect(readSessionUpdate(sessionUpdate())).toMatchObject({ ok: true, value: { sid: '7c6b2a1e9d8f4e3ba2c1d0e9f8a7b6c5', attrs: { release: 'shop-web@2.7.1' } } });
  });

  it('rejects a session without a release', () => {
    expect(readSessionUpdate(sessionUpdate({ attrs: { environment: 'production' } }))).toMatchObject({
      ok: false,
      detail: 'invalid session: attrs.release is required (sessions without a release are dropped)',
    });
    expect(readSessionUpdate(sessionUpdate({ attrs: undefined }))).toMatchObject({ ok: false, detail: expect.stringMatching(/attrs is required/) });
  });

  it('accepts numeric dids and seconds, rejects bad counts and timestamps', () => {
    expect(readSessionUpdate(sessionUpdate({ did: 42, started: 1795499970.125, sid: undefined }))).toMatchObject({ ok: true });
    expect(readSessionUpdate(sessionUpdate({ errors: -1 }))).toMatchObject({ ok: false, detail: expect.stringMatching(/errors must be/) });
    expect(readSessionUpdate(sessionUpdate({ started: 'yesterday' }))).toMatchObject({ ok: false, detail: expect.stringMatching(/started must be/) });
    expect(readSessionUpdate(sessionUpdate({ sid: 'abc' }))).toMatchObject({ ok: false, detail: expect.stringMatching(/sid must be/) });
  });
});

describe('readSessionAggregates', () => {
  it('accepts request-session aggregates and a missing list', () => {
    expect(readSessionAggregates(sessionAggregates())).toMatchObject({ ok: true, value: { aggregates: [{ exited: 41 }, { crashed: 1 }] } });
    expect(readSessionAggregates(sessionAggregates({ aggregates: undefined }))).toMatchObject({ ok: true });
  });

  it('rejects negative or fractional counts and a missing release', () => {
    expect(readSessionAggregates(sessionAggregates({ aggregates: [{ started: '2026-11-24T05:58:00Z', exited: -2 }] }))).toMatchObject({
      ok: false,
      detail: 'invalid session aggregates: aggregates.0.exited: exited must be a non-negative integer',
    });
    expect(readSessionAggregates(sessionAggregates({ aggregates: [{ started: '2026-11-24T05:58:00Z', crashed: 1.5 }] }))).toMatchObject({ ok: false });
    expect(readSessionAggregates(sessionAggregates({ attrs: {} }))).toMatchObject({ ok: false, detail: expect.stringMatching(/attrs.release is required/) });
  });

  it("bounds each count at Relay's u32, so one bucket cannot claim 2^53 sessions", () => {
    const bucket = (count: number) => sessionAggregates({ aggregates: [{ started: '2026-11-24T05:58:00Z', exited: count }] });
    expect(readSessionAggregates(bucket(MAX_SESSION_COUNT))).toMatchObject({ ok: true });
    expect(readSessionAggregates(bucket(Number.MAX_SAFE_INTEGER))).toMatchObject({
      ok: false,
      detail: `invalid session aggregates: aggregates.0.exited: exited must be at most ${MAX_SESSION_COUNT}`,
    });
  });
});
