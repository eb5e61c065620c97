import type { ClickHouseClient } from '@clickhouse/client';
import type { ClickHouseRecorder, ReadStatistics, RecordedQuery } from './clickhouse-recorder';
import type { EndpointCase, QueryRange } from './endpoint-cases';
import type { ApiClient } from './measure';

const PROFILE_RUNS = 3;

/** One statement of the endpoint: what it ran on, how long ClickHouse took, and what it read. */
export interface ProfiledQuery {
  tables: string[];
  resultRows: number;
  /** ClickHouse's own time for the statement during the request. */
  elapsedMs: number;
  readRows: number;
  readBytes: number;
  sql: string;
}

/** What one endpoint request made ClickHouse do, next to the raw-table baseline. */
export interface CaseProfile {
  name: string;
  range: string;
  /** The request's wall time through the recorder (median of the runs; includes the recorder's hop). */
  endpointMs: number;
  /** The statements of that median run; they may run concurrently, so their times do not add up to wall time. */
  queries: ProfiledQuery[];
  readRows: number;
  readBytes: number;
  baseline: ReadStatistics;
}

/** Sends the case's request a few times to the app behind the recorder and runs the baseline once with statistics. */
export async function profileCase(api: ApiClient, recorder: ClickHouseRecorder, clickhouse: ClickHouseClient, testCase: EndpointCase, range: QueryRange): Promise<CaseProfile> {
  const runs: Array<{ ms: number; queries: RecordedQuery[] }> = [];
  for (let run = 0; run < PROFILE_RUNS; run++) {
    recorder.take();
    const answer = await api.send(testCase.request(range));
    if (answer.status !== 200) throw new Error(`profile of ${testCase.name} (${range.label}): answered ${answer.status}`);
    runs.push({ ms: answer.ms, queries: recorder.take() });
  }
  const median = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  const queries: ProfiledQuery[] = [];
  // The SQL API checks a statement with ClickHouse's parser (`EXPLAIN AST`) before it runs it: that
  // reads no table and answers no JSON to read statistics from, so only the reads are profiled.
  for (const query of median.queries.filter((recorded) => !/^\s*EXPLAIN\b/i.test(recorded.sql))) {
    const { readRows, readBytes } = await recorder.readStatistics(query);
    queries.push({ tables: query.tables, resultRows: query.resultRows, elapsedMs: query.elapsedMs, readRows, readBytes, sql: query.sql });
  }
  const baseline: ReadStatistics = { readRows: 0, readBytes: 0, elapsedMs: 0 };
  for (const { sql, params } of testCase.baseline(range)) {
    const result = await clickhouse.query({ query: sql, query_params: params, format: 'JSON' });
    const { statistics } = await result.json<Record<string, unknown>>();
    baseline.readRows += statistics?.rows_read ?? 0;
    baseline.readBytes += statistics?.bytes_read ?? 0;
    baseline.elapsedMs += Math.round((statistics?.elapsed ?? 0) * 1e4) / 10;
  }
  return {
    name: testCase.name,
    range: range.label,
    endpointMs: Math.round(median.ms * 10) / 10,
    queries,
    readRows: queries.reduce((sum, query) => sum + query.readRows, 0),
    readBytes: queries.reduce((sum, query) => sum + query.readBytes, 0),
    baseline,
  };
}
