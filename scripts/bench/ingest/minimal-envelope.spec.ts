import { RecordKind } from '@pulse/model';
import { MinimalEnvelopeError, parseMinimalEnvelope, readTarget } from './minimal-envelope';

const body = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'));

describe('parseMinimalEnvelope', () => {
  it('reads the header and each stored item with its topic, as the bytes it came in', () => {
    const envelope = parseMinimalEnvelope(
      body(
        '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2026-11-24T10:00:00.000Z"}',
        '{"type":"transaction"}',
        '{"type":"transaction","transaction":"GET /"}',
        '{"type":"span","item_count":2,"content_type":"application/vnd.sentry.items.span.v2+json"}',
        '{"version":2,"items":[{},{}]}',
        '{"type":"event"}',
        '{"message":"boom"}',
        '{"type":"session"}',
        '{"sid":"a"}',
        '{"type":"sessions"}',
        '{"aggregates":[]}',
      ),
    );
    expect(envelope.header).toEqual({ event_id: '9ec79c33ec9942ab8353589fcb2e04dc', sent_at: '2026-11-24T10:00:00.000Z' });
    expect(envelope.items.map((item) => [item.type, item.kind, item.payload.toString()])).toEqual([
      ['transaction', RecordKind.Transaction, '{"type":"transaction","transaction":"GET /"}'],
      ['span', RecordKind.Span, '{"version":2,"items":[{},{}]}'],
      ['event', RecordKind.Error, '{"message":"boom"}'],
      ['session', RecordKind.Session, '{"sid":"a"}'],
      ['sessions', RecordKind.Session, '{"aggregates":[]}'],
    ]);
    expect(envelope.skipped).toBe(0);
  });

  it('skips items it does not store without parsing them, honours length, and accepts a trailing newline', () => {
    const attachment = 'not\njson';
    const envelope = parseMinimalEnvelope(
      Buffer.from(`{}\n{"type":"attachment","length":${attachment.length}}\n${attachment}\n{"type":"client_report"}\n{"discarded_events":[]}\n{"type":"event","length":2}\n{}\n`),
    );
    expect(envelope.items.map((item) => item.payload.toString())).toEqual(['{}']);
    expect(envelope.skipped).toBe(2);
  });

  it('refuses what is not an envelope', () => {
    expect(() => parseMinimalEnvelope(body('not json'))).toThrow(MinimalEnvelopeError);
    expect(() => parseMinimalEnvelope(body('[]'))).toThrow(/envelope header is not a JSON object/);
    expect(() => parseMinimalEnvelope(body('{}', '{"length":3}', '{}'))).toThrow(/no type/);
    expect(() => parseMinimalEnvelope(body('{}', '{"type":"event"}', '{"broken'))).toThrow(/item 0 \(event\) payload is not JSON/);
    expect(() => parseMinimalEnvelope(body('{}', '{"type":"event","length":99}', '{}'))).toThrow(/past the body/);
  });
});

describe('readTarget', () => {
  it('takes the project from the URL and the key from the query string', () => {
    expect(readTarget('7', { sentry_key: 'abc', sentry_version: '7' })).toEqual({ projectId: 7, key: 'abc' });
  });

  it('refuses a missing key or a project that is not a positive integer', () => {
    expect(readTarget('7', {})).toBeUndefined();
    expect(readTarget('7', { sentry_key: '' })).toBeUndefined();
    expect(readTarget('x', { sentry_key: 'abc' })).toBeUndefined();
    expect(readTarget('0', { sentry_key: 'abc' })).toBeUndefined();
    expect(readTarget(undefined, { sentry_key: 'abc' })).toBeUndefined();
  });
});
