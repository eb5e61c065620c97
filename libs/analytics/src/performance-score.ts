/**
 * The performance score of metrics.md: Lighthouse's log-normal scoring of each vital's p75 against
 * desktop anchors, then a weighted mean over the vitals that have samples. Reported on a 0..100
 * scale, unrounded; null when no scored vital has a sample.
 */
export type ScoredVitalName = 'lcp' | 'fcp' | 'cls' | 'ttfb' | 'inp';

export interface ScoreCurve {
  /** The value scoring 0.9. */
  p10: number;
  /** The value scoring 0.5. */
  p50: number;
  /** Share of the overall score when every scored vital is present. */
  weight: number;
}

export const PERFORMANCE_SCORE_CURVES: Readonly<Record<ScoredVitalName, ScoreCurve>> = {
  lcp: { p10: 1200, p50: 2400, weight: 0.3 },
  fcp: { p10: 900, p50: 1600, weight: 0.15 },
  cls: { p10: 0.1, p50: 0.25, weight: 0.15 },
  ttfb: { p10: 200, p50: 400, weight: 0.1 },
  inp: { p10: 200, p50: 500, weight: 0.3 },
};

/** erf⁻¹(0.8): with sigma chosen from it, a value at p10 scores 0.5·(1 + 0.8) = 0.9. */
const ERF_INV_0_8 = 0.9061938;

/**
 * The Gauss error function by Abramowitz & Stegun 7.1.26 (the approximation Lighthouse uses):
 * absolute error at most 1.5e-7 for every x, so a vital's score is off by at most 7.5e-8 and the
 * 0..100 score by at most 7.5e-6. Exactly 0 at 0 and odd.
 */
export function erf(x: number): number {
  if (x === 0) return 0;
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

/** One vital's score in [0, 1]: 0.5 at p50, 0.9 at p10, 1 for a value of 0 (CLS without any shift). */
export function vitalScore(vital: ScoredVitalName, value: number): number {
  const { p10, p50 } = PERFORMANCE_SCORE_CURVES[vital];
  if (value <= 0) return 1;
  const sigma = Math.abs(Math.log(p10) - Math.log(p50)) / (Math.SQRT2 * ERF_INV_0_8);
  const score = 0.5 * (1 - erf((Math.log(value) - Math.log(p50)) / (Math.SQRT2 * sigma)));
  return Math.min(1, Math.max(0, score));
}

/**
 * The weighted mean of the vital scores over the vitals given a finite p75 (weights renormalised
 * over those), times 100; null when none is given. Other keys (fid) are ignored.
 */
export function performanceScore(p75s: Partial<Record<string, number | null>>): number | null {
  let weighted = 0;
  let weights = 0;
  for (const [vital, curve] of Object.entries(PERFORMANCE_SCORE_CURVES) as Array<[ScoredVitalName, ScoreCurve]>) {
    const value = p75s[vital];
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    weighted += curve.weight * vitalScore(vital, value);
    weights += curve.weight;
  }
  return weights === 0 ? null : (100 * weighted) / weights;
}
