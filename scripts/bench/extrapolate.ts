// The query benchmark's point beyond the data this machine can hold (`--extrapolate 100000000`):
// p50 and p95 of the headline endpoints at a larger stored count, fitted by least squares to the
// figures measured at every --rows step of the same run. Two fits, because three or four sizes
// cannot tell them apart and they diverge far out:
//
// - log-linear: ms = a + b · log10(rows). Time grows by the same amount per tenfold more rows, as
//   when the rows read stay bounded (a rollup holds one row per key and day, whatever the volume)
//   and only the states in them grow;
// - power law: ms = c · rows^k (a straight line through log ms against log rows). Time grows by the
//   same factor per tenfold, as when the rows read grow with the data (raw edges, unmerged parts).
//
// The higher of the two is the headline figure (`p95_ms`), both are kept. More data never makes a
// query faster, so the figure is at least the one measured at the largest step: on a shared
// machine a step measured while the load eased can make a fit fall with the rows, and a falling
// fit says nothing about 100M (`fit_falls` marks it).
import type { QueryFigure } from './report';

/** The endpoints the suite's target names (docs/benchmarks.md, "Queries"): latency percentiles and the transaction table. */
export const HEADLINE_ENDPOINTS = ['transactions/latency', 'transactions?sort=count'];

export interface Fit {
  /** ms = a + b · log10(rows) */
  logLinear: { a: number; b: number };
  /** ms = c · rows^k */
  powerLaw: { c: number; k: number };
}

export interface ExtrapolatedFigure {
  name: string;
  range: string;
  stored_rows: number;
  /** The higher of the two fits. */
  p50_ms: number;
  p95_ms: number;
  p95_ms_log_linear: number;
  p95_ms_power_law: number;
  /** A fit fell with the rows (noise between steps): the figure is then the largest step's. */
  fit_falls: boolean;
  /** The measured points the fits went through: stored rows → p95. */
  measured: Array<{ stored_rows: number; p50_ms: number; p95_ms: number }>;
  method: string;
  p95_fit: Fit;
}

export const EXTRAPOLATION_METHOD =
  'least squares over the --rows steps of this run: p = a + b·log10(rows) and log p = log c + k·log rows; the higher of the two at the target count, and at least the largest step measured';

/** Least squares line y = intercept + slope · x. */
function line(xs: number[], ys: number[]): { intercept: number; slope: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

export function fit(rows: number[], ms: number[]): Fit {
  const logRows = rows.map(Math.log10);
  const linear = line(logRows, ms);
  const power = line(logRows, ms.map((value) => Math.log10(Math.max(value, 0.001))));
  return { logLinear: { a: linear.intercept, b: linear.slope }, powerLaw: { c: 10 ** power.intercept, k: power.slope } };
}

export function predict(model: Fit, rows: number): { logLinear: number; powerLaw: number } {
  return {
    logLinear: model.logLinear.a + model.logLinear.b * Math.log10(rows),
    powerLaw: model.powerLaw.c * rows ** model.powerLaw.k,
  };
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** Each headline case at `targetRows`, from its figures at two or more stored counts below it. */
export function extrapolate(figures: QueryFigure[], targetRows: number, names: string[] = HEADLINE_ENDPOINTS): ExtrapolatedFigure[] {
  const out: ExtrapolatedFigure[] = [];
  const cases = [...new Set(figures.filter((f) => names.includes(f.name)).map((f) => `${f.name}\u0000${f.range}`))];
  for (const key of cases) {
    const [name, range] = key.split('\u0000');
    const points = figures.filter((f) => f.name === name && f.range === range && f.stored_rows < targetRows).sort((a, b) => a.stored_rows - b.stored_rows);
    if (new Set(points.map((p) => p.stored_rows)).size < 2) continue;
    const rows = points.map((p) => p.stored_rows);
    const p95Fit = fit(rows, points.map((p) => p.p95_ms));
    const p50Fit = fit(rows, points.map((p) => p.p50_ms));
    const p95 = predict(p95Fit, targetRows);
    const p50 = predict(p50Fit, targetRows);
    const largest = points[points.length - 1];
    out.push({
      name,
      range,
      stored_rows: targetRows,
      p50_ms: round(Math.max(p50.logLinear, p50.powerLaw, largest.p50_ms)),
      p95_ms: round(Math.max(p95.logLinear, p95.powerLaw, largest.p95_ms)),
      p95_ms_log_linear: round(p95.logLinear),
      p95_ms_power_law: round(p95.powerLaw),
      fit_falls: [p95Fit, p50Fit].some((f) => f.logLinear.b < 0 || f.powerLaw.k < 0),
      measured: points.map((p) => ({ stored_rows: p.stored_rows, p50_ms: p.p50_ms, p95_ms: p.p95_ms })),
      method: EXTRAPOLATION_METHOD,
      p95_fit: p95Fit,
    });
  }
  return out;
}
