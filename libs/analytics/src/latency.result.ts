import { percentileKey } from './latency.query';

export interface LatencyRow {
  /** 1 on the row over the whole range, 0 on the per-bucket rows. */
  overall: number | string;
  t: number | string;
  count: number | string;
  quantiles: Array<number | string | null>;
  max: number | string | null;
}

export type LatencyPoint = { count: number } & Record<string, number | null>;
export type LatencySeriesPoint = { t: number } & LatencyPoint;
export interface LatencyResponse {
  count: number;
  /** The bucket width of the series (the requested one, widened to whole minutes on the rollup path). */
  interval_ms: number;
  series: LatencySeriesPoint[];
  [percentile: string]: number | null | LatencySeriesPoint[];
}

/**
 * Shapes the ClickHouse answer: keys follow the requested percentiles; every bucket of the range
 * appears in the series (count 0 and null percentiles where nothing happened) so charts do not
 * join distant points.
 */
export function toLatencyResponse(
  rows: LatencyRow[],
  percentiles: number[],
  range: { fromMs: number; toMs: number },
  intervalMs: number,
): LatencyResponse {
  const point = (row: LatencyRow | undefined): LatencyPoint => {
    const result: LatencyPoint = { count: row ? Number(row.count) : 0 } as LatencyPoint;
    percentiles.forEach((p, i) => {
      const value = row && Number(row.count) > 0 ? toNumberOrNull(p === 100 ? row.max : row.quantiles[i]) : null;
      result[percentileKey(p)] = value;
    });
    return result;
  };
  const totals = rows.find((row) => Number(row.overall) === 1);
  const byBucket = new Map(rows.filter((row) => Number(row.overall) === 0).map((row) => [Number(row.t), row]));
  const series: LatencySeriesPoint[] = [];
  for (let t = Math.floor(range.fromMs / intervalMs) * intervalMs; t < range.toMs; t += intervalMs) {
    series.push({ t, ...point(byBucket.get(t)) });
  }
  return { ...point(totals), interval_ms: intervalMs, series };
}

function toNumberOrNull(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
