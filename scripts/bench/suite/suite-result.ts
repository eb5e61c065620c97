// The suite's result file (`bench/results/<timestamp>.json`): the headline figures of each part,
// read from the part's own result file, plus the project's targets on this machine and whether
// they were met. Pure functions: the runner (scripts/bench.ts) does the I/O.
import type { QueryHeadline } from '../report';

export type PartName = 'ingest' | 'consumer' | 'e2e' | 'queries';
export const PART_NAMES: PartName[] = ['ingest', 'consumer', 'e2e', 'queries'];

export interface IngestFigures {
  events_per_s: number;
  baseline_events_per_s: number;
  ratio: number;
  p50_ms: number;
  p99_ms: number;
}

export interface ConsumerFigures {
  rows_per_s: number;
  baseline_rows_per_s: number;
  ratio: number;
}

export interface E2EFigures {
  sustained_events_per_s: number;
  /** Rows stored per second at that rate, over every table (an event carries its spans and Web Vitals). */
  sustained_records_per_s: number;
  freshness_p50_ms: number;
  freshness_p95_ms: number;
}

/** Peak RSS of each service over every part that ran it; null when no part ran it. */
export interface MemoryFigures {
  ingest: number | null;
  consumer: number | null;
  query: number | null;
}

export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface SuiteResult {
  ingest: IngestFigures | null;
  consumer: ConsumerFigures | null;
  e2e: E2EFigures | null;
  queries: QueryHeadline[];
  memory_mb: MemoryFigures;
  targets: TargetCheck[];
}

/** The parsed result file of each part that ran. */
export type PartResults = Partial<Record<PartName, unknown>>;

export class PartResultError extends Error {}

export function combineSuite(parts: PartResults): SuiteResult {
  const ingest = parts.ingest === undefined ? null : readIngest(parts.ingest);
  const consumer = parts.consumer === undefined ? null : readConsumer(parts.consumer);
  const e2e = parts.e2e === undefined ? null : readE2E(parts.e2e);
  const queries = parts.queries === undefined ? [] : readQueries(parts.queries);
  const memory: MemoryFigures = {
    ingest: peak([parts.ingest && field(parts.ingest, 'ingest', ['rss_mb', 'max']), parts.e2e && field(parts.e2e, 'e2e', ['memory_mb', 'ingest', 'max'])]),
    consumer: peak([parts.consumer && field(parts.consumer, 'consumer', ['summary', 'rss', 'maxMb']), parts.e2e && field(parts.e2e, 'e2e', ['memory_mb', 'consumer', 'max'])]),
    query: peak([parts.queries && field(parts.queries, 'queries', ['memory_mb', 'query']), parts.e2e && field(parts.e2e, 'e2e', ['memory_mb', 'query', 'max'])]),
  };
  const suite = { ingest, consumer, e2e, queries, memory_mb: memory };
  return { ...suite, targets: checkTargets(suite) };
}

