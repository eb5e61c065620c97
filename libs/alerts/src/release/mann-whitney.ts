/**
 * The Mann–Whitney U test as Netflix/Spinnaker Kayenta judges one canary metric, ported so a
 * release rule classifies a metric exactly as Kayenta's NetflixACAJudge would. Pure: no I/O.
 *
 * Sources (spinnaker/kayenta, read at a69573be9d8f):
 * - kayenta-mannwhitney/src/main/scala/com/netflix/kayenta/mannwhitney/MannWhitney.scala: the
 *   two-sided test with a confidence interval and an estimate of the location shift
 *   canary − baseline, R's `wilcox.test(conf.int = TRUE, exact = FALSE, correct = TRUE)`: the
 *   standardized rank-sum statistic of (canary − mu) against the baseline, as a function of mu, is
 *   solved for 0 (the estimate, a Hodges–Lehmann-type estimator) and for ±z(1 − α/2) (the interval)
 *   with Brent's method (BrentSolver.java, R's zeroin) on [min(x) − max(y), max(x) − min(y)].
 * - kayenta-judge/.../classifiers/metric/MannWhitneyClassifier.scala: High when the interval's
 *   lower end is above `tolerance × |estimate|` and the effect size (mean ratio canary / baseline,
 *   EffectSizes.meanRatio; NaN when either mean is 0, and then ignored) is at least the allowed
 *   increase (default 1.0); Low symmetrically; only in the metric's direction; Pass otherwise.
 *   The identical-data and single-value shortcuts pass; no data (after removing NaNs, the
 *   judge's default NaN strategy `remove`) is Nodata, critical when the metric is; so is a side
 *   with fewer than `minSamples` values (an addition; Kayenta has no minimum). Kayenta's newer
 *   versions keep the mean ratio as the default measure (CLES optional; Cohen's d is computed in
 *   EffectSizes.scala but the classifier does not use it), so the mean ratio is what is used here.
 * - kayenta-judge/.../NetflixACAJudge.scala: confidence 0.98 and tolerance 0.25 as defaults.
 *
 * Two deliberate differences, both numeric: Kayenta adds Gaussian noise (σ = 1e-5 × value) when
 * each sample is constant, which makes its answer random; here the limit of that noise is used
 * (estimate and interval = the difference of the two values). And the root is found to a
 * tolerance relative to the search interval instead of R's absolute 1e-4, which is coarse for rates
 * of the order of 1e-3. The U statistic and its two-sided p-value (normal approximation with tie
 * and continuity correction, scipy's `mannwhitneyu(method='asymptotic')`) are reported as evidence;
 * Kayenta decides on the interval only, and so does this.
 */

export type MetricDirection = 'increase' | 'decrease' | 'either';
export type MetricClassificationLabel = 'Pass' | 'High' | 'Low' | 'NoData';

export interface MannWhitneyResult {
  /** U of the canary sample: pairs (canary, baseline) with canary > baseline, ties counting one half. */
  u: number;
  /** Two-sided p-value of "no location shift" (normal approximation with tie and continuity correction). */
  pValue: number;
  /** The location shift canary − baseline (R's estimate: the root of the standardized statistic). */
  estimate: number;
  /** The shift's confidence interval at the test's confidence. */
  lower: number;
  upper: number;
}

export interface SampleSummary {
  count: number;
  median: number | null;
  mean: number | null;
}

export interface EffectSizeThresholds {
  /** A High needs a mean ratio at least this (Kayenta's allowedIncrease, default 1.0). */
  allowedIncrease: number;
  /** A Low needs a mean ratio at most this (allowedDecrease, default 1.0). */
  allowedDecrease: number;
  /** A High of a critical metric fails the canary from this ratio on (criticalIncrease, default 1.0). */
  criticalIncrease: number;
  criticalDecrease: number;
}

export const KAYENTA_EFFECT_SIZE: EffectSizeThresholds = { allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 };

export interface MetricComparison {
  canary: readonly number[];
  baseline: readonly number[];
  direction: MetricDirection;
  critical: boolean;
  /** Of the interval, in (0, 1); Kayenta's judge uses 0.98. */
  confidence: number;
  /** Fraction of |estimate| the interval must clear (Kayenta's 0.25). */
  tolerance: number;
  effectSize?: EffectSizeThresholds;
  /**
   * Fewer finite values than this on either side is NoData (default 1, Kayenta's: only an empty
   * side). With one value a side the interval is the bare difference, so any change is significant.
   */
  minSamples?: number;
}

