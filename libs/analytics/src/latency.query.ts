import { AggregateQuery, aggregateScope, alignInterval, bucketKey, chooseSource, compileAggregate, CompiledQuery, levelList, ReadScope, Source } from './aggregate-query';
import { QueryParameterError } from './time-range';
import { TRANSACTIONS, transactionFormulas, transactionPartials } from './transactions.dataset';

export interface LatencyQueryInput extends ReadScope {
  /** The requested bucket width; the rollup path widens it to whole minutes. */
  intervalMs: number;
  /** Percentiles as numbers in (0, 100], e.g. [50, 95, 99]; 100 is the maximum. */
  percentiles: number[];
}

export interface LatencyPlan {
  query: CompiledQuery;
  source: Source;
  intervalMs: number;
}

export const DEFAULT_PERCENTILES = [50, 95, 99];
const MAX_PERCENTILES = 10;

export function parsePercentiles(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return DEFAULT_PERCENTILES;
  const values = raw.split(',').map((part) => part.trim());
  const parsed = values.map(Number);
  const bad = values.filter((_, i) => !/^\d+(\.\d+)?$/.test(values[i]) || parsed[i] <= 0 || parsed[i] > 100);
  if (bad.length > 0) throw new QueryParameterError(`percentiles must be numbers in (0, 100], got ${JSON.stringify(bad)}`);
  const unique = [...new Set(parsed)];
  if (unique.length > MAX_PERCENTILES) throw new QueryParameterError(`at most ${MAX_PERCENTILES} percentiles`);
  return unique;
}

/** `95` → `p95`, `99.9` → `p99_9`: the response key of a percentile. */
export function percentileKey(percentile: number): string {
  return `p${String(percentile).replace('.', '_')}`;
}

/**
 * Latency percentiles per bucket and overall in one scan (GROUPING SETS; the overall row has
 * `overall = 1`, and is there even when nothing matched). Quantiles are DDSketch (`quantilesDD`,
 * relative accuracy 1%) on both paths, so the raw and rollup answers are identical; p100 is the
 * exact maximum.
 */
export function compileLatencyQuery(input: LatencyQueryInput): LatencyPlan {
  const partials = [transactionPartials.count, transactionPartials.quantiles, transactionPartials.max];
  const source = input.source ?? chooseSource(TRANSACTIONS, input.range, input.filters, partials);
  const intervalMs = alignInterval(source, input.intervalMs);
  const levels = levelList(input.percentiles.map((p) => (p === 100 ? 50 : p)));
  const query: AggregateQuery = {
    dataset: TRANSACTIONS,
    ...aggregateScope(input),
    source,
    keys: [bucketKey(TRANSACTIONS, intervalMs)],
    partials,
    params: { interval_ms: intervalMs },
    outer: (from) => `
SELECT
  grouping(t) AS overall,
  t,
  ${transactionFormulas.count} AS count,
  ${transactionFormulas.quantiles(levels)} AS quantiles,
  ${transactionFormulas.max} AS max
FROM ${from}
GROUP BY GROUPING SETS ((t), ())
ORDER BY overall, t`,
  };
  return { query: compileAggregate(query), source, intervalMs };
}
