import {
  browserCaptureExceptionEvent,
  nodeCaptureExceptionEvent,
  nodeCaptureMessageEvent,
  nodeUncaughtExceptionEvent,
} from '@pulse/testing/fixtures';
import { ErrorEvent, exceptionValues, readErrorEvent, threadValues } from './error-event';
import { payloadValue } from './testing';

const validate = (json: unknown) => readErrorEvent(json);

function valid(json: unknown): ErrorEvent {
  return payloadValue(validate(json));
}

describe('readErrorEvent', () => {
  it.each([
    ['@sentry/node captureException', nodeCaptureExceptionEvent()],
    ['@sentry/node uncaught exception', nodeUncaughtExceptionEvent()],
    ['@sentry/node captureMessage', nodeCaptureMessageEvent()],
    ['@sentry/browser captureException', browserCaptureExceptionEvent()],
  ])('accepts what %s sends', (_what, event) => {
    expect(validate(event).ok).toBe(true);
  });

  it('reads the exception list as {values} or as the bare list older SDKs send', () => {
    const values = [{ type: 'Error', value: 'boom', stacktrace: { frames: [{ filename: 'a.js', lineno: 1 }] } }];
    for (const exception of [{ values }, values]) {
      const event = valid(nodeCaptureExceptionEvent({ exception }));
      expect(exceptionValues(event)).toHaveLength(1);
      expect(exceptionValues(event)[0]).toMatchObject({ type: 'Error', value: 'boom', stacktrace: { frames: [{ filename: 'a.js', lineno: 1 }] } });
    }
  });

  it('reads threads as {values} or as a bare list', () => {
    const threads = [{ id: 1, current: true, stacktrace: { frames: [{ function: 'main' }] } }];
    expect(threadValues(valid(nodeCaptureMessageEvent({ threads })))[0]?.stacktrace?.frames).toEqual([{ function: 'main' }]);
    expect(threadValues(valid(nodeCaptureMessageEvent({ threads: { values: threads } })))).toHaveLength(1);
  });

  it('takes message as a string or as a log entry object', () => {
    expect(valid(nodeCaptureMessageEvent()).message).toBe('Payment provider latency above 2000 ms for order 7');
    const event = valid(nodeCaptureMessageEvent({ message: { message: 'Order %s late', params: ['7'], formatted: 'Order 7 late' } }));
    expect(typeof event.message).toBe('object');
    expect(event.message).toMatchObject({ message: 'Order %s late', params: ['7'], formatted: 'Order 7 late' });
  });

  it('accepts a list where a nested object goes (PHP sends an empty object as []), reading nothing from it', () => {
    const lists = { user: [], sdk: [], contexts: { trace: [] }, logentry: [], exception: { values: [[], { type: 'Error', mechanism: [], stacktrace: { frames: [[]] } }] } };
    expect(validate(nodeCaptureExceptionEvent(lists))).toMatchObject({ ok: true });
    // Not where a plain object is required: the message, the request, browser and OS contexts.
    expect(validate(nodeCaptureExceptionEvent({ message: [] }))).toMatchObject({ ok: false });
    expect(validate(nodeCaptureExceptionEvent({ request: [] }))).toMatchObject({ ok: false, detail: 'invalid error event: request must be an object' });
    expect(validate(nodeCaptureExceptionEvent({ user: 'u-42' }))).toMatchObject({ ok: false, detail: 'invalid error event: user must be an object' });
  });

  it('accepts an RFC 3339 or missing timestamp, tag pairs, a numeric user id and unknown fields', () => {
    for (const overrides of [
      { timestamp: '2026-11-24T10:00:01.250Z' },
      { timestamp: undefined, event_id: undefined, exception: undefined, message: 'x' },
      { tags: [['a', '1'], ['b', 2]] },
      { user: { id: 42 } },
      { type: 'error', extra: { anything: [1, 2] }, modules: { express: '5.1.0' } },
      { logentry: { message: 'User %(id)s', params: { id: 7 } } },
    ]) {
      expect(validate(nodeCaptureExceptionEvent(overrides))).toMatchObject({ ok: true });
    }
  });

  it('reads an event item whose payload says it is a transaction as an error event: the item header decides (Relay clears the payload type)', () => {
    expect(validate(nodeCaptureExceptionEvent({ type: 'transaction' }))).toMatchObject({ ok: true });
  });

  it('accepts thread ids as numbers or strings', () => {
    const threads = { values: [{ id: 1, crashed: true }, { id: 'main' }] };
    expect(validate(nodeCaptureExceptionEvent({ threads, exception: { values: [{ type: 'Error', thread_id: 1 }] } }))).toMatchObject({ ok: true });
  });

  const frames = (frame: Record<string, unknown>) => ({ values: [{ type: 'Error', stacktrace: { frames: [frame] } }] });

  it.each([
    ['a bad event id', { event_id: 'nope' }, /event_id must be 32 hex characters or a UUID/],
    ['an unparsable timestamp', { timestamp: 'yesterday' }, /timestamp must be seconds since the epoch or an RFC 3339 string/],
    ['a numeric type', { type: 7 }, /type must be a string/],
    ['a thread id that is an object', { exception: { values: [{ type: 'Error', thread_id: {} }] } }, /exception\.values\.0\.thread_id must be an integer or a string/],
    ['a thread id that is a boolean', { threads: { values: [{ id: true }] } }, /threads\.values\.0\.id must be an integer or a string/],
    ['a fingerprint with a number', { fingerprint: ['{{ default }}', 7] }, /fingerprint must be an array of strings/],
    ['a fingerprint that is a string', { fingerprint: 'checkout' }, /fingerprint must be an array of strings/],
    ['a numeric message', { message: 42 }, /message must be a string or an object \{message, formatted, params\}/],
    ['a log entry with a numeric template', { logentry: { message: 1 } }, /logentry\.message/],
    ['an exception that is a string', { exception: 'boom' }, /exception must be \{values: \[\.\.\.\]\} or a list of exceptions/],
    ['exception values that are not a list', { exception: { values: 'boom' } }, /exception\.values/],
    ['a string line number', { exception: frames({ lineno: '12' }) }, /exception\.values\.0\.stacktrace\.frames\.0\.lineno/],
    ['a string in_app', { exception: frames({ in_app: 'yes' }) }, /frames\.0\.in_app/],
    ['a string handled', { exception: { values: [{ type: 'Error', mechanism: { type: 'generic', handled: 'no' } }] } }, /mechanism\.handled/],
    ['a bad trace id', { contexts: { trace: { trace_id: 'xyz', span_id: '00f067aa0ba902b7' } } }, /contexts\.trace\.trace_id must be 32 hex characters/],
    ['tags that are a string', { tags: 'a=b' }, /tags/],
    ['a user that is a string', { user: 'u-42' }, /user/],
  ])('rejects %s, naming the field', (_what, overrides, detail) => {
    const result = validate(nodeCaptureExceptionEvent(overrides));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.detail).toMatch(detail);
  });
});
