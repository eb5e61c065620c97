import { decodeIntent, encodeIntent, rangeToken } from './offset-intent';
import { PartitionCutter } from './partition-cutter';
import type { ConsumedMessage } from './record-batch';

const messages = (from: number, to: number): ConsumedMessage[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ offset: String(from + i), key: null, value: null, headers: {} }));
const ranges = (cutter: PartitionCutter, batch: ConsumedMessage[]) => cutter.cut(batch).map((c) => [c.range.first, c.range.last, c.replay, c.messages.length]);

describe('PartitionCutter', () => {
  it('cuts a fetch into chunks of at most maxRows', () => {
    expect(ranges(new PartitionCutter(4), messages(10, 19))).toEqual([
      ['10', '13', false, 4],
      ['14', '17', false, 4],
      ['18', '19', false, 2],
    ]);
  });

  it('replays a pinned range exactly, then cuts the rest freely', () => {
    const cutter = new PartitionCutter(4);
    cutter.pin({ first: '10', last: '15' }, '10');
    expect(ranges(cutter, messages(10, 20))).toEqual([
      ['10', '15', true, 6],
      ['16', '19', false, 4],
      ['20', '20', false, 1],
    ]);
  });

  it('holds messages across fetches until a pinned range is complete', () => {
    const cutter = new PartitionCutter(100);
    cutter.pin({ first: '10', last: '25' }, '10');
    expect(cutter.cut(messages(10, 14))).toEqual([]);
    expect(cutter.holding).toBe(true);
    expect(cutter.cut(messages(15, 19))).toEqual([]);
    const [replay, rest] = cutter.cut(messages(20, 30));
    expect(replay.messages.map((m) => m.offset)).toEqual(messages(10, 25).map((m) => m.offset));
    expect([replay.replay, rest.range, cutter.holding]).toEqual([true, { first: '26', last: '30' }, false]);
  });

  it('ignores an intent that does not start at the committed offset, or whose start is gone', () => {
    const stale = new PartitionCutter(100);
    stale.pin({ first: '5', last: '9' }, '10');
    expect(ranges(stale, messages(10, 12))).toEqual([['10', '12', false, 3]]);
    const truncated = new PartitionCutter(100);
    truncated.pin({ first: '10', last: '15' }, '10');
    expect(ranges(truncated, messages(40, 41))).toEqual([['40', '41', false, 2]]);
  });

  it('closes a pinned range whose last offset no longer exists once later messages arrive', () => {
    const cutter = new PartitionCutter(100);
    cutter.pin({ first: '10', last: '15' }, '10');
    expect(ranges(cutter, [...messages(10, 13), ...messages(17, 18)])).toEqual([
      ['10', '15', true, 4],
      ['17', '18', false, 2],
    ]);
  });
});

describe('offset intents', () => {
  it('round-trips through commit metadata and rejects anything else', () => {
    const intent = { first: '9007199254740993', last: '9007199254741000' };
    expect(decodeIntent(encodeIntent(intent))).toEqual(intent);
    for (const metadata of [null, undefined, '', 'other-tool', 'pulse-intent/1:5-4', 'pulse-intent/1:x-9', 'pulse-intent/2:1-2']) {
      expect(decodeIntent(metadata)).toBeUndefined();
    }
  });

  it('names a range by topic, partition and offsets', () => {
    expect(rangeToken('pulse.spans', 3, { first: '100', last: '199' })).toBe('pulse.spans/3/100-199');
  });
});
