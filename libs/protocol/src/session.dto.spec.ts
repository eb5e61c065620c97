import { sessionAggregates, sessionUpdate } from '../../../test/fixtures/sessions';
import { MAX_SESSION_COUNT, SessionAggregatesDto, SessionUpdateDto } from './session.dto';
import { validatePayload } from './validate-payload';

describe('SessionUpdateDto', () => {
  it('accepts what the JS SDK sends', () => {
    expect(validatePayload(SessionUpdateDto, sessionUpdate(), 'session')).toMatchObject({ ok: true, value: { sid: '7c6b2a1e9d8f4e3ba2c1d0e9f8a7b6c5', attrs: { release: 'shop-web@2.7.1' } } });
  });

  it('rejects a session without a release', () => {
    expect(validatePayload(SessionUpdateDto, sessionUpdate({ attrs: { environment: 'production' } }), 'session')).toMatchObject({
      ok: false,
      detail: 'invalid session: attrs.release is required (sessions without a release are dropped)',
    });
    expect(validatePayload(SessionUpdateDto, sessionUpdate({ attrs: undefined }), 'session')).toMatchObject({ ok: false, detail: expect.stringMatching(/attrs is required/) });
  });

  it('accepts numeric dids and seconds, rejects bad counts and timestamps', () => {
    expect(validatePayload(SessionUpdateDto, sessionUpdate({ did: 42, started: 1795499970.125, sid: undefined }), 'session')).toMatchObject({ ok: true });
    expect(validatePayload(SessionUpdateDto, sessionUpdate({ errors: -1 }), 'session')).toMatchObject({ ok: false, detail: expect.stringMatching(/errors must be/) });
    expect(validatePayload(SessionUpdateDto, sessionUpdate({ started: 'yesterday' }), 'session')).toMatchObject({ ok: false, detail: expect.stringMatching(/started must be/) });
    expect(validatePayload(SessionUpdateDto, sessionUpdate({ sid: 'abc' }), 'session')).toMatchObject({ ok: false, detail: expect.stringMatching(/sid must be/) });
  });
});

describe('SessionAggregatesDto', () => {
  it('accepts request-session aggregates and a missing list', () => {
    expect(validatePayload(SessionAggregatesDto, sessionAggregates(), 'sessions')).toMatchObject({ ok: true, value: { aggregates: [{ exited: 41 }, { crashed: 1 }] } });
    expect(validatePayload(SessionAggregatesDto, sessionAggregates({ aggregates: undefined }), 'sessions')).toMatchObject({ ok: true });
  });

  it('rejects negative or fractional counts and a missing release', () => {
    expect(validatePayload(SessionAggregatesDto, sessionAggregates({ aggregates: [{ started: '2026-11-24T05:58:00Z', exited: -2 }] }), 'sessions')).toMatchObject({
      ok: false,
      detail: 'invalid sessions: aggregates.0.exited: exited must be a non-negative integer',
    });
    expect(validatePayload(SessionAggregatesDto, sessionAggregates({ aggregates: [{ started: '2026-11-24T05:58:00Z', crashed: 1.5 }] }), 'sessions')).toMatchObject({ ok: false });
    expect(validatePayload(SessionAggregatesDto, sessionAggregates({ attrs: {} }), 'sessions')).toMatchObject({ ok: false, detail: expect.stringMatching(/attrs.release is required/) });
  });

  it("bounds each count at Relay's u32, so one bucket cannot claim 2^53 sessions", () => {
    const bucket = (count: number) => sessionAggregates({ aggregates: [{ started: '2026-11-24T05:58:00Z', exited: count }] });
    expect(validatePayload(SessionAggregatesDto, bucket(MAX_SESSION_COUNT), 'sessions')).toMatchObject({ ok: true });
    expect(validatePayload(SessionAggregatesDto, bucket(Number.MAX_SAFE_INTEGER), 'sessions')).toMatchObject({
      ok: false,
      detail: `invalid sessions: aggregates.0.exited: exited must be at most ${MAX_SESSION_COUNT}`,
    });
  });
});
