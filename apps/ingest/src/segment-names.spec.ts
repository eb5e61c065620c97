import { SegmentNames } from './segment-names';

describe('SegmentNames', () => {
  it('remembers names until they expire', () => {
    let now = 0;
    const names = new SegmentNames(10, 1000, () => now);
    names.remember('a', '/checkout');
    expect(names.nameOf('a')).toBe('/checkout');
    now = 1001;
    expect(names.nameOf('a')).toBeUndefined();
  });

  it('drops the oldest entry beyond the bound', () => {
    const names = new SegmentNames(2);
    names.remember('a', '/a');
    names.remember('b', '/b');
    names.remember('c', '/c');
    expect([names.nameOf('a'), names.nameOf('b'), names.nameOf('c')]).toEqual([undefined, '/b', '/c']);
  });
});
