import { erf, PERFORMANCE_SCORE_CURVES, performanceScore, ScoredVitalName, vitalScore } from './performance-score';

const VITALS = Object.keys(PERFORMANCE_SCORE_CURVES) as ScoredVitalName[];
/** A&S 7.1.26's stated bound. */
const ERF_ERROR = 1.5e-7;

describe('erf', () => {
  it.each([
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [0.9061938, 0.8],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [4, 0.9999999845827421],
  ])('erf(%d) is within 1.5e-7 of %d, and odd', (x, expected) => {
    expect(Math.abs(erf(x) - expected)).toBeLessThanOrEqual(ERF_ERROR);
    expect(erf(-x)).toBe(-erf(x));
  });

  it('is exactly 0 at 0 and tends to ±1', () => {
    expect(erf(0)).toBe(0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
  });
});

describe('vitalScore', () => {
  it.each(VITALS)('%s scores 0.5 at its p50 and 0.9 at its p10', (vital) => {
    const { p10, p50 } = PERFORMANCE_SCORE_CURVES[vital];
    expect(vitalScore(vital, p50)).toBe(0.5);
    expect(Math.abs(vitalScore(vital, p10) - 0.9)).toBeLessThanOrEqual(ERF_ERROR);
  });

  it('falls as the value grows, is 1 for 0 and stays in [0, 1]', () => {
    const values = [0, 0.01, 0.1, 0.25, 1, 100, 1000, 2400, 10_000, 1e9];
    const scores = values.map((value) => vitalScore('lcp', value));
    scores.slice(1).forEach((score, i) => expect(score).toBeLessThanOrEqual(scores[i]));
    expect(vitalScore('cls', 0)).toBe(1);
    scores.forEach((score) => expect(score).toBeGreaterThanOrEqual(0));
    expect(scores[scores.length - 1]).toBeLessThan(1e-6);
  });
});

describe('performanceScore', () => {
  it('is 50 with every vital at its p50 and 90 at its p10, on a 0..100 scale', () => {
    const at = (side: 'p10' | 'p50') => Object.fromEntries(VITALS.map((vital) => [vital, PERFORMANCE_SCORE_CURVES[vital][side]]));
    expect(performanceScore(at('p50'))).toBeCloseTo(50, 12);
    expect(Math.abs((performanceScore(at('p10')) as number) - 90)).toBeLessThanOrEqual(100 * ERF_ERROR);
  });

  it('renormalises the weights over the vitals present and ignores fid', () => {
    const lcpAtP10 = vitalScore('lcp', 1200);
    expect(performanceScore({ lcp: 1200, fid: 5000 })).toBeCloseTo(100 * lcpAtP10, 12);
    // (0.3 · s(lcp) + 0.15 · 0.5) / 0.45
    expect(performanceScore({ lcp: 1200, cls: 0.25, inp: null })).toBeCloseTo((100 * (0.3 * lcpAtP10 + 0.15 * 0.5)) / 0.45, 12);
    expect(performanceScore({ ttfb: 400, inp: 500 })).toBeCloseTo(50, 12);
  });

  it('weighs LCP 30%, FCP 15%, CLS 15%, TTFB 10%, INP 30%', () => {
    const scores = { lcp: vitalScore('lcp', 3000), fcp: vitalScore('fcp', 1000), cls: vitalScore('cls', 0), ttfb: vitalScore('ttfb', 900), inp: vitalScore('inp', 150) };
    const expected = 100 * (0.3 * scores.lcp + 0.15 * scores.fcp + 0.15 * scores.cls + 0.1 * scores.ttfb + 0.3 * scores.inp);
    expect(performanceScore({ lcp: 3000, fcp: 1000, cls: 0, ttfb: 900, inp: 150 })).toBeCloseTo(expected, 10);
  });

  it('is null when no scored vital has a p75', () => {
    expect(performanceScore({})).toBeNull();
    expect(performanceScore({ fid: 80, lcp: null, cls: NaN })).toBeNull();
  });
});
