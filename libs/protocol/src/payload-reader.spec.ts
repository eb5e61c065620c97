import { readErrorEvent } from './error-event';
import { at, readPayload } from './payload-reader';
import { readSpanV2 } from './span-v2';

const span = {
  name: 'GET /',
  span_id: '00f067aa0ba902b7',
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  start_timestamp: 1795499897.5,
  end_timestamp: 1795499897.7,
  is_segment: true,
  status: 'ok',
  attributes: { 'sentry.op': { type: 'string', value: 'http.server' } },
};

describe('readPayload', () => {
  it('hands back the parsed object itself, typed, instead of a copy', () => {
    const result = readSpanV2(span);
    expect(result.ok && result.value).toBe(span);
  });

  it('refuses anything but an object, and names the first problem as detail and cause', () => {
    for (const input of [[span], null, 'span', 7]) {
      expect(readSpanV2(input)).toEqual({ ok: false, detail: 'invalid span: expected a JSON object', causes: [] });
    }
    expect(readPayload({ a: 1 }, 'thing', (value) => (value.a === 1 ? 'a must not be 1' : undefined))).toEqual({
      ok: false,
      detail: 'invalid thing: a must not be 1',
      causes: ['a must not be 1'],
    });
  });

  it('puts the path in front of a message that does not start with it', () => {
    expect(at('sdk.name', 'name must be a string')).toBe('sdk.name: name must be a string');
    expect(at('contexts.trace.span_id', 'contexts.trace.span_id must be 16 hex characters')).toBe('contexts.trace.span_id must be 16 hex characters');
  });
});

describe('readers against hostile nesting', () => {
  const deepExtra = (levels: number): Record<string, unknown> => {
    let value: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < levels; i++) value = { a: value };
    return { message: 'x', level: 'error', extra: value };
  };

  it('never walk a field Pulse does not read, so any nesting there is read without recursion', () => {
    // class-transformer overflowed the stack on this (a RangeError); the readers do not descend into `extra`.
    expect(readErrorEvent(deepExtra(20_000))).toMatchObject({ ok: true });
  });
});
