const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * Deterministic pseudo-random numbers for the load generator: mulberry32 (32-bit state, period
 * 2^32, passes gjrand/PractRand up to the sizes a load run draws) plus the few distributions the
 * workload needs. The same seed always gives the same sequence, so a run's content can be replayed.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform 32-bit unsigned integer; used to seed child generators. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** An item drawn with probability proportional to `weightOf(item)`. */
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T {
    let total = 0;
    for (const item of items) total += weightOf(item);
    if (!(total > 0)) throw new Error('weighted pick needs a positive total weight');
    let target = this.next() * total;
    for (const item of items) {
      target -= weightOf(item);
      if (target < 0) return item;
    }
    // Only reachable through floating-point rounding of the running subtraction.
    return items[items.length - 1];
  }

  /** Standard normal sample (Box–Muller; one of the pair is discarded to keep the state simple). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /**
   * Log-normal sample with the given median and shape σ (the σ of the underlying normal): the usual
   * shape of request latencies and paint times. Mean = median·e^(σ²/2); p95 ≈ median·e^(1.645σ).
   */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** `length` lower-case hex digits (ids: 32 for trace and event ids, 16 for span ids). */
  hex(length: number): string {
    // Byte by byte from a table: the same digits as uint32().toString(16).padStart(8, '0'), several
    // times faster (a load run draws ~20 ids per pageload).
    let out = '';
    while (out.length < length) {
      const value = this.uint32();
      out += HEX_BYTES[value >>> 24] + HEX_BYTES[(value >>> 16) & 0xff] + HEX_BYTES[(value >>> 8) & 0xff] + HEX_BYTES[value & 0xff];
    }
    return out.length === length ? out : out.slice(0, length);
  }
}

/** A seed for a run that did not ask for one: any 31-bit value, printed in the summary to replay it. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
