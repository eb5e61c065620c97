import type { CanaryMetricConfig } from '../rules/alert-rule';
import { CANARY_MIN_SAMPLES, CanaryJudgeRule, CanaryMetricSeries, judgeCanary } from './canary-judge';

/** A fixed pseudo-random series (an LCG), so every run sees the same minutes. */
function series(seed: number, length: number, mean: number, spread: number): number[] {
  let state = seed;
  return Array.from({ length }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return mean + (state / 2_147_483_648 - 0.5) * 2 * spread;
  });
}

const METRICS: CanaryMetricConfig[] = [
  { metric: 'error_rate', critical: true, weight: 1 },
  { metric: 'failure_rate', critical: true, weight: 1 },
  { metric: 'p95', critical: false, weight: 1 },
  { metric: 'crash_free_rate', critical: false, weight: 1 },
];
const RULE: CanaryJudgeRule = { metrics: METRICS, confidence: 0.98, tolerance: 0.25, passScore: 75, marginalScore: 50 };

function baseline(seed: number): CanaryMetricSeries {
  return {
    error_rate: { canary: series(seed, 30, 0.02, 0.01), baseline: series(seed + 1, 30, 0.02, 0.01) },
    failure_rate: { canary: series(seed + 2, 30, 0.05, 0.02), baseline: series(seed + 3, 30, 0.05, 0.02) },
    p95: { canary: series(seed + 4, 30, 300, 60), baseline: series(seed + 5, 30, 300, 60) },
    crash_free_rate: { canary: series(seed + 6, 30, 0.99, 0.005), baseline: series(seed + 7, 30, 0.99, 0.005) },
  };
}

