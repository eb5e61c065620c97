import { EVENT_JSON_LIMITS, NormalizedRecords } from '@pulse/model';
import { nodeCaptureExceptionEvent, sessionUpdate, transactionEvent } from '@pulse/testing/fixtures';
import { describeDrop, Drop } from '../drop-reasons';
import { SegmentNames } from '../segment-names';
import { normalizeItems } from './normalize.step';
import { readItems, StoredItem } from './read-items.step';
import { eventMetrics } from '../testing/event-metrics';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const item = (type: string, payload: unknown, itemCount?: number) => ({ type, itemCount, payload: typeof payload === 'string' ? Buffer.from(payload) : json(payload) });
const DEEP = `{"a":${'['.repeat(200)}${']'.repeat(200)}}`;

describe('readItems', () => {
  it('keeps the stored kinds with their cost; counts and skips the others, without naming them', async () => {
    const { metrics, counts } = eventMetrics();
    const drops: Drop[] = [];
    const stored = readItems([item('attachment', {}), item('transaction', { type: 'transaction' }), item('what<is>this', {}), item('session', {})], 100, drops, metrics);
    expect(stored).toEqual([
      { index: 1, kind: 'transaction', quantity: 1, json: { type: 'transaction' }, payload: json({ type: 'transaction' }) },
      { index: 3, kind: 'session', quantity: 1, json: {}, payload: json({}) },
    ]);
    expect(drops).toEqual([]);
    expect(await counts()).toEqual({ 'attachment/not_stored': 1, 'unknown/unknown_type': 1 });
  });

  it('drops the session items past the bound, counting session updates and aggregates together', async () => {
    const { metrics, counts } = eventMetrics();
    const drops: Drop[] = [];
    const stored = readItems([item('session', {}), item('sessions', {}), item('session', {}), item('event', {})], 2, drops, metrics) as StoredItem[];
    expect(stored.map((s) => s.index)).toEqual([0, 1, 3]);
    expect(drops.map(describeDrop)).toEqual(['item 2 (session): more than 2 session items in one envelope']);
    expect(await counts()).toEqual({ 'session/too_many_sessions': 1 });
  });

  it('drops what cannot be read, each with its reason, and takes the store body as parsed', async () => {
    const { metrics, counts } = eventMetrics();
    const drops: Drop[] = [];
    const storeEvent = { type: 'event', itemCount: undefined, payload: Buffer.from('not read again'), json: { message: 'x' } };
    const stored = readItems([item('event', DEEP), item('span', { version: 2, items: [] }, 3), storeEvent], 100, drops, metrics);
    expect(stored).toEqual([{ index: 2, kind: 'event', quantity: 1, json: { message: 'x' }, payload: storeEvent.payload }]);
    expect(drops.map(describeDrop)).toEqual(['item 0 (event): JSON nested deeper than 128 levels (the limit)', 'item 1 (span): item_count 3 does not match the 0 spans of the payload']);
    expect(await counts()).toEqual({ 'event/too_deep': 1, 'span/bad_item_count': 1 });
  });

  it('refuses a request every item of which was dropped, naming them', () => {
    const { metrics } = eventMetrics();
    const drops: Drop[] = [];
    expect(readItems([item('event', '{"a":'), item('attachment', {})], 100, drops, metrics)).toEqual({ refusal: 'nothing_stored', drops });
    expect(drops).toHaveLength(1);
    // Nothing stored and nothing dropped (only types Pulse skips) is no refusal.
    expect(readItems([item('attachment', {})], 100, [], metrics)).toEqual([]);
  });
});

describe('normalizeItems', () => {
  const ctx = { projectId: 1, receivedAtMs: 1795499900_000, generateEventId: () => 'e'.repeat(32) };
  const stored = (index: number, kind: StoredItem['kind'], value: unknown): StoredItem => ({ index, kind, quantity: 1, json: value, payload: Buffer.from(JSON.stringify(value)) });
  const INVALID = stored(1, 'event', { level: 'nonsense-level', timestamp: 'never' });

  it('normalizes the items, drops the rate-limited ones and the invalid ones after the rest, and remembers transaction names', async () => {
    const { metrics, counts } = eventMetrics();
    const drops: Drop[] = [];
    const names = new SegmentNames();
    const records = normalizeItems([stored(0, 'transaction', transactionEvent()), INVALID, stored(2, 'session', sessionUpdate())], new Set(['session']), ctx, names, drops, metrics);
    expect(records).toMatchObject({ transactions: [{ name: 'GET /api/orders/:id' }], sessions: [] });
    expect(drops.map((drop) => drop.drop)).toEqual(['rate_limited', 'invalid']);
    expect(describeDrop(drops[0])).toBe('item 2 (session): rate limited');
    expect(names.nameOf('00f067aa0ba902b7')).toBe('GET /api/orders/:id');
    expect(await counts()).toEqual({ 'session/rate_limited': 1, 'event/invalid': 1 });
  });

  it("keeps each error's item bytes as its event JSON, as sent, and no JSON for other kinds", () => {
    const { metrics } = eventMetrics();
    const sent = `${JSON.stringify(nodeCaptureExceptionEvent(), null, 1)}\n`;
    const item: StoredItem = { index: 0, kind: 'event', quantity: 1, json: JSON.parse(sent), payload: Buffer.from(sent) };
    const records = normalizeItems([item, stored(1, 'transaction', transactionEvent())], undefined, ctx, new SegmentNames(), [], metrics) as NormalizedRecords;
    expect(records.errors.map((error) => error.eventJson)).toEqual([sent]);
  });

  it('bounds the event JSON of one request: past the request budget, an event keeps only the note', () => {
    const { metrics } = eventMetrics();
    const big = nodeCaptureExceptionEvent({ extra: { blob: 'x'.repeat(EVENT_JSON_LIMITS.maxEventBytes - 10_000) } });
    const count = Math.ceil(EVENT_JSON_LIMITS.maxRequestBytes / EVENT_JSON_LIMITS.maxEventBytes) + 1;
    const items = Array.from({ length: count }, (_, i) => stored(i, 'event', { ...big, event_id: i.toString(16).padStart(32, '0') }));
    const records = normalizeItems(items, undefined, ctx, new SegmentNames(), [], metrics) as NormalizedRecords;
    const sizes = records.errors.map((error) => Buffer.byteLength(error.eventJson));
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(EVENT_JSON_LIMITS.maxRequestBytes);
    expect(JSON.parse(records.errors[count - 1].eventJson)).toEqual({ _pulse: { trimmed: ['request_budget'], originalBytes: items[count - 1].payload.length } });
    expect(records.errors[0].eventJson).toBe(items[0].payload.toString());
  });

  it('refuses a request every stored item of which is invalid, naming only those', () => {
    const { metrics } = eventMetrics();
    const drops: Drop[] = [];
    const refused = normalizeItems([INVALID], undefined, ctx, new SegmentNames(), drops, metrics);
    expect(refused).toMatchObject({ refusal: 'nothing_stored', drops: [{ drop: 'invalid', index: 1, kind: 'event' }] });
    expect(drops).toEqual([]);
  });
});
