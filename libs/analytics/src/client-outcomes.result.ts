import type { TimeRange } from './time-range';

/**
 * The answer of the client-outcomes read ("dropped by the client"). ClickHouse answers UInt64 sums
 * as strings (JSON output quotes 64-bit integers); the reader bounds each report's quantity at
 * 2^32 − 1, so sums over a range stay exact as JS numbers for any realistic volume.
 */
type Value = number | string | null;

export interface ClientOutcomeRow {
  reason: string;
  category: string;
  quantity: Value;
  /** The same on every row: the sum over every group, before the LIMIT. */
  total: Value;
}

export interface ClientOutcomeBucketRow {
  t: Value;
  quantity: Value;
}

export interface ClientOutcomeGroup {
  reason: string;
  category: string;
  quantity: number;
}

export interface ClientOutcomePoint {
  /** Bucket start, epoch ms. */
  t: number;
  quantity: number;
}

export interface ClientOutcomes {
  /** Items the SDKs discarded in the range, over every reason and category. */
  total: number;
  /** Per reason and category, most first. */
  byReason: ClientOutcomeGroup[];
  /** Per bucket, every bucket of the range (0 where nothing was dropped); only when an interval was asked for. */
  series?: ClientOutcomePoint[];
  /** The series' bucket width, with the series. */
  interval_ms?: number;
}

const count = (value: Value | undefined): number => {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
};

export function toClientOutcomeGroups(rows: readonly ClientOutcomeRow[]): ClientOutcomeGroup[] {
  return rows.map((row) => ({ reason: row.reason, category: row.category, quantity: count(row.quantity) }));
}

/** Every bucket from the one holding `range.fromMs` to the last starting before `range.toMs`. */
export function toClientOutcomeSeries(rows: readonly ClientOutcomeBucketRow[], range: TimeRange, intervalMs: number): ClientOutcomePoint[] {
  const byBucket = new Map(rows.map((row) => [count(row.t), count(row.quantity)]));
  const points: ClientOutcomePoint[] = [];
  for (let t = Math.floor(range.fromMs / intervalMs) * intervalMs; t < range.toMs; t += intervalMs) points.push({ t, quantity: byBucket.get(t) ?? 0 });
  return points;
}

export function toClientOutcomes(rows: readonly ClientOutcomeRow[], series: { points: ClientOutcomePoint[]; intervalMs: number } | undefined): ClientOutcomes {
  const outcomes: ClientOutcomes = { total: count(rows[0]?.total), byReason: toClientOutcomeGroups(rows) };
  if (series !== undefined) {
    outcomes.series = series.points;
    outcomes.interval_ms = series.intervalMs;
  }
  return outcomes;
}
