import { resolve } from 'node:path';
import { numberFlag, numberFlags, pathFlag } from './flags';

describe('numberFlag', () => {
  it('reads integers, with underscores as digit separators', () => {
    expect(numberFlag('rows', '10_000_000', 1, 1e9)).toBe(10_000_000);
    expect(numberFlag('seed', '0', 0, 10)).toBe(0);
  });

  it('reads fractions only where the flag allows them', () => {
    expect(numberFlag('sample-percent', '0.5', 0.01, 100, false)).toBe(0.5);
    expect(() => numberFlag('repeat', '1.5', 1, 100)).toThrow('--repeat must be an integer in [1, 100], got "1.5"');
  });

  it.each(['', ' ', 'ten', '1e400', 'NaN'])('refuses %j, naming the flag', (text) => {
    expect(() => numberFlag('seed', text, 0, 100, false)).toThrow(`--seed must be a number in [0, 100], got ${JSON.stringify(text)}`);
  });

  it('refuses values outside the range', () => {
    expect(() => numberFlag('partitions', '0', 1, 64)).toThrow('--partitions must be an integer in [1, 64], got "0"');
    expect(() => numberFlag('partitions', '65', 1, 64)).toThrow('--partitions must be an integer in [1, 64], got "65"');
  });
});

describe('numberFlags', () => {
  it('reads a parsed command line by flag name, with the same checks as numberFlag', () => {
    const num = numberFlags({ rate: '2.5', seed: '7', out: undefined });
    expect(num('seed', 0, 10)).toBe(7);
    expect(num('rate', 1, 10, false)).toBe(2.5);
    expect(() => num('rate', 1, 10)).toThrow('--rate must be an integer in [1, 10], got "2.5"');
  });
});

describe('pathFlag', () => {
  it('makes a given path absolute and leaves an absent one undefined', () => {
    expect(pathFlag('bench/out.json')).toBe(resolve('bench/out.json'));
    expect(pathFlag(undefined)).toBeUndefined();
    expect(pathFlag('')).toBeUndefined();
  });
});
