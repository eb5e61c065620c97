import { countSpanItems, MAX_SPANS_PER_ITEM } from './item-count';

const batch = (spans: number) => ({ version: 2, items: Array.from({ length: spans }, (_, i) => ({ name: `s${i}` })) });

describe('countSpanItems', () => {
  it('counts the spans of the payload when item_count agrees or is absent', () => {
    expect(countSpanItems(batch(3), 3)).toEqual({ ok: true, spans: 3 });
    expect(countSpanItems(batch(3), undefined)).toEqual({ ok: true, spans: 3 });
    expect(countSpanItems(batch(0), 0)).toEqual({ ok: true, spans: 0 });
  });

  it('refuses an item_count that differs from the payload, in either direction', () => {
    expect(countSpanItems(batch(1), Number.MAX_SAFE_INTEGER)).toEqual({ ok: false, reason: `item_count ${Number.MAX_SAFE_INTEGER} does not match the 1 spans of the payload` });
    expect(countSpanItems(batch(5), 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/item_count 1 does not match the 5 spans/) });
  });

  it('refuses more spans than one item may hold, whatever the header says', () => {
    expect(countSpanItems(batch(MAX_SPANS_PER_ITEM), MAX_SPANS_PER_ITEM)).toEqual({ ok: true, spans: MAX_SPANS_PER_ITEM });
    expect(countSpanItems(batch(MAX_SPANS_PER_ITEM + 1), MAX_SPANS_PER_ITEM + 1)).toEqual({ ok: false, reason: `${MAX_SPANS_PER_ITEM + 1} spans in one item, more than the ${MAX_SPANS_PER_ITEM} allowed` });
  });

  it('counts no spans in a payload without an items list (its validation says why)', () => {
    for (const payload of [null, 'x', [], { items: 'many' }, {}]) expect(countSpanItems(payload, undefined)).toEqual({ ok: true, spans: 0 });
    expect(countSpanItems({ items: 'many' }, 4)).toMatchObject({ ok: false });
  });
});
