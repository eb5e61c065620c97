import { LatencyHistogram } from './latency-histogram';
import { SeededRandom } from './random';

/** Nearest rank: the smallest value with at least q·n values at or below it. */
const exactQuantile = (sorted: number[], q: number): number => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];

describe('LatencyHistogram', () => {
  it('gives quantiles within ±1% of the exact nearest-rank value', () => {
    const random = new SeededRandom(11);
    const histogram = new LatencyHistogram();
    const values = Array.from({ length: 20_000 }, () => random.logNormal(40, 1.2));
    values.forEach((value) => histogram.record(value));
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      expect(Math.abs(histogram.quantile(q) / exactQuantile(sorted, q) - 1)).toBeLessThanOrEqual(0.01);
    }
  });

  it('keeps count, max and mean exact, and quantiles inside [min, max]', () => {
    const histogram = new LatencyHistogram();
    [3, 3, 3].forEach((value) => histogram.record(value));
    expect(histogram.quantile(0.5)).toBe(3);
    expect(histogram.quantile(1)).toBe(3);
    histogram.record(10_000_000);
    expect(histogram.count).toBe(4);
    expect(histogram.max).toBe(10_000_000);
    expect(histogram.mean).toBe((9 + 10_000_000) / 4);
    expect(histogram.quantile(1)).toBe(10_000_000);
  });

  it('is 0 when empty or reset; takes 0 and nonsense as 0 ms', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.quantile(0.5)).toBe(0);
    histogram.record(Number.NaN);
    histogram.record(-1);
    histogram.record(0);
    expect(histogram.quantile(0.99)).toBe(0);
    histogram.reset();
    expect([histogram.count, histogram.max, histogram.mean]).toEqual([0, 0, 0]);
  });
});
