import type { RatedVitalName } from '@pulse/model';
import { performanceScore } from './performance-score';
import { REPORTED_VITALS } from './web-vitals.dataset';
import type { BreakdownDimension } from './web-vitals.query';

type Numeric = number | string;

/** The merged aggregates of one vital (UInt64 counts come back from ClickHouse as strings). */
export interface VitalAggregateRow {
  count: Numeric;
  /** p50, p75, p95 (VITAL_PERCENTILES). */
  quantiles: Array<Numeric | null>;
  good: Numeric;
  needs_improvement: Numeric;
  poor: Numeric;
}

export interface WebVitalsRow extends VitalAggregateRow {
  vital: string;
}

export interface WebVitalsSeriesRow extends VitalAggregateRow {
  t: Numeric;
}

export interface WebVitalsBreakdownRow {
  key: string;
  total: Numeric;
  vital_names: string[];
  vital_counts: Numeric[];
  vital_quantiles: Array<Array<Numeric | null>>;
  vital_good: Numeric[];
  vital_needs_improvement: Numeric[];
  vital_poor: Numeric[];
}

/** One vital: its sample count, percentiles, and the share of samples in each rating (0..1). */
export interface VitalSummary {
  count: number;
  p50: number | null;
  p75: number | null;
  p95: number | null;
  good: number | null;
  needs_improvement: number | null;
  poor: number | null;
}

export type VitalSummaries = Record<RatedVitalName, VitalSummary>;

export type WebVitalsResponse = VitalSummaries & {
  /** Performance score 0..100, null when no scored vital has samples. */
  score: number | null;
};

export type WebVitalsBreakdownEntry = Partial<Record<BreakdownDimension, string>> & VitalSummaries & { score: number | null };

export type WebVitalsSeriesPoint = { t: number } & VitalSummary;

export interface WebVitalsSeriesResponse {
  vital: RatedVitalName;
  /** The bucket width (the requested one, widened to whole minutes on the rollup path). */
  interval_ms: number;
  series: WebVitalsSeriesPoint[];
}

/** A vital's summary; count 0 and nulls when it had no samples. */
export function toVitalSummary(row: VitalAggregateRow | undefined): VitalSummary {
  const count = row ? Number(row.count) : 0;
  if (!row || count === 0) return { count: 0, p50: null, p75: null, p95: null, good: null, needs_improvement: null, poor: null };
  const [p50, p75, p95] = row.quantiles.map(toNumberOrNull);
  return {
    count,
    p50: p50 ?? null,
    p75: p75 ?? null,
    p95: p95 ?? null,
    good: Number(row.good) / count,
    needs_improvement: Number(row.needs_improvement) / count,
    poor: Number(row.poor) / count,
  };
}

/** Every reported vital (in REPORTED_VITALS order) from the rows by vital, plus the score of their p75s. */
function summaries(rows: WebVitalsRow[]): VitalSummaries & { score: number | null } {
  const byVital = new Map(rows.map((row) => [row.vital, row]));
  const result = Object.fromEntries(REPORTED_VITALS.map((vital) => [vital, toVitalSummary(byVital.get(vital))])) as VitalSummaries;
  const p75s = Object.fromEntries(REPORTED_VITALS.map((vital) => [vital, result[vital].p75]));
  return { ...result, score: performanceScore(p75s) };
}

export function toWebVitalsResponse(rows: WebVitalsRow[]): WebVitalsResponse {
  return summaries(rows);
}

/** One entry per row, in the query's order: the key under the dimension's name, then the vitals. */
export function toWebVitalsBreakdownResponse(rows: WebVitalsBreakdownRow[], by: BreakdownDimension): WebVitalsBreakdownEntry[] {
  return rows.map((row) => {
    const vitals: WebVitalsRow[] = row.vital_names.map((vital, i) => ({
      vital,
      count: row.vital_counts[i],
      quantiles: row.vital_quantiles[i],
      good: row.vital_good[i],
      needs_improvement: row.vital_needs_improvement[i],
      poor: row.vital_poor[i],
    }));
    return { [by]: row.key, ...summaries(vitals) };
  });
}

/** Every bucket of the range, count 0 and nulls where the vital had no samples, so charts do not join distant points. */
export function toWebVitalsSeriesResponse(
  rows: WebVitalsSeriesRow[],
  vital: RatedVitalName,
  range: { fromMs: number; toMs: number },
  intervalMs: number,
): WebVitalsSeriesResponse {
  const byBucket = new Map(rows.map((row) => [Number(row.t), row]));
  const series: WebVitalsSeriesPoint[] = [];
  for (let t = Math.floor(range.fromMs / intervalMs) * intervalMs; t < range.toMs; t += intervalMs) {
    series.push({ t, ...toVitalSummary(byBucket.get(t)) });
  }
  return { vital, interval_ms: intervalMs, series };
}

function toNumberOrNull(value: Numeric | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
