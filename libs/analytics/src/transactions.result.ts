import { percentileKey } from './latency.query';
import { toNumber } from './releases.result';
import type { TimeRange } from './time-range';

type Value = number | string | null;

export interface TransactionTableRow {
  transaction: string;
  count: Value;
  tpm: Value;
  p50: Value;
  p95: Value;
  failure_rate: Value;
  apdex: Value;
  user_misery: Value;
  users: Value;
  total: Value;
}

export interface TransactionSummary {
  transaction: string;
  count: number;
  tpm: number;
  p50: number | null;
  p95: number | null;
  failure_rate: number | null;
  apdex: number | null;
  user_misery: number | null;
  users: number;
}

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  data: T[];
}

export function toTransactionTable(rows: TransactionTableRow[], limit: number, offset: number): Page<TransactionSummary> {
  return {
    total: rows.length > 0 ? Number(rows[0].total) : 0,
    limit,
    offset,
    data: rows.map((row) => ({
      transaction: row.transaction,
      count: Number(row.count),
      tpm: Number(row.tpm),
      p50: toNumber(row.p50),
      p95: toNumber(row.p95),
      failure_rate: toNumber(row.failure_rate),
      apdex: toNumber(row.apdex),
      user_misery: toNumber(row.user_misery),
      users: Number(row.users),
    })),
  };
}

export interface TransactionSeriesRow {
  t: Value;
  release: string;
  count: Value;
  failure_rate: Value;
  apdex: Value;
  quantiles: Value[];
  max: Value;
}

export type TransactionPoint = { t: number; release?: string; count: number; tpm: number; failure_rate: number | null; apdex: number | null } & Record<string, number | string | null | undefined>;

export interface TransactionSeries {
  interval_ms: number;
  series: TransactionPoint[];
}

/**
 * Every bucket of the range for every release present (count 0 and null rates where nothing
 * happened), so charts do not join distant points. `release` appears on points only when split.
 */
export function toTransactionSeries(rows: TransactionSeriesRow[], percentiles: number[], range: TimeRange, intervalMs: number, byRelease: boolean): TransactionSeries {
  const groups = new Map<string, Map<number, TransactionSeriesRow>>();
  for (const row of rows) {
    const group = groups.get(row.release) ?? new Map<number, TransactionSeriesRow>();
    group.set(Number(row.t), row);
    groups.set(row.release, group);
  }
  if (!byRelease && groups.size === 0) groups.set('', new Map());
  const series: TransactionPoint[] = [];
  for (const [release, buckets] of groups) {
    for (let t = Math.floor(range.fromMs / intervalMs) * intervalMs; t < range.toMs; t += intervalMs) {
      const row = buckets.get(t);
      const count = row ? Number(row.count) : 0;
      const point = { t, ...(byRelease ? { release } : {}), count, tpm: count / (intervalMs / 60_000), failure_rate: null, apdex: null } as TransactionPoint;
      if (row && count > 0) {
        point.failure_rate = toNumber(row.failure_rate);
        point.apdex = toNumber(row.apdex);
      }
      percentiles.forEach((p, i) => {
        point[percentileKey(p)] = row && count > 0 ? toNumber(p === 100 ? row.max : row.quantiles[i]) : null;
      });
      series.push(point);
    }
  }
  return { interval_ms: intervalMs, series };
}
