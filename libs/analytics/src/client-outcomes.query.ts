import { aggregateScope, bucketKey, compileAggregate, CompiledQuery, Dataset, PartialColumn, ReadScope } from './aggregate-query';

/**
 * "Dropped by the client": what SDKs said they discarded (client reports, the `client_outcomes`
 * table). Raw rows only: reports are few (one per SDK process every ~30 s, a row per reason and
 * category), so there is no rollup to choose. Release and environment are the only filters (the
 * envelope's `trace` gives them); any other is refused by filterConditions as a 400.
 */
export const CLIENT_OUTCOMES: Dataset = {
  what: 'client outcomes',
  raw: { table: 'client_outcomes', time: 'timestamp', columns: { release: 'release', environment: 'environment' } },
};

/** Reasons × categories in one answer; SDKs know a dozen reasons and a dozen categories. */
export const MAX_CLIENT_OUTCOME_GROUPS = 1000;

const QUANTITY: PartialColumn = { name: 'p_quantity', raw: 'sum(quantity)' };
const REASON: PartialColumn = { name: 'reason', raw: 'reason' };
const CATEGORY: PartialColumn = { name: 'category', raw: 'category' };

export interface ClientOutcomesInput extends ReadScope {
  /** The series' bucket width; no series without it. */
  seriesIntervalMs?: number;
}

/**
 * Items discarded per reason and category, most first (ties by reason, then category), each row
 * with the total over every group (a window over the groups, computed before the LIMIT, so the
 * total stays whole when the groups are cut).
 */
export function compileClientOutcomesByReason(input: ReadScope): CompiledQuery {
  return compileAggregate({
    dataset: CLIENT_OUTCOMES,
    ...aggregateScope(input),
    source: 'raw',
    keys: [REASON, CATEGORY],
    partials: [QUANTITY],
    params: { max_groups: MAX_CLIENT_OUTCOME_GROUPS },
    outer: (from) => `
SELECT reason, category, sum(p_quantity) AS quantity, sum(sum(p_quantity)) OVER () AS total
FROM ${from}
GROUP BY reason, category
ORDER BY quantity DESC, reason, category
LIMIT {max_groups:UInt32}`,
  });
}

/** Items discarded per time bucket (every reason and category), buckets aligned to the epoch. */
export function compileClientOutcomesSeries(input: ReadScope, intervalMs: number): CompiledQuery {
  return compileAggregate({
    dataset: CLIENT_OUTCOMES,
    ...aggregateScope(input),
    source: 'raw',
    keys: [bucketKey(CLIENT_OUTCOMES, intervalMs)],
    partials: [QUANTITY],
    params: { interval_ms: intervalMs },
    outer: (from) => `
SELECT t, sum(p_quantity) AS quantity
FROM ${from}
GROUP BY t
ORDER BY t`,
  });
}
