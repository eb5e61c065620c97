import { normalizeItemSafely, readStoredItem } from './stored-item';

const span = (i: number) => ({
  name: `span ${i}`,
  span_id: (0x1000000000000000 + i).toString(16).slice(0, 16),
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  start_timestamp: 1795499897.5,
  end_timestamp: 1795499897.7,
  is_segment: i === 0,
  status: 'ok',
  attributes: {},
});
const spanBatch = (spans: number) => Buffer.from(JSON.stringify({ version: 2, items: Array.from({ length: spans }, (_, i) => span(i)) }));
const ctx = { projectId: 1, receivedAtMs: 1795499900_000, generateEventId: () => 'e'.repeat(32) };

describe('readStoredItem', () => {
  it('charges a span item the spans it holds, not what its header claims', () => {
    expect(readStoredItem('span', spanBatch(3), 3)).toMatchObject({ ok: true, quantity: 3 });
    expect(readStoredItem('span', spanBatch(3), undefined)).toMatchObject({ ok: true, quantity: 3 });
    expect(readStoredItem('span', spanBatch(1), Number.MAX_SAFE_INTEGER)).toEqual({
      ok: false,
      drop: 'bad_item_count',
      reason: `item_count ${Number.MAX_SAFE_INTEGER} does not match the 1 spans of the payload`,
    });
    expect(readStoredItem('span', spanBatch(1001), 1001)).toMatchObject({ ok: false, drop: 'bad_item_count' });
  });

  it('charges every other kind one, whatever item_count it declares', () => {
    expect(readStoredItem('event', Buffer.from('{"message":"x"}'), 9_000_000)).toMatchObject({ ok: true, quantity: 1 });
  });

  it('refuses too-deep JSON before parsing it, and bad JSON after', () => {
    const deep = Buffer.from(`{"message":"x","extra":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`);
    expect(readStoredItem('event', deep, undefined)).toEqual({ ok: false, drop: 'too_deep', reason: 'JSON nested deeper than 128 levels (the limit)' });
    expect(readStoredItem('transaction', Buffer.from('{"type":'), undefined)).toMatchObject({ ok: false, drop: 'invalid', reason: expect.stringMatching(/^not valid JSON/) });
  });
});

describe('normalizeItemSafely', () => {
  it('makes an exception thrown while normalizing an item an invalid item', () => {
    // A payload whose field throws when read: what a bug deep in a normalizer looks like from here.
    const hostile = { version: 2 };
    Object.defineProperty(hostile, 'items', { enumerable: true, get: () => { throw new RangeError('Maximum call stack size exceeded'); } });
    expect(normalizeItemSafely('span', hostile, ctx)).toEqual({ ok: false, reason: 'the item could not be processed (RangeError)', causes: [], crashed: true });
  });

  it('passes normal results through', () => {
    expect(normalizeItemSafely('span', JSON.parse(spanBatch(2).toString()), ctx)).toMatchObject({ ok: true, partial: [] });
    expect(normalizeItemSafely('event', { level: 'nonsense-level', timestamp: 'never' }, ctx)).toMatchObject({ ok: false });
  });
});
