import { combineSuite, PartResultError } from './suite-result';

// Shaped like the parts' result files (only the fields the suite reads, plus some it ignores).
const ingest = { benchmark: 'ingest', events_per_s: 4200, baseline_events_per_s: 5000, ratio: 0.84, p50_ms: 3.1, p99_ms: 19.5, rss_mb: { idle: 90, median: 180, max: 212.4 }, baseline_rss_mb: { idle: 60, median: 90, max: 95 } };
const consumer = { benchmark: 'consumer', mode: 'backlog', summary: { baselineRowsPerSecond: 40000, consumerRowsPerSecond: 21000, consumerToBaseline: 0.525, rss: { maxMb: 350.5 } } };
const e2e = {
  benchmark: 'e2e',
  sustained_events_per_s: 3000,
  sustained_records_per_s: 24000,
  freshness_p50_ms: 900,
  freshness_p95_ms: 2100,
  memory_mb: { ingest: { median: 200, max: 230 }, consumer: { median: 240, max: 260 }, query: { median: 110, max: 120 } },
};
const query = (name: string, range: string, stored: number, p95: number) => ({ name, range, stored_rows: stored, p50_ms: p95 / 2, p95_ms: p95, min_ms: 1, max_ms: p95 + 1, baseline_p50_ms: 10, baseline_p95_ms: 12, ratio: p95 / 20, iterations: 30 });
const queries = {
  benchmark: 'queries',
  queries: [query('errors', '7d', 1_000_000, 90), query('errors', '7d', 10_000_000, 150), query('releases', '7d', 10_000_000, 310)],
  memory_mb: { query: 133.1, by_step: [] },
};

describe('combineSuite', () => {
  const suite = combineSuite({ ingest, consumer, e2e, queries });

  it('takes the headline figures of each part', () => {
    expect(suite.ingest).toEqual({ events_per_s: 4200, baseline_events_per_s: 5000, ratio: 0.84, p50_ms: 3.1, p99_ms: 19.5 });
    expect(suite.consumer).toEqual({ rows_per_s: 21000, baseline_rows_per_s: 40000, ratio: 0.525 });
    expect(suite.e2e).toEqual({ sustained_events_per_s: 3000, sustained_records_per_s: 24000, freshness_p50_ms: 900, freshness_p95_ms: 2100 });
    expect(suite.queries).toHaveLength(3);
    expect(suite.queries[2]).toEqual({ name: 'releases', range: '7d', stored_rows: 10_000_000, p50_ms: 155, p95_ms: 310, baseline_p50_ms: 10, ratio: 15.5 });
  });

  it('reports the peak RSS of each service over every part that ran it', () => {
    expect(suite.memory_mb).toEqual({ ingest: 230, consumer: 350.5, query: 133.1 });
  });

  it('checks every target, and says which were missed', () => {
    const met = Object.fromEntries(suite.targets.map((t) => [t.what, t.met]));
    expect(met).toEqual({
      'ingest throughput vs its baseline': true,
      'consumer rows/s vs raw inserts': true,
      'end to end, sustained': false,
      'end to end, freshness p95': true,
      'query p95 at 10,000,000 transactions': false,
      'ingest RSS, peak': true,
      'consumer RSS, peak': false,
      'query RSS, peak': true,
    });
    expect(suite.targets.find((t) => t.what.startsWith('query p95'))?.measured).toBe('slowest 310 ms (releases 7d); 1 of 2 cases over');
  });

  it('leaves out the parts that did not run', () => {
    const only = combineSuite({ queries });
    expect(only.ingest).toBeNull();
    expect(only.e2e).toBeNull();
    expect(only.memory_mb).toEqual({ ingest: null, consumer: null, query: 133.1 });
    expect(only.targets.map((t) => t.what)).toEqual(['query p95 at 10,000,000 transactions', 'query RSS, peak']);
  });

  it('refuses a part result without a figure it needs, naming the field', () => {
    expect(() => combineSuite({ consumer: { summary: { consumerRowsPerSecond: 1 } } })).toThrow(PartResultError);
    expect(() => combineSuite({ consumer: { summary: { consumerRowsPerSecond: 1 } } })).toThrow('consumer: the result file has no summary.baselineRowsPerSecond');
    expect(() => combineSuite({ ingest: { ...ingest, ratio: 'fast' } })).toThrow('ingest: ratio is not a number ("fast")');
  });
});
