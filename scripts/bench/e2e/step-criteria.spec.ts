import { freshnessFigures } from './freshness';
import { judgeLag, judgeStep, LagSample, parseRates, slope, StepMeasures, sustainedRate } from './step-criteria';

/** One sample a second for `seconds`, production at `rate` records/s, lag given per second. */
function lagSeries(seconds: number, rate: number, lagAt: (t: number) => number): LagSample[] {
  return Array.from({ length: seconds + 1 }, (_, t) => ({ atS: t, lag: lagAt(t), produced: rate * t }));
}

describe('slope', () => {
  it('is the least-squares slope', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 5 }, { x: 1, y: 1 }, { x: 2, y: 5 }])).toBeCloseTo(0);
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
    expect(slope([{ x: 1, y: 1 }, { x: 1, y: 2 }])).toBeNaN();
  });
});

describe('judgeLag', () => {
  it('does not call a batch consumer saw-tooth growth', () => {
    // Lag builds up for 1.5 s of traffic, then drops to 0 at each commit (period 2 s).
    const verdict = judgeLag(lagSeries(60, 10_000, (t) => (t % 2 === 0 ? 15_000 : 2_000)), 60);
    expect(verdict.samples).toBe(31);
    expect(verdict.producedPerS).toBeCloseTo(10_000);
    expect(verdict.grows).toBe(false);
  });

  it('looks at the second half only: a start-up backlog that is worked off passes', () => {
    const verdict = judgeLag(lagSeries(60, 10_000, (t) => Math.max(0, 40_000 - 2000 * t)), 60);
    expect(verdict.grows).toBe(false);
    expect(verdict.lagAtEnd).toBe(0);
  });

  it('calls a consumer that keeps 90 % of the pace growing', () => {
    const verdict = judgeLag(lagSeries(60, 10_000, (t) => 1000 * t), 60);
    expect(verdict.slopePerS).toBeCloseTo(1000);
    expect(verdict.growthShare).toBeCloseTo(0.1);
    expect(verdict.grows).toBe(true);
  });

  it('allows growth up to 5 % of production', () => {
    expect(judgeLag(lagSeries(60, 10_000, (t) => 400 * t), 60).grows).toBe(false);
    expect(judgeLag(lagSeries(60, 10_000, (t) => 600 * t), 60).grows).toBe(true);
  });

  it('fails a step it cannot judge (fewer than 5 samples in the second half)', () => {
    expect(judgeLag(lagSeries(60, 10_000, () => 0).slice(0, 33), 60).grows).toBe(true);
  });
});

describe('judgeStep', () => {
  const calm = judgeLag(lagSeries(60, 10_000, () => 500), 60);
  const good: StepMeasures = { offeredEventsPerS: 5000, acceptedEventsPerS: 4900, lag: calm, freshnessP95Ms: 3000, samples: 200, unseen: 0 };

  it('passes when every criterion holds', () => {
    expect(judgeStep(good)).toEqual({ passed: true, reasons: [] });
  });

  it('needs 97 % of the offered rate accepted', () => {
    expect(judgeStep({ ...good, acceptedEventsPerS: 4850 }).passed).toBe(true);
    const verdict = judgeStep({ ...good, acceptedEventsPerS: 4800 });
    expect(verdict.passed).toBe(false);
    expect(verdict.reasons).toEqual(['achieved 96.0 % of the offered rate (< 97 %)']);
  });

  it('fails on growing lag, late freshness, no samples or unseen samples, naming each', () => {
    const growing = judgeLag(lagSeries(60, 10_000, (t) => 1000 * t), 60);
    expect(judgeStep({ ...good, lag: growing }).reasons[0]).toMatch(/^lag grew by 1000 records\/s over the second half \(10\.0 % of production > 5 %\)$/);
    expect(judgeStep({ ...good, freshnessP95Ms: 5001 }).reasons).toEqual(['freshness p95 5001 ms > 5000 ms']);
    expect(judgeStep({ ...good, freshnessP95Ms: 5000 }).passed).toBe(true);
    expect(judgeStep({ ...good, samples: 0, freshnessP95Ms: NaN }).reasons).toEqual(['no freshness sample']);
    expect(judgeStep({ ...good, unseen: 2 }).reasons).toEqual(['2 of 200 samples never seen']);
  });
});

describe('parseRates and sustainedRate', () => {
  it('parses ascending positive rates', () => {
    expect(parseRates('1000, 2_000,5000')).toEqual([1000, 2000, 5000]);
    expect(() => parseRates('1000,500')).toThrow(/ascending/);
    expect(() => parseRates('1000,x')).toThrow(/positive/);
  });

  it('is the highest offered rate that passed, 0 when none did', () => {
    expect(sustainedRate([{ offeredEventsPerS: 1000, passed: true }, { offeredEventsPerS: 2000, passed: true }, { offeredEventsPerS: 3000, passed: false }])).toBe(2000);
    expect(sustainedRate([{ offeredEventsPerS: 1000, passed: false }])).toBe(0);
  });
});

describe('freshnessFigures', () => {
  it('reports percentiles over the seen samples and counts the unseen ones', () => {
    const samples = [100, 200, 300, 400, undefined].map((delay, i) => ({ traceId: `t${i}`, projectId: 1, sentAtMs: 1000, phase: 'p', polls: 2, seenAtMs: delay === undefined ? undefined : 1000 + delay }));
    expect(freshnessFigures(samples)).toEqual({ samples: 5, seen: 4, unseen: 1, p50Ms: 200, p95Ms: 400, maxMs: 400, meanPollsPerSample: 2 });
    expect(freshnessFigures([])).toMatchObject({ samples: 0, seen: 0, unseen: 0, p95Ms: NaN });
  });
});
