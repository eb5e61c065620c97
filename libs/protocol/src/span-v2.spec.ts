import { browserPageloadSpanBatch, nodeServerSpanBatch } from '@pulse/testing/fixtures';
import { readClassicSpan, readSpanBatch, readSpanV2 } from './span-v2';

/** Each span read on its own, as normalization does: the valid ones by index, the reasons of the others. */
function readEach(items: unknown[]) {
  const valid: Array<{ index: number; value: unknown }> = [];
  const invalid: Array<{ index: number; reason: string }> = [];
  items.forEach((item, index) => {
    const read = readSpanV2(item);
    if (read.ok) valid.push({ index, value: read.value });
    else invalid.push({ index, reason: read.detail });
  });
  return { valid, invalid };
}

const span = (overrides: Record<string, unknown> = {}) => ({ ...(nodeServerSpanBatch().items as Record<string, unknown>[])[2], ...overrides });

describe('readSpanBatch', () => {
  it('accepts the SDK batches, ingest_settings included', () => {
    expect(readSpanBatch(nodeServerSpanBatch())).toMatchObject({ ok: true });
    expect(readSpanBatch(browserPageloadSpanBatch())).toMatchObject({ ok: true, value: { ingest_settings: { infer_ip: 'never' } } });
  });

  it('rejects another version or a batch without a list of items', () => {
    expect(readSpanBatch({ version: 1, items: [] })).toMatchObject({ ok: false, detail: 'invalid span batch: version must be 2' });
    expect(readSpanBatch({ version: 2, items: {} })).toMatchObject({ ok: false, detail: 'invalid span batch: items must be an array' });
  });
});

describe('readSpanV2, span by span', () => {
  it('keeps valid spans and names the index and reason of each bad one', () => {
    const result = readEach([span(), span({ span_id: 'xyz' }), 'not a span', span({ end_timestamp: undefined })]);
    expect(result.valid.map((entry) => entry.index)).toEqual([0]);
    expect(result.invalid).toEqual([
      { index: 1, reason: 'invalid span: span_id must be 16 hex characters' },
      { index: 2, reason: 'invalid span: expected a JSON object' },
      { index: 3, reason: 'invalid span: end_timestamp must be seconds since the epoch' },
    ]);
  });

  it('is lenient about attributes: unknown keys and odd entries pass untouched', () => {
    const attributes = { 'x.custom': { value: [1, 2], type: 'array' }, odd: 'not typed', nothing: null };
    const result = readEach([span({ attributes, parent_span_id: null, is_segment: undefined })]);
    expect(result.invalid).toEqual([]);
    expect((result.valid[0].value as { attributes: unknown }).attributes).toBe(attributes);
  });

  it('wants float-second timestamps, a 32-hex trace id and an object of attributes', () => {
    const bad = readEach([span({ start_timestamp: '2026-11-24T10:00:00Z' }), span({ trace_id: 'abc' }), span({ attributes: [] })]);
    expect(bad.invalid.map((entry) => entry.reason)).toEqual([
      'invalid span: start_timestamp must be seconds since the epoch',
      'invalid span: trace_id must be 32 hex characters',
      'invalid span: attributes must be an object',
    ]);
  });
});

describe('readClassicSpan', () => {
  const classic = { span_id: '1111aaaa2222bbbb', parent_span_id: '00f067aa0ba902b7', op: 'db', description: 'SELECT 1', start_timestamp: 1795499897.5, timestamp: '2026-11-24T10:00:00.000Z' };

  it('accepts float seconds and RFC 3339 timestamps', () => {
    expect(readClassicSpan(classic)).toMatchObject({ ok: true });
  });

  it('requires a finished span with a 16-hex id', () => {
    expect(readClassicSpan({ ...classic, timestamp: undefined })).toMatchObject({ ok: false, detail: expect.stringMatching(/timestamp must be/) });
    expect(readClassicSpan({ ...classic, span_id: 7 })).toMatchObject({ ok: false, detail: expect.stringMatching(/span_id must be 16 hex/) });
  });
});