/** The project's targets on a 2-core machine with everything co-located (docs/benchmarks.md). */
export function checkTargets(suite: Omit<SuiteResult, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  if (suite.ingest) {
    checks.push({ what: 'ingest throughput vs its baseline', target: '≥ 70 %', measured: percent(suite.ingest.ratio), met: suite.ingest.ratio >= 0.7 });
  }
  if (suite.consumer) {
    checks.push({ what: 'consumer rows/s vs raw inserts', target: '≥ 50 %', measured: percent(suite.consumer.ratio), met: suite.consumer.ratio >= 0.5 });
  }
  if (suite.e2e) {
    const { sustained_events_per_s: rate, freshness_p95_ms: p95 } = suite.e2e;
    checks.push({ what: 'end to end, sustained', target: '≥ 5,000 events/s', measured: `${Math.round(rate).toLocaleString('en-US')} events/s`, met: rate >= 5000 });
    checks.push({ what: 'end to end, freshness p95', target: '≤ 5,000 ms', measured: `${Math.round(p95).toLocaleString('en-US')} ms`, met: p95 <= 5000 });
  }
  const largest = Math.max(0, ...suite.queries.map((q) => q.stored_rows));
  const atLargest = suite.queries.filter((q) => q.stored_rows === largest);
  if (atLargest.length > 0) {
    const slowest = atLargest.reduce((a, b) => (b.p95_ms > a.p95_ms ? b : a));
    const over = atLargest.filter((q) => q.p95_ms > 200).length;
    checks.push({
      what: `query p95 at ${largest.toLocaleString('en-US')} transactions`,
      target: '≤ 200 ms',
      measured: `slowest ${slowest.p95_ms} ms (${slowest.name} ${slowest.range}); ${over} of ${atLargest.length} cases over`,
      met: over === 0,
    });
  }
  for (const service of ['ingest', 'consumer', 'query'] as const) {
    const mb = suite.memory_mb[service];
    if (mb !== null) checks.push({ what: `${service} RSS, peak`, target: '< 300 MB', measured: `${mb} MB`, met: mb < 300 });
  }
  return checks;
}

function readIngest(result: unknown): IngestFigures {
  const at = (key: string) => number(result, 'ingest', [key]);
  return { events_per_s: at('events_per_s'), baseline_events_per_s: at('baseline_events_per_s'), ratio: at('ratio'), p50_ms: at('p50_ms'), p99_ms: at('p99_ms') };
}

function readConsumer(result: unknown): ConsumerFigures {
  const at = (key: string) => number(result, 'consumer', ['summary', key]);
  return { rows_per_s: at('consumerRowsPerSecond'), baseline_rows_per_s: at('baselineRowsPerSecond'), ratio: at('consumerToBaseline') };
}

function readE2E(result: unknown): E2EFigures {
  const at = (key: string) => number(result, 'e2e', [key]);
  return { sustained_events_per_s: at('sustained_events_per_s'), sustained_records_per_s: at('sustained_records_per_s'), freshness_p50_ms: at('freshness_p50_ms'), freshness_p95_ms: at('freshness_p95_ms') };
}

function readQueries(result: unknown): QueryHeadline[] {
  const list = field(result, 'queries', ['queries']);
  if (!Array.isArray(list)) throw new PartResultError('queries: "queries" is not a list');
  return list.map((entry: unknown, i) => {
    const at = (key: string) => number(entry, `queries[${i}]`, [key]);
    const name = field(entry, `queries[${i}]`, ['name']);
    const range = field(entry, `queries[${i}]`, ['range']);
    if (typeof name !== 'string' || typeof range !== 'string') throw new PartResultError(`queries[${i}]: name and range must be strings`);
    return { name, range, stored_rows: at('stored_rows'), p50_ms: at('p50_ms'), p95_ms: at('p95_ms'), baseline_p50_ms: at('baseline_p50_ms'), ratio: at('ratio') };
  });
}

/** The value at `path` in a part's result file. */
function field(result: unknown, part: string, path: string[]): unknown {
  const value = path.reduce<unknown>((from, key) => (from !== null && typeof from === 'object' ? (from as Record<string, unknown>)[key] : undefined), result);
  if (value === undefined) throw new PartResultError(`${part}: the result file has no ${path.join('.')}`);
  return value;
}

function number(result: unknown, part: string, path: string[]): number {
  const value = field(result, part, path);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new PartResultError(`${part}: ${path.join('.')} is not a number (${JSON.stringify(value)})`);
  return value;
}

/** The largest of the peak RSS figures of the parts that ran (undefined: the part did not run). */
function peak(values: unknown[]): number | null {
  const numbers = values.filter((value) => value !== undefined);
  if (numbers.some((value) => typeof value !== 'number')) throw new PartResultError(`an RSS figure is not a number: ${JSON.stringify(numbers)}`);
  return numbers.length === 0 ? null : Math.max(...(numbers as number[]));
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(0)} %`;
}
