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
 * Where a DDSketch quantile (ClickHouse `quantilesDD(alpha, …)`) of `values` must fall: for level q,
 * with r = q·(n − 1) over the sorted values x, within (1 − alpha)·x[⌊r⌋] … (1 + alpha)·x[⌈r⌉].
 */
export function ddSketchBounds(values: number[], level: number, alpha = 0.01): { low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = level * (sorted.length - 1);
  return { low: (1 - alpha) * sorted[Math.floor(rank)], high: (1 + alpha) * sorted[Math.ceil(rank)] };
}
