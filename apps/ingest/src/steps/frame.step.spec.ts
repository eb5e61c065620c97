import { frameRequest, isEnvelopeRequest } from './frame.step';

const MAX_EVENT_BYTES = 1024;
const lines = (...parts: string[]) => Buffer.from(parts.join('\n'));
const TOO_DEEP = `{"extra":${'['.repeat(200)}${']'.repeat(200)}}`;

describe('isEnvelopeRequest', () => {
  it('is the envelope endpoint, or the store endpoint by content type', () => {
    expect(isEnvelopeRequest('envelope', undefined)).toBe(true);
    expect(isEnvelopeRequest('envelope', 'text/plain;charset=UTF-8')).toBe(true);
    expect(isEnvelopeRequest('store', 'application/x-sentry-envelope')).toBe(true);
    expect(isEnvelopeRequest('store', 'application/json')).toBe(false);
    expect(isEnvelopeRequest('store', undefined)).toBe(false);
  });
});

describe('frameRequest: an envelope', () => {
  it('splits it into its header and items, each item a view of its payload', () => {
    const body = lines(
      '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2026-11-24T05:58:20.000Z"}',
      '{"type":"span","item_count":2}',
      '{"version":2,"items":[]}',
      '{"type":"client_report","length":2}',
      '{}',
    );
    const framed = frameRequest(body, true, MAX_EVENT_BYTES);
    expect(framed).toEqual({
      header: { event_id: '9ec79c33ec9942ab8353589fcb2e04dc', sent_at: '2026-11-24T05:58:20.000Z', other: {} },
      items: [
        { type: 'span', itemCount: 2, payload: Buffer.from('{"version":2,"items":[]}') },
        { type: 'client_report', itemCount: undefined, payload: Buffer.from('{}') },
      ],
    });
  });

  it('refuses one it cannot read, with the error of @pulse/protocol', () => {
    expect(frameRequest(lines('not json', '{"type":"event"}', '{}'), true, MAX_EVENT_BYTES)).toMatchObject({ refusal: 'bad_envelope', error: { code: 'header_invalid' } });
    expect(frameRequest(Buffer.from('\n'), true, MAX_EVENT_BYTES)).toMatchObject({ refusal: 'bad_envelope', error: { code: 'empty' } });
  });

  it('refuses a stored item over the event size, and more than 1,000 items', () => {
    const large = `{"message":"${'x'.repeat(MAX_EVENT_BYTES)}"}`;
    expect(frameRequest(lines('{}', '{"type":"event"}', large), true, MAX_EVENT_BYTES)).toMatchObject({ refusal: 'bad_envelope', error: { code: 'item_too_large' } });
    const items = Array.from({ length: 1001 }, () => '{"type":"client_report"}\n{}');
    expect(frameRequest(lines('{}', ...items), true, MAX_EVENT_BYTES)).toMatchObject({ refusal: 'bad_envelope', error: { code: 'too_many_items' } });
    expect(frameRequest(lines('{}', ...items.slice(1)), true, MAX_EVENT_BYTES)).toMatchObject({ items: { length: 1000 } });
  });
});

describe('frameRequest: a store body', () => {
  it('frames the event as a one-item request carrying its parsed JSON', () => {
    const body = Buffer.from('{"message":"boom","level":"error"}');
    expect(frameRequest(body, false, MAX_EVENT_BYTES)).toEqual({
      header: { other: {} },
      items: [{ type: 'event', itemCount: undefined, payload: body, json: { message: 'boom', level: 'error' } }],
    });
  });

  it('takes a body whose type is `transaction` as a transaction, anything else as an error event', () => {
    expect(frameRequest(Buffer.from('{"type":"transaction"}'), false, MAX_EVENT_BYTES)).toMatchObject({ items: [{ type: 'transaction' }] });
    expect(frameRequest(Buffer.from('{"type":"span"}'), false, MAX_EVENT_BYTES)).toMatchObject({ items: [{ type: 'event' }] });
    expect(frameRequest(Buffer.from('null'), false, MAX_EVENT_BYTES)).toMatchObject({ items: [{ type: 'event', json: null }] });
  });

  it('refuses a body over the event size before reading it', () => {
    const body = Buffer.from(`{"message":"${'x'.repeat(MAX_EVENT_BYTES)}"}`);
    expect(frameRequest(body, false, MAX_EVENT_BYTES)).toEqual({ refusal: 'event_too_large', maxBytes: MAX_EVENT_BYTES });
  });

  it('refuses a body nested too deep before parsing it, counted as one event', () => {
    expect(frameRequest(Buffer.from(TOO_DEEP), false, MAX_EVENT_BYTES)).toEqual({ refusal: 'event_too_deep', items: [{ kind: 'event' }] });
  });

  it('refuses a body that is not JSON', () => {
    expect(frameRequest(Buffer.from('{"type":'), false, MAX_EVENT_BYTES)).toMatchObject({ refusal: 'event_invalid_json', reason: expect.stringMatching(/^not valid JSON: /) });
  });
});
