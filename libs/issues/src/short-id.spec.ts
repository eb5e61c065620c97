import { parseShortId, shortIdOf } from './issue';

describe('parseShortId', () => {
  it('inverts shortIdOf', () => {
    for (const n of [0, 1, 31, 32, 42, 1_000_000, 2 ** 40]) {
      expect(parseShortId(shortIdOf('my shop', n))).toBe(n);
    }
    expect(parseShortId('PULSE-1A')).toBe(42);
    expect(parseShortId('pulse-1a')).toBe(42);
  });

  it.each(['', '42', 'PULSE-', '-1A', 'PULSE-1U', 'PULSE-1O', 'PULSE 1A', 'PULSE--1A', 'PULSE-12345678901'])('refuses %j', (text) => {
    expect(parseShortId(text)).toBeUndefined();
  });
});
