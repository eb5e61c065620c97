import { classifyMetric, mannWhitneyTest, MetricComparison, normalQuantile } from './mann-whitney';

/**
 * Expected numbers were computed outside this code base with SciPy 1.17.1 (Python 3.11):
 * `scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic', use_continuity=True)`
 * for U and p; the estimate and interval with R's `wilcox.test(conf.int = TRUE, exact = FALSE,
 * correct = TRUE)` algorithm (the one Kayenta ports) written in Python on `scipy.stats.rankdata` and
 * `scipy.optimize.brentq(xtol=1e-12)`. The roots fall on pairwise differences, so they are exact
 * to the root finder's tolerance here.
 */
const REFERENCE = [
  {
    x: [1.2, 3.4, 2.2, 5.1, 4.4, 3.3, 2.9, 6.0],
    y: [1.0, 2.1, 1.9, 2.5, 3.0, 1.4, 2.2, 2.8, 1.7],
    confidence: 0.98,
    expected: { u: 59.5, pValue: 0.026792108255803262, estimate: 1.4, lower: -0.1, upper: 3.2 },
  },
  {
    x: [0.011, 0.013, 0.009, 0.012, 0.01, 0.014, 0.012, 0.011, 0.013, 0.012],
    y: [0.01, 0.012, 0.011, 0.009, 0.01, 0.011, 0.012, 0.01, 0.011, 0.013],
    confidence: 0.95,
    expected: { u: 67, pValue: 0.20269853574703167, estimate: 0.001, lower: -0.001, upper: 0.002 },
  },
  {
    x: [250, 262, 248, 255, 270, 251, 249, 258, 262, 266, 240, 255],
    y: [251, 249, 262, 247, 253, 258, 244, 250, 255, 249, 252, 262],
    confidence: 0.98,
    expected: { u: 87.5, pValue: 0.3842969727047715, estimate: 3, lower: -4, upper: 11 },
  },
  {
    x: [3, 3, 4, 5, 5],
    y: [1, 2, 2, 3, 6, 7],
    confidence: 0.9,
    expected: { u: 19, pValue: 0.5170458762740339, estimate: 1, lower: -2, upper: 3 },
  },
];

const base = (canary: number[], baseline: number[], over: Partial<MetricComparison> = {}): MetricComparison => ({
  canary,
  baseline,
  direction: 'increase',
  critical: false,
  confidence: 0.98,
  tolerance: 0.25,
  ...over,
});

describe('mannWhitneyTest', () => {
  it.each(REFERENCE)('matches SciPy and R’s algorithm (case %#)', ({ x, y, confidence, expected }) => {
    const result = mannWhitneyTest(x, y, confidence);
    expect(result.u).toBe(expected.u);
    expect(Math.abs(result.pValue - expected.pValue) / expected.pValue).toBeLessThan(1e-6);
    const scale = Math.max(...x, ...y) - Math.min(...x, ...y);
    for (const key of ['estimate', 'lower', 'upper'] as const) expect(Math.abs(result[key] - expected[key])).toBeLessThan(scale * 1e-6);
  });

  it('gives the normal quantiles of the confidence levels', () => {
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 8);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 8);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('takes the limit of Kayenta’s noise when each side is constant: the shift itself', () => {
    expect(mannWhitneyTest([5, 5, 5], [3, 3], 0.98)).toMatchObject({ estimate: 2, lower: 2, upper: 2, u: 6 });
  });

  it('refuses what it cannot test', () => {
    expect(() => mannWhitneyTest([], [1], 0.98)).toThrow('at least one value');
    expect(() => mannWhitneyTest([1, Number.NaN], [1], 0.98)).toThrow('finite');
    expect(() => mannWhitneyTest([1], [2], 1)).toThrow('confidence');
  });
});

