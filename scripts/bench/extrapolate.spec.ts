import { extrapolate, fit, predict } from './extrapolate';
import { UsageError } from './flags';
import { readOptions } from './options';
import type { QueryFigure } from './report';

const figure = (name: string, range: string, rows: number, p50: number, p95: number): QueryFigure => ({
  name,
  range,
  stored_rows: rows,
  p50_ms: p50,
  p95_ms: p95,
  min_ms: p50,
  max_ms: p95,
  baseline_p50_ms: 1,
  baseline_p95_ms: 1,
  ratio: p50,
  iterations: 10,
});

describe('extrapolate', () => {
  it('recovers an exact log-linear and an exact power law', () => {
    const rows = [1e6, 3e6, 1e7];
    const linear = fit(rows, rows.map((r) => 10 + 20 * Math.log10(r)));
    expect(linear.logLinear.a).toBeCloseTo(10);
    expect(linear.logLinear.b).toBeCloseTo(20);
    expect(predict(linear, 1e8).logLinear).toBeCloseTo(170);
    const power = fit(rows, rows.map((r) => 0.5 * r ** 0.3));
    expect(power.powerLaw.k).toBeCloseTo(0.3);
    expect(predict(power, 1e8).powerLaw).toBeCloseTo(0.5 * 1e8 ** 0.3);
  });

  it('takes the higher fit for the headline endpoints only, and needs two stored counts', () => {
    const figures = [
      figure('transactions/latency', '7d', 1e6, 20, 40),
      figure('transactions/latency', '7d', 1e7, 30, 80),
      figure('transactions?sort=count', '7d', 1e7, 30, 80),
      figure('errors', '7d', 1e6, 10, 20),
      figure('errors', '7d', 1e7, 10, 20),
    ];
    const [latency, ...rest] = extrapolate(figures, 1e8);
    expect(rest).toEqual([]);
    expect(latency).toMatchObject({ name: 'transactions/latency', range: '7d', stored_rows: 1e8 });
    // log-linear: 40 ms more per tenfold → 120; power law: doubling per tenfold → 160.
    expect(latency.p95_ms_log_linear).toBeCloseTo(120);
    expect(latency.p95_ms_power_law).toBeCloseTo(160);
    expect(latency.p95_ms).toBeCloseTo(160);
    expect(latency.measured.map((m) => m.stored_rows)).toEqual([1e6, 1e7]);
    expect(latency.fit_falls).toBe(false);
  });

  it('never predicts faster than the largest step, and says when a fit falls with the rows', () => {
    const [noisy] = extrapolate([figure('transactions/latency', '7d', 1e6, 50, 200), figure('transactions/latency', '7d', 1e7, 40, 100)], 1e8);
    expect(noisy.p95_ms).toBe(100);
    expect(noisy.p50_ms).toBe(40);
    expect(noisy.fit_falls).toBe(true);
  });
});

describe('--extrapolate', () => {
  it('takes a count above every --rows step, with two steps or more to fit', () => {
    expect(readOptions(['--rows', '1000000,3000000', '--extrapolate', '100_000_000']).extrapolate).toBe(100_000_000);
    expect(readOptions(['--rows', '1000000']).extrapolate).toBeUndefined();
    expect(() => readOptions(['--rows', '1000000', '--extrapolate', '100000000'])).toThrow(UsageError);
    expect(() => readOptions(['--rows', '1000000,3000000', '--extrapolate', '2000000'])).toThrow(UsageError);
  });
});