export interface MetricClassification {
  classification: MetricClassificationLabel;
  /** True when this result fails the canary by itself (a critical metric that did not pass). */
  critical: boolean;
  reason: string | null;
  canary: SampleSummary;
  baseline: SampleSummary;
  /** Absent when no test ran (no data, identical data, a single value). */
  test: MannWhitneyResult | null;
  /** ±tolerance × |estimate|: the band the interval must clear. */
  bounds: { lower: number; upper: number } | null;
  /** Mean ratio canary / baseline; null where Kayenta's is NaN (a mean of 0, no data). */
  effectSize: number | null;
}

export function classifyMetric(input: MetricComparison): MetricClassification {
  checkParameters(input.confidence, input.tolerance);
  const canary = input.canary.filter(Number.isFinite);
  const baseline = input.baseline.filter(Number.isFinite);
  const summaries = { canary: summarize(canary), baseline: summarize(baseline) };
  const untested = (classification: MetricClassificationLabel, critical: boolean, reason: string | null): MetricClassification => ({
    classification,
    critical,
    reason,
    ...summaries,
    test: null,
    bounds: null,
    effectSize: canary.length > 0 && baseline.length > 0 ? finiteOrNull(meanRatio(baseline, canary)) : null,
  });
  if (canary.length === 0 || baseline.length === 0) return untested('NoData', input.critical, `no data for the ${canary.length === 0 ? 'canary' : 'baseline'}`);
  const minSamples = input.minSamples ?? 1;
  if (!Number.isInteger(minSamples) || minSamples < 1) throw new RangeError(`minSamples must be an integer ≥ 1, got ${minSamples}`);
  if (canary.length < minSamples || baseline.length < minSamples) {
    return untested('NoData', input.critical, `too few samples (${canary.length} canary, ${baseline.length} baseline; at least ${minSamples} each)`);
  }
  if (sameValues(canary, baseline)) return untested('Pass', false, 'the canary and baseline data are identical');
  if (new Set([...canary, ...baseline]).size === 1) return untested('Pass', false, null);

  const test = mannWhitneyTest(canary, baseline, input.confidence);
  const critical = Math.abs(test.estimate) * input.tolerance;
  const bounds = { lower: -critical, upper: critical };
  const ratio = meanRatio(baseline, canary);
  const thresholds = input.effectSize ?? KAYENTA_EFFECT_SIZE;
  const increaseCounts = input.direction !== 'decrease';
  const decreaseCounts = input.direction !== 'increase';
  // As MannWhitneyClassifier.compare: an effect size that cannot be computed is not checked.
  const isHigh = increaseCounts && test.lower > bounds.upper && (Number.isNaN(ratio) || ratio >= thresholds.allowedIncrease);
  const isLow = !isHigh && decreaseCounts && test.upper < bounds.lower && (Number.isNaN(ratio) || ratio <= thresholds.allowedDecrease);
  const classification: MetricClassificationLabel = isHigh ? 'High' : isLow ? 'Low' : 'Pass';
  const criticalFailure =
    input.critical &&
    ((isHigh && (Number.isNaN(ratio) || ratio >= thresholds.criticalIncrease)) || (isLow && (Number.isNaN(ratio) || ratio <= thresholds.criticalDecrease)));
  const reason = classification === 'Pass' ? null : `classified as ${classification}${criticalFailure ? ' (critical)' : ''}`;
  return { classification, critical: criticalFailure, reason, ...summaries, test, bounds, effectSize: finiteOrNull(ratio) };
}

/**
 * The two-sided test of `experiment` (the canary) against `control` (the baseline). Both must hold
 * finite numbers and not be tied all together (classifyMetric passes those cases before testing).
 */
