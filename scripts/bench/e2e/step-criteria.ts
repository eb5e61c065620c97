import { UsageError } from '../flags';

/**
 * When a step of the sustained-rate search passes: pure functions over what the step measured,
 * so the rule is unit-tested and stated in one place (docs/benchmarks.md quotes it).
 */

/** Least-squares slope of y over x (units of y per unit of x); NaN with fewer than 2 distinct x. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return NaN;
  let sx = 0;
  let sy = 0;
  for (const { x, y } of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const { x, y } of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? NaN : sxy / sxx;
}

/** One reading of the consumer lag: seconds since the step started, and the total over every partition of every record topic. */
export interface LagSample {
  atS: number;
  lag: number;
  /** Sum of the record topics' end offsets (what ingest has produced so far). */
  produced: number;
}

export interface LagVerdict {
  /** Samples in the second half of the step. */
  samples: number;
  /** Least-squares slope of the lag over the second half, records/s. */
  slopePerS: number;
  /** Records produced per second over the second half (end offsets). */
  producedPerS: number;
  /** slopePerS ÷ producedPerS: the share of production the consumer did not keep up with. */
  growthShare: number;
  /** The lag at the first and the last sample of the second half. */
  lagAtMid: number;
  lagAtEnd: number;
  grows: boolean;
}

/** The lag may grow by at most this share of the records produced over the second half. */
export const MAX_LAG_GROWTH_SHARE = 0.05;

/**
 * The lag "grows" when, over the second half of the step ([stepSeconds/2, stepSeconds]), the
 * least-squares slope of the total lag is above 5 % of the records produced per second in that
 * half. The consumer inserts in batches, so the lag is a saw-tooth of up to about one fetch wait
 * plus one insert of traffic; a slope over ~30 one-second samples is steady against that, while
 * a consumer that keeps only 95 % of the pace shows a clear slope. Fewer than 5 samples: cannot
 * tell, and the step fails (grows = true).
 */
export function judgeLag(samples: readonly LagSample[], stepSeconds: number): LagVerdict {
  const half = samples.filter((s) => s.atS >= stepSeconds / 2 && s.atS <= stepSeconds);
  const slopePerS = slope(half.map((s) => ({ x: s.atS, y: s.lag })));
  const first = half[0];
  const last = half[half.length - 1];
  const producedPerS = half.length >= 2 && last.atS > first.atS ? (last.produced - first.produced) / (last.atS - first.atS) : NaN;
  const growthShare = producedPerS > 0 ? slopePerS / producedPerS : slopePerS > 0 ? Infinity : 0;
  const enough = half.length >= 5 && Number.isFinite(slopePerS);
  return {
    samples: half.length,
    slopePerS,
    producedPerS,
    growthShare,
    lagAtMid: first?.lag ?? NaN,
    lagAtEnd: last?.lag ?? NaN,
    grows: !enough || growthShare > MAX_LAG_GROWTH_SHARE,
  };
}

export interface StepMeasures {
  offeredEventsPerS: number;
  /** Events in envelopes answered 2xx, per second of the step. */
  acceptedEventsPerS: number;
  lag: LagVerdict;
  /** Freshness p95 of the step's samples that were seen (ms); NaN when none were. */
  freshnessP95Ms: number;
  samples: number;
  unseen: number;
}

export const MIN_ACHIEVED_SHARE = 0.97;
export const MAX_FRESHNESS_P95_MS = 5000;

export interface StepVerdict {
  passed: boolean;
  /** Why it failed, one reason per criterion missed; empty when it passed. */
  reasons: string[];
}

/**
 * A step passes when (1) the events of envelopes answered 2xx reached ≥ 97 % of the offered rate
 * (non-2xx answers, network errors and envelopes the generator could not send in time all count
 * against it), (2) the lag did not grow over the second half (judgeLag), (3) the freshness p95 of
 * the step's samples is ≤ 5 s, with at least one sample, and (4) every sample was seen.
 */
export function judgeStep(step: StepMeasures): StepVerdict {
  const reasons: string[] = [];
  const achieved = step.acceptedEventsPerS / step.offeredEventsPerS;
  if (!(achieved >= MIN_ACHIEVED_SHARE)) reasons.push(`achieved ${(achieved * 100).toFixed(1)} % of the offered rate (< ${MIN_ACHIEVED_SHARE * 100} %)`);
  if (step.lag.grows) {
    reasons.push(
      step.lag.samples < 5 || !Number.isFinite(step.lag.slopePerS)
        ? `too few lag samples in the second half (${step.lag.samples})`
        : `lag grew by ${Math.round(step.lag.slopePerS)} records/s over the second half (${(step.lag.growthShare * 100).toFixed(1)} % of production > ${MAX_LAG_GROWTH_SHARE * 100} %)`,
    );
  }
  if (step.samples === 0) reasons.push('no freshness sample');
  else if (!(step.freshnessP95Ms <= MAX_FRESHNESS_P95_MS)) reasons.push(`freshness p95 ${Number.isFinite(step.freshnessP95Ms) ? Math.round(step.freshnessP95Ms) : 'n/a'} ms > ${MAX_FRESHNESS_P95_MS} ms`);
  if (step.unseen > 0) reasons.push(`${step.unseen} of ${step.samples} samples never seen`);
  return { passed: reasons.length === 0, reasons };
}

/** `1000,2000,5000` → [1000, 2000, 5000]; each a positive number, ascending. */
export function parseRates(text: string): number[] {
  const rates = text.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (rates.length === 0 || rates.some((rate) => !Number.isFinite(rate) || rate <= 0)) throw new UsageError(`--rates takes positive events/s separated by commas, got ${JSON.stringify(text)}`);
  if (rates.some((rate, i) => i > 0 && rate <= rates[i - 1])) throw new UsageError(`--rates must be ascending, got ${text}`);
  return rates;
}

/** The highest offered rate of a passing step (0 when none passed). */
export function sustainedRate(steps: ReadonlyArray<{ offeredEventsPerS: number; passed: boolean }>): number {
  return steps.filter((step) => step.passed).reduce((best, step) => Math.max(best, step.offeredEventsPerS), 0);
}
