/** Small, pure statistics shared by the benchmarks. */

/**
 * Nearest-rank percentile of `values` (need not be sorted): the smallest value with at least p %
 * of the values at or below it. p = 0 gives the minimum, p = 100 the maximum; NaN when empty.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be in [0, 100], got ${p}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return percentileOfSorted(sorted, p);
}

/** As `percentile`, for values already sorted ascending (no copy). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** The middle value; the mean of the two middle ones for an even count; NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Median and maximum of a series of samples, in the unit given (RSS in MB, for example). */
export interface MedianMax {
  median: number;
  max: number;
  samples: number;
}

export function medianMax(values: readonly number[], digits = 1): MedianMax {
  return { median: round(median(values), digits), max: values.length === 0 ? NaN : round(Math.max(...values), digits), samples: values.length };
}
