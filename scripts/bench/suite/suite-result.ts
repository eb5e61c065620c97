// The suite's result file (`bench/results/<timestamp>.json`): the headline figures of each part,
// read from the part's own result file (part-fields.ts lists every field read), the targets and
// whether they were met (targets.ts), and the sizing table (capacity.ts). Pure functions: the
// runner (scripts/bench.ts) does the I/O.
import type { PhaseCost } from '../e2e/component-cost';
import type { QueryHeadline } from '../report';
import { Capacity, E2ECosts, sizeDeployment } from './capacity';
import { FIELDS, optionalNumber, PartResultError, readNumbers, valueAt } from './part-fields';
import { checkTargets, TargetCheck } from './targets';

export { PartResultError } from './part-fields';

export type PartName = 'loadgen' | 'ingest' | 'consumer' | 'e2e' | 'queries' | 'alerts';
/** In the order they run: the load generator's own cost first (it is short). */
export const PART_NAMES: PartName[] = ['loadgen', 'ingest', 'consumer', 'e2e', 'queries', 'alerts'];

/** Each figure null when the part's result file does not have it. */
export type IngestFigures = Record<keyof typeof FIELDS.ingest, number | null>;
export type ConsumerFigures = Record<keyof typeof FIELDS.consumer, number | null>;
export type LoadgenFigures = Record<keyof typeof FIELDS.loadgen, number | null>;
export type E2EFigures = Record<keyof typeof FIELDS.e2e, number | null> & { component_costs: E2ECosts };
export type AlertsFigures = Record<keyof typeof FIELDS.alerts, number | null>;

/** Peak RSS of each service over every part that ran it; null when none measured it. */
export interface MemoryFigures {
  ingest: number | null;
  consumer: number | null;
  query: number | null;
}

export interface SuiteFigures {
  loadgen: LoadgenFigures | null;
  ingest: IngestFigures | null;
  consumer: ConsumerFigures | null;
  e2e: E2EFigures | null;
  queries: QueryHeadline[];
  alerts: AlertsFigures | null;
  memory_mb: MemoryFigures;
}

export interface SuiteResult extends SuiteFigures {
  targets: TargetCheck[];
  capacity: Capacity;
}

/** The parsed result file of each part that ran. */
export type PartResults = Partial<Record<PartName, unknown>>;

export function combineSuite(parts: PartResults): SuiteResult {
  const loadgen = parts.loadgen === undefined ? null : readNumbers(parts.loadgen, 'loadgen', FIELDS.loadgen);
  const ingest = parts.ingest === undefined ? null : readNumbers(parts.ingest, 'ingest', FIELDS.ingest);
  const consumer = parts.consumer === undefined ? null : readNumbers(parts.consumer, 'consumer', FIELDS.consumer);
  const e2e = parts.e2e === undefined ? null : readE2E(parts.e2e);
  const queries = parts.queries === undefined ? [] : readQueries(parts.queries);
  const alerts = parts.alerts === undefined ? null : readNumbers(parts.alerts, 'alerts', FIELDS.alerts);
  const memory: MemoryFigures = {
    ingest: peak([ingest?.rss_max_mb, e2e?.ingest_rss_max_mb]),
    consumer: peak([consumer?.rss_max_mb, e2e?.consumer_rss_max_mb]),
    query: peak([parts.queries === undefined ? null : optionalNumber(parts.queries, 'queries', FIELDS.queries.rss_max_mb), e2e?.query_rss_max_mb]),
  };
  const figures: SuiteFigures = { loadgen, ingest, consumer, e2e, queries, alerts, memory_mb: memory };
  return { ...figures, targets: checkTargets(figures), capacity: sizeDeployment(e2e?.component_costs ?? null) };
}

function readE2E(result: unknown): E2EFigures {
  const costs = valueAt(result, FIELDS.e2e_component_costs);
  const costOf = (key: 'sustained' | 'freshness_rate'): PhaseCost | null => {
    const cost = costs !== null && typeof costs === 'object' ? (costs as Record<string, unknown>)[key] : undefined;
    if (cost === undefined || cost === null) return null;
    if (typeof cost !== 'object' || typeof (cost as { components?: unknown }).components !== 'object') throw new PartResultError(`e2e: ${FIELDS.e2e_component_costs}.${key} has no components`);
    return cost as PhaseCost;
  };
  return { ...readNumbers(result, 'e2e', FIELDS.e2e), component_costs: { sustained: costOf('sustained'), freshness_rate: costOf('freshness_rate') } };
}

function readQueries(result: unknown): QueryHeadline[] {
  const list = valueAt(result, FIELDS.queries.list);
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new PartResultError('queries: "queries" is not a list');
  return list.flatMap((entry: unknown, i): QueryHeadline[] => {
    const where = `queries[${i}]`;
    const name = valueAt(entry, 'name');
    const range = valueAt(entry, 'range');
    if (typeof name !== 'string' || typeof range !== 'string') throw new PartResultError(`${where}: name and range must be strings`);
    const at = (key: string) => optionalNumber(entry, where, key);
    const [storedRows, p95] = [at('stored_rows'), at('p95_ms')];
    // A case without its size or p95 says nothing about the target: it is left out, not zeroed.
    if (storedRows === null || p95 === null) return [];
    return [{ name, range, stored_rows: storedRows, p50_ms: at('p50_ms') ?? NaN, p95_ms: p95, baseline_p50_ms: at('baseline_p50_ms') ?? NaN, ratio: at('ratio') ?? NaN }];
  });
}

/** The largest of the peak RSS figures that were measured. */
function peak(values: Array<number | null | undefined>): number | null {
  const measured = values.filter((value): value is number => typeof value === 'number');
  return measured.length === 0 ? null : Math.max(...measured);
}
