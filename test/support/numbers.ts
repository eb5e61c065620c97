/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal sample (Box–Muller), the usual shape of request latencies. */
export function logNormal(random: () => number, medianMs: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * z);
}

/**
 * Exact quantile with linear interpolation between closest ranks (R-7, numpy's default, Excel's
 * PERCENTILE.INC): the definition ClickHouse's quantileExactInclusive implements.
 */
export function exactQuantile(values: number[], level: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