describe('classifyMetric (Kayenta’s MannWhitneyClassifier)', () => {
  const baseline = [100, 104, 98, 101, 99, 103, 97, 102, 100, 101, 99, 98];

  it('passes identical data and a single shared value without a test', () => {
    expect(classifyMetric(base([...baseline].reverse(), baseline))).toMatchObject({ classification: 'Pass', test: null, reason: 'the canary and baseline data are identical' });
    expect(classifyMetric(base([3, 3], [3, 3, 3]))).toMatchObject({ classification: 'Pass', test: null });
  });

  it('is NoData when a side has no finite value, critical when the metric is', () => {
    expect(classifyMetric(base([Number.NaN], baseline, { critical: true }))).toMatchObject({ classification: 'NoData', critical: true, reason: 'no data for the canary' });
    expect(classifyMetric(base(baseline, [], { critical: false }))).toMatchObject({ classification: 'NoData', critical: false, reason: 'no data for the baseline' });
  });

  it('is NoData below minSamples (a single minute against one would make any difference significant)', () => {
    expect(classifyMetric(base([0.3], [0.2]))).toMatchObject({ classification: 'High' });
    expect(classifyMetric(base([0.3], [0.2], { minSamples: 3 }))).toMatchObject({ classification: 'NoData', reason: 'too few samples (1 canary, 1 baseline; at least 3 each)' });
    expect(() => classifyMetric(base([0.3], [0.2], { minSamples: 0 }))).toThrow('minSamples');
  });

  it('classifies a clear increase High (critical when the metric is) with its evidence', () => {
    const canary = baseline.map((v) => v * 1.5);
    const result = classifyMetric(base(canary, baseline, { critical: true }));
    expect(result.classification).toBe('High');
    expect(result.critical).toBe(true);
    expect(result.reason).toBe('classified as High (critical)');
    expect(result.test!.lower).toBeGreaterThan(result.bounds!.upper);
    expect(result.effectSize).toBeCloseTo(1.5, 12);
    expect(result.canary.median).toBe(150);
    expect(result.baseline.median).toBe(100);
    expect(result.test!.pValue).toBeLessThan(0.001);
  });

  it('ignores a change against the metric’s direction', () => {
    const canary = baseline.map((v) => v * 0.5);
    expect(classifyMetric(base(canary, baseline, { direction: 'increase' })).classification).toBe('Pass');
    expect(classifyMetric(base(canary, baseline, { direction: 'decrease' })).classification).toBe('Low');
    expect(classifyMetric(base(canary, baseline, { direction: 'either' })).classification).toBe('Low');
  });

  it('passes a shift whose interval does not clear tolerance × |estimate|', () => {
    // A 1 % shift inside noise of ±3 %: the interval straddles zero.
    const result = classifyMetric(base(baseline.map((v) => v + 1), baseline));
    expect(result.classification).toBe('Pass');
    expect(result.test!.lower).toBeLessThanOrEqual(result.bounds!.upper);
  });

  it('needs the mean ratio past the allowed increase (the effect-size check)', () => {
    const canary = baseline.map((v) => v * 1.1);
    expect(classifyMetric(base(canary, baseline)).classification).toBe('High');
    const strict = { allowedIncrease: 1.2, allowedDecrease: 1, criticalIncrease: 1.2, criticalDecrease: 1 };
    expect(classifyMetric(base(canary, baseline, { effectSize: strict })).classification).toBe('Pass');
  });

  it('ignores the effect size where the baseline mean is 0 (Kayenta’s NaN mean ratio)', () => {
    const result = classifyMetric(base([0.02, 0.03, 0.025, 0.04, 0.03, 0.02], [0, 0, 0, 0, 0, 0]));
    expect(result.classification).toBe('High');
    expect(result.effectSize).toBeNull();
  });

  it('refuses parameters out of range', () => {
    expect(() => classifyMetric(base(baseline, baseline, { confidence: 0 }))).toThrow('confidence');
    expect(() => classifyMetric(base(baseline, baseline, { tolerance: -1 }))).toThrow('tolerance');
  });
});