export function mannWhitneyTest(experiment: readonly number[], control: readonly number[], confidence: number): MannWhitneyResult {
  checkParameters(confidence, 0);
  if (experiment.length === 0 || control.length === 0) throw new RangeError('the Mann–Whitney test needs at least one value on each side');
  if (![...experiment, ...control].every(Number.isFinite)) throw new RangeError('the Mann–Whitney test takes finite values only');
  const { u, pValue } = uStatistic(experiment, control);
  if (new Set(experiment).size === 1 && new Set(control).size === 1) {
    const shift = experiment[0] - control[0];
    return { u, pValue, estimate: shift, lower: shift, upper: shift };
  }
  const muMin = Math.min(...experiment) - Math.max(...control);
  const muMax = Math.max(...experiment) - Math.min(...control);
  const tolerance = Math.max((muMax - muMin) * 1e-9, Number.MIN_VALUE);
  const root = (zq: number): number => {
    const fLower = wilcoxonDiff(muMin, zq, experiment, control);
    const fUpper = wilcoxonDiff(muMax, zq, experiment, control);
    if (fLower <= 0) return muMin;
    if (fUpper >= 0) return muMax;
    return brentRoot(muMin, muMax, fLower, fUpper, (mu) => wilcoxonDiff(mu, zq, experiment, control), tolerance);
  };
  const zQuant = normalQuantile((1 - confidence) / 2);
  const lower = root(-zQuant);
  const upper = root(zQuant);
  const estimate = brentRoot(
    muMin,
    muMax,
    wilcoxonDiff(muMin, 0, experiment, control),
    wilcoxonDiff(muMax, 0, experiment, control),
    (mu) => wilcoxonDiff(mu, 0, experiment, control),
    tolerance,
  );
  return { u, pValue, estimate, lower, upper };
}

function checkParameters(confidence: number, tolerance: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) throw new RangeError(`tolerance must be a finite number ≥ 0, got ${tolerance}`);
}

/** U of x and the asymptotic two-sided p-value, as scipy.stats.mannwhitneyu(x, y, method='asymptotic'). */
function uStatistic(x: readonly number[], y: readonly number[]): { u: number; pValue: number } {
  const n = x.length;
  const m = y.length;
  const { ranks, tieTerm } = averageRanks([...x, ...y]);
  let rankSum = 0;
  for (let i = 0; i < n; i++) rankSum += ranks[i];
  const u = rankSum - (n * (n + 1)) / 2;
  const total = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1))));
  if (sigma === 0) return { u, pValue: 1 };
  const z = (Math.max(u, n * m - u) - (n * m) / 2 - 0.5) / sigma;
  return { u, pValue: Math.min(1, 2 * normalUpperTail(z)) };
}

/** Kayenta's wilcoxonDiff: the continuity-corrected, tie-corrected z of the rank sum of x − mu against y, minus `quantile`. */
function wilcoxonDiff(mu: number, quantile: number, x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const m = y.length;
  const { ranks, tieTerm } = averageRanks([...x.map((v) => v - mu), ...y]);
  let rankSum = 0;
  for (let i = 0; i < n; i++) rankSum += ranks[i];
  const dz = rankSum - (n * (n + 1)) / 2 - (n * m) / 2;
  const correction = Math.sign(dz) * 0.5;
  const sigma = Math.sqrt(((n * m) / 12) * (n + m + 1 - tieTerm / ((n + m) * (n + m - 1))));
  if (sigma === 0) throw new RangeError('cannot compute the confidence interval when all observations are tied');
  return (dz - correction) / sigma - quantile;
}

/** Ranks 1…N with ties given their average rank, and Σ(t³ − t) over the groups of ties. */
function averageRanks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    const ties = end - start;
    tieTerm += ties * ties * ties - ties;
    start = end;
  }
  return { ranks, tieTerm };
}

/** Brent's method as Kayenta's BrentSolver.java (R's zeroin), with a caller-chosen absolute tolerance. */
function brentRoot(ax: number, bx: number, faStart: number, fbStart: number, f: (x: number) => number, tolerance: number): number {
  let a = ax;
  let b = bx;
  let fa = faStart;
  let fb = fbStart;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let iteration = 0; iteration <= 1000; iteration++) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * Number.EPSILON * Math.abs(b) + tolerance / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(previousStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((previousStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

/** P(Z > z) for a standard normal Z, through erfc (Numerical Recipes' erfcc: relative error < 1.2e-7). */
function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return (x >= 0 ? erfc : 2 - erfc) / 2;
}

/** The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a normal quantile needs p in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Kayenta's EffectSizes.meanRatio(control, experiment): NaN when either mean is 0. */
function meanRatio(control: readonly number[], experiment: readonly number[]): number {
  const controlMean = mean(control);
  const experimentMean = mean(experiment);
  return controlMean === 0 || experimentMean === 0 ? Number.NaN : experimentMean / controlMean;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function summarize(values: readonly number[]): SampleSummary {
  if (values.length === 0) return { count: 0, median: null, mean: null };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { count: values.length, median, mean: mean(values) };
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
