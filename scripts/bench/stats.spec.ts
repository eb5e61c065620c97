import { median, medianMax, percentile, percentileOfSorted } from './stats';
import { cpuSecondsOfStat } from './proc';

describe('percentile (nearest rank)', () => {
  const values = [15, 20, 35, 40, 50];

  it('takes the smallest value with at least p % of the values at or below it', () => {
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 99)).toBe(50);
    expect(percentile(values, 100)).toBe(50);
  });

  it('gives the minimum at 0, sorts its input itself and leaves it alone', () => {
    const unsorted = [50, 15, 40, 20, 35];
    expect(percentile(unsorted, 0)).toBe(15);
    expect(percentile(unsorted, 50)).toBe(35);
    expect(unsorted).toEqual([50, 15, 40, 20, 35]);
  });

  it('p99 of 1..1000 is 990, p50 is 500', () => {
    const sorted = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect(percentileOfSorted(sorted, 99)).toBe(990);
    expect(percentileOfSorted(Float64Array.from(sorted), 50)).toBe(500);
  });

  it('is NaN without values and refuses levels outside [0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(/percentile/);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('medianMax rounds and counts', () => {
    expect(medianMax([100.04, 250.26, 120])).toEqual({ median: 120, max: 250.3, samples: 3 });
  });
});

describe('cpuSecondsOfStat', () => {
  it('adds utime and stime (ticks of 1/100 s), whatever the command name holds', () => {
    const stat = '4242 (node (ingest) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 11 0 100 1000000 5000 18446744073709551615';
    expect(cpuSecondsOfStat(stat)).toBeCloseTo(18.01, 5);
  });
});
