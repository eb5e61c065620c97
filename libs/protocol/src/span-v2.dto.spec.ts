import { browserPageloadSpanBatch, nodeServerSpanBatch } from '../../../test/fixtures/streamed-spans';
import { ClassicSpanDto, SpanV2BatchDto, SpanV2Dto, validateEach } from './span-v2.dto';
import { validatePayload } from './validate-payload';

const span = (overrides: Record<string, unknown> = {}) => ({ ...(nodeServerSpanBatch().items as Record<string, unknown>[])[2], ...overrides });

describe('SpanV2BatchDto', () => {
  it('accepts the SDK batches, ingest_settings included', () => {
    expect(validatePayload(SpanV2BatchDto, nodeServerSpanBatch(), 'span batch')).toMatchObject({ ok: true });
    expect(validatePayload(SpanV2BatchDto, browserPageloadSpanBatch(), 'span batch')).toMatchObject({ ok: true, value: { ingest_settings: { infer_ip: 'never' } } });
  });

  it('rejects another version or a batch without a list of items', () => {
    expect(validatePayload(SpanV2BatchDto, { version: 1, items: [] }, 'span batch')).toMatchObject({ ok: false, detail: 'invalid span batch: version must be 2' });
    expect(validatePayload(SpanV2BatchDto, { version: 2, items: {} }, 'span batch')).toMatchObject({ ok: false, detail: 'invalid span batch: items must be an array' });
  });
});

describe('SpanV2Dto via validateEach', () => {
  it('keeps valid spans and names the index and reason of each bad one', () => {
    const result = validateEach(SpanV2Dto, [span(), span({ span_id: 'xyz' }), 'not a span', span({ end_timestamp: undefined })], 'span');
    expect(result.valid.map((entry) => entry.index)).toEqual([0]);
    expect(result.invalid).toEqual([
      { index: 1, reason: 'invalid span: span_id must be 16 hex characters' },
      { index: 2, reason: 'invalid span: expected a JSON object' },
      { index: 3, reason: 'invalid span: end_timestamp must be seconds since the epoch' },
    ]);
  });

  it('is lenient about attributes: unknown keys and odd entries pass untouched', () => {
    const attributes = { 'x.custom': { value: [1, 2], type: 'array' }, odd: 'not typed', nothing: null };
    const result = validateEach(SpanV2Dto, [span({ attributes, parent_span_id: null, is_segment: undefined })], 'span');
    expect(result.invalid).toEqual([]);
    expect(result.valid[0].value.attributes).toEqual(attributes);
  });

  it('wants float-second timestamps, a 32-hex trace id and an object of attributes', () => {
    const bad = validateEach(SpanV2Dto, [span({ start_timestamp: '2026-11-24T10:00:00Z' }), span({ trace_id: 'abc' }), span({ attributes: [] })], 'span');
    expect(bad.invalid.map((entry) => entry.reason)).toEqual([
      'invalid span: start_timestamp must be seconds since the epoch',
      'invalid span: trace_id must be 32 hex characters',
      'invalid span: attributes must be an object',
    ]);
  });
});

describe('ClassicSpanDto', () => {
  const classic = { span_id: '1111aaaa2222bbbb', parent_span_id: '00f067aa0ba902b7', op: 'db', description: 'SELECT 1', start_timestamp: 1795499897.5, timestamp: '2026-11-24T10:00:00.000Z' };

  it('accepts float seconds and RFC 3339 timestamps', () => {
    expect(validatePayload(ClassicSpanDto, classic, 'span')).toMatchObject({ ok: true });
  });

  it('requires a finished span with a 16-hex id', () => {
    expect(validatePayload(ClassicSpanDto, { ...classic, timestamp: undefined }, 'span')).toMatchObject({ ok: false, detail: expect.stringMatching(/timestamp must be/) });
    expect(validatePayload(ClassicSpanDto, { ...classic, span_id: 7 }, 'span')).toMatchObject({ ok: false, detail: expect.stringMatching(/span_id must be 16 hex/) });
  });
});
