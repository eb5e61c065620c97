import { chooseInterval } from '@pulse/analytics';
import {
  BaselineQuery,
  errorGroupsSql,
  latencySql,
  releaseHealthSql,
  Scope,
  scopedSql,
  traceSql,
  transactionSeriesByReleaseSql,
  transactionTableSql,
  webVitalsSql,
} from './baseline-sql';

/** A time range of the stored window, as a dashboard would ask for it. */
export interface QueryRange {
  label: string;
  fromMs: number;
  toMs: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path and query string, after the host. */
  path: string;
  body?: unknown;
}

/** One headline endpoint: its request, and the same aggregates on the raw tables. */
export interface EndpointCase {
  name: string;
  request(range: QueryRange): HttpRequest;
  /** Run concurrently, as the endpoint runs its own queries. */
  baseline(range: QueryRange): BaselineQuery[];
}

export interface CaseContext {
  projectId: number;
  /** For releases/compare: the release before the newest, and the newest. */
  baseRelease: string;
  candidateRelease: string;
  /** A stored trace of the project with a transaction, spans and an error, inside every range. */
  traceId: string;
  /** QUERY_MAX_POINTS of the app (its default): series widen their bucket so a range holds at most this many. */
  maxPoints: number;
}

/** Statements for the SQL API (POST …/query), each with the raw-table baseline it stands for. */
const SQL_API_STATEMENTS = [
  {
    name: 'query (SQL: transactions by release)',
    sql: 'SELECT release, count() AS n, quantile(0.95)(duration_ms) AS p95 FROM transactions GROUP BY release ORDER BY n DESC',
    baseline: (scope: Scope) => scopedSql(scope, 'release, count() AS n, quantile(0.95)(duration_ms) AS p95', 'transactions', 'GROUP BY release ORDER BY n DESC'),
  },
  {
    name: 'query (SQL: errors by fingerprint)',
    sql: 'SELECT fingerprint, any(title) AS title, count() AS n, uniq(user_id) AS users FROM errors GROUP BY fingerprint ORDER BY n DESC LIMIT 20',
    baseline: (scope: Scope) =>
      scopedSql(scope, 'fingerprint, any(title) AS title, count() AS n, uniq(user_id) AS users', 'errors', 'GROUP BY fingerprint ORDER BY n DESC LIMIT 20'),
  },
];

export function endpointCases(context: CaseContext): EndpointCase[] {
  const base = `/api/v1/projects/${context.projectId}`;
  const scope = (range: QueryRange): Scope => ({ project_id: context.projectId, from: range.fromMs, to: range.toMs });
  const get = (path: string, range: QueryRange, query: Record<string, string> = {}): HttpRequest => ({
    method: 'GET',
    path: `${base}/${path}?${new URLSearchParams({ ...query, from: String(range.fromMs), to: String(range.toMs) })}`,
  });
  const interval = (range: QueryRange, requested?: string) => chooseInterval({ fromMs: range.fromMs, toMs: range.toMs }, requested, context.maxPoints);
  const compared = [context.baseRelease, context.candidateRelease];
  return [
    {
      name: 'transactions/latency',
      request: (range) => get('transactions/latency', range, { percentiles: '50,95,99', interval: '1h' }),
      baseline: (range) => [latencySql(scope(range), interval(range, '1h'))],
    },
    {
      name: 'transactions?sort=count',
      request: (range) => get('transactions', range, { sort: 'count' }),
      baseline: (range) => [transactionTableSql(scope(range))],
    },
    {
      name: 'transactions/series?group_by=release',
      request: (range) => get('transactions/series', range, { group_by: 'release' }),
      baseline: (range) => [transactionSeriesByReleaseSql(scope(range), interval(range))],
    },
    { name: 'releases', request: (range) => get('releases', range), baseline: (range) => releaseHealthSql(scope(range)) },
    {
      name: 'releases/compare',
      request: (range) => get('releases/compare', range, { base: context.baseRelease, candidate: context.candidateRelease }),
      baseline: (range) => releaseHealthSql(scope(range), compared),
    },
    { name: 'web-vitals', request: (range) => get('web-vitals', range), baseline: (range) => [webVitalsSql(scope(range))] },
    { name: 'errors', request: (range) => get('errors', range), baseline: (range) => [errorGroupsSql(scope(range))] },
    { name: 'traces/:traceId', request: (range) => get(`traces/${context.traceId}`, range), baseline: (range) => traceSql(scope(range), context.traceId) },
    ...SQL_API_STATEMENTS.map(
      (statement): EndpointCase => ({
        name: statement.name,
        request: (range) => ({
          method: 'POST',
          path: `${base}/query`,
          body: { sql: statement.sql, from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString() },
        }),
        baseline: (range) => [statement.baseline(scope(range))],
      }),
    ),
  ];
}
