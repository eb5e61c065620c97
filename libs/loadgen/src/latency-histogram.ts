/** Smallest latency told apart from zero, and the largest kept (longer ones land in the top bucket). */
const MIN_MS = 0.01;
const MAX_MS = 3_600_000;
/** Each bucket is 2% wider than the previous one: a quantile is off by at most ±1% (√1.02 − 1). */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 2;

/**
 * Latencies in log-spaced buckets: constant memory (~1,000 counters) however long the run, and
 * quantiles within ±1% of the exact nearest-rank value (tested). Min, max, count and sum are exact.
 */
export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sumMs = 0;
  private minMs = Infinity;
  private maxMs = 0;

  record(ms: number): void {
    const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.counts[bucketOf(value)]++;
    this.total++;
    this.sumMs += value;
    if (value < this.minMs) this.minMs = value;
    if (value > this.maxMs) this.maxMs = value;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sumMs / this.total;
  }

  /**
   * Nearest-rank quantile (the smallest value with at least q·n values at or below it), from the
   * bucket's geometric midpoint, clamped to the exact min and max. 0 when empty.
   */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    if (rank >= this.total) return this.maxMs;
    let seen = 0;
    // The top bucket is open-ended (everything over MAX_MS): its values are only known by the max.
    for (let bucket = 0; bucket < BUCKETS - 1; bucket++) {
      seen += this.counts[bucket];
      if (seen >= rank) return Math.min(this.maxMs, Math.max(this.minMs, midpointOf(bucket)));
    }
    return this.maxMs;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sumMs = 0;
    this.minMs = Infinity;
    this.maxMs = 0;
  }
}

/** Bucket 0 holds [0, MIN_MS); bucket i ≥ 1 holds [MIN_MS·G^(i−1), MIN_MS·G^i). */
function bucketOf(ms: number): number {
  if (ms < MIN_MS) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH));
}

function midpointOf(bucket: number): number {
  return bucket === 0 ? 0 : MIN_MS * Math.exp((bucket - 0.5) * LOG_GROWTH);
}