describe('judgeCanary', () => {
  it('passes a canary identical to its baseline with score 100', () => {
    const same = (values: number[]) => ({ canary: values, baseline: [...values] });
    const result = judgeCanary(
      { error_rate: same([0.01, 0.02, 0.015]), failure_rate: same([0.05, 0.04, 0.06]), p95: same([310, 290, 305]), crash_free_rate: same([0.99, 1, 1]) },
      RULE,
    );
    expect(result).toMatchObject({ verdict: 'pass', score: 100, scoreReason: null, reasons: [] });
    expect(result.metrics.map((m) => m.classification)).toEqual(['Pass', 'Pass', 'Pass', 'Pass']);
  });

  it('passes a canary from the same distribution (different minutes)', () => {
    const result = judgeCanary(baseline(11), RULE);
    expect(result.metrics.map((m) => m.classification)).toEqual(['Pass', 'Pass', 'Pass', 'Pass']);
    expect(result.verdict).toBe('pass');
  });

  it('passes a canary slightly off its baseline, within the noise', () => {
    const samples = baseline(21);
    samples.p95 = { canary: samples.p95!.canary.map((v) => v * 1.03), baseline: samples.p95!.baseline };
    samples.failure_rate = { canary: samples.failure_rate!.canary.map((v) => v + 0.002), baseline: samples.failure_rate!.baseline };
    const result = judgeCanary(samples, RULE);
    expect(result.verdict).toBe('pass');
    expect(result.score).toBe(100);
  });

  it('fails a clearly worse canary: a critical metric High makes the score 0', () => {
    const samples = baseline(31);
    samples.failure_rate = { canary: series(90, 30, 0.2, 0.03), baseline: samples.failure_rate!.baseline };
    samples.p95 = { canary: series(91, 30, 600, 60), baseline: samples.p95!.baseline };
    const result = judgeCanary(samples, RULE);
    expect(result.verdict).toBe('fail');
    expect(result.score).toBe(0);
    expect(result.scoreReason).toBe('canary failed: failure_rate classified as High (critical)');
    const failure = result.metrics.find((m) => m.metric === 'failure_rate')!;
    expect(failure).toMatchObject({ classification: 'High', critical: true });
    expect(failure.test!.lower).toBeGreaterThan(0.1);
    expect(result.reasons).toHaveLength(3);
    expect(result.reasons[1]).toMatch(/^failure_rate: High — canary median 0\.\d+ vs baseline 0\.0\d+, shift .* \(critical\)$/);
    expect(result.reasons[2]).toMatch(/^p95: High — canary median \d+/);
  });

  it('scores a failing non-critical metric by weight: marginal or fail by the thresholds', () => {
    const samples = baseline(41);
    samples.p95 = { canary: series(92, 30, 600, 60), baseline: samples.p95!.baseline };
    expect(judgeCanary(samples, RULE)).toMatchObject({ score: 75, verdict: 'pass' });
    expect(judgeCanary(samples, { ...RULE, passScore: 80 })).toMatchObject({ score: 75, verdict: 'marginal' });
    const heavy = METRICS.map((m) => (m.metric === 'p95' ? { ...m, weight: 3 } : m));
    expect(judgeCanary(samples, { ...RULE, metrics: heavy })).toMatchObject({ score: 50, verdict: 'marginal' });
    expect(judgeCanary(samples, { ...RULE, metrics: heavy, marginalScore: 60, passScore: 90 })).toMatchObject({ score: 50, verdict: 'fail' });
  });

  it('flags a lower crash-free rate (lower is worse) and ignores a better one', () => {
    const samples = baseline(51);
    samples.crash_free_rate = { canary: series(93, 30, 0.9, 0.01), baseline: samples.crash_free_rate!.baseline };
    expect(judgeCanary(samples, RULE).metrics[3]).toMatchObject({ metric: 'crash_free_rate', classification: 'Low', critical: false });
    samples.crash_free_rate = { canary: series(94, 30, 0.999, 0.0005), baseline: series(95, 30, 0.95, 0.01) };
    expect(judgeCanary(samples, RULE).metrics[3].classification).toBe('Pass');
  });

  describe('no data', () => {
    it('a non-critical metric without data counts as passing (Kayenta scores an empty group 100)', () => {
      const samples = baseline(61);
      delete samples.crash_free_rate;
      const result = judgeCanary(samples, RULE);
      expect(result).toMatchObject({ verdict: 'pass', score: 100 });
      expect(result.metrics[3]).toMatchObject({ classification: 'NoData', critical: false, test: null });
      expect(result.reasons).toEqual(['crash_free_rate: no data (no data for the canary)']);
    });

    it('a critical metric without data (NaN minutes only) fails the canary', () => {
      const samples = baseline(71);
      samples.error_rate = { canary: [Number.NaN, Number.NaN], baseline: samples.error_rate!.baseline };
      const result = judgeCanary(samples, RULE);
      expect(result).toMatchObject({ verdict: 'fail', score: 0, scoreReason: 'canary failed: error_rate no data for the canary' });
    });

    it('fewer than CANARY_MIN_SAMPLES minutes a side is no data, not a difference', () => {
      const samples = baseline(75);
      samples.failure_rate = { canary: [0.5, 0.6], baseline: [0.05, 0.04] };
      const result = judgeCanary(samples, RULE);
      expect(result.metrics[1]).toMatchObject({ classification: 'NoData', critical: true, reason: `too few samples (2 canary, 2 baseline; at least ${CANARY_MIN_SAMPLES} each)` });
      expect(result.verdict).toBe('fail');
    });

    it('half of the metrics without data fails the canary', () => {
      const samples = baseline(81);
      delete samples.crash_free_rate;
      samples.p95 = { canary: samples.p95!.canary, baseline: [] };
      expect(judgeCanary(samples, RULE)).toMatchObject({ verdict: 'fail', score: 0, scoreReason: 'canary failed: 50% or more of the metrics have no data' });
    });
  });

  it('refuses a rule it cannot score', () => {
    expect(() => judgeCanary({}, { ...RULE, metrics: [] })).toThrow('at least one metric');
    expect(() => judgeCanary({}, { ...RULE, marginalScore: 80 })).toThrow('marginalScore');
    expect(() => judgeCanary({}, { ...RULE, metrics: [{ metric: 'p95', critical: false, weight: 0 }] })).toThrow('weight');
  });
});
