import {
  AnalyticsScope,
  checkedScope,
  DEFAULT_APDEX_T_MS,
  DEFAULT_PERCENTILES,
  DEFAULT_SERIES_RELEASES,
  ErrorGroup,
  ErrorsService,
  FILTER_NAMES,
  Filters,
  ReleaseHealth,
  ReleaseSeriesPoint,
  ReleasesService,
  REPORTED_VITALS,
  QueryParameterError,
  ScopeLimits,
  TimeRange,
  TransactionPoint,
  TransactionsService,
  TransactionSummary,
  VitalSummary,
  WebVitalsService,
} from '@pulse/analytics';
import type { RatedVitalName } from '@pulse/model';
import type { QueryIssueReader } from '../issues/issue-read.providers';
import { ANNOTATION_TARGETS, AnnotationReader } from './grafana-annotations';
import { ColumnSpec, GrafanaFrame, seriesName, table, timeSeries } from './grafana-frames';
import type { PayloadName, TargetPayload } from './grafana-request';

/**
 * What the JSON datasource can query (POST /metrics) and how each target is answered: every
 * entry calls the analytics services of @pulse/analytics with a parsed scope, the same code the
 * REST endpoints run, and shapes the answer as Grafana time series or a table.
 */

export type TargetKind = 'series' | 'table';

/** The services the targets read. */
export interface GrafanaServices {
  transactions: TransactionsService;
  releases: ReleasesService;
  webVitals: WebVitalsService;
  errors: ErrorsService;
  issues: Pick<QueryIssueReader, 'eventCounts'>;
  /** Alert incidents and deploys of PostgreSQL (grafana-annotations.ts). */
  annotations: AnnotationReader;
}

/** One target of a /query request, read and checked. */
export interface TargetRequest {
  projectId: number;
  range: TimeRange;
  /** The panel's bucket width (services widen it to whole minutes when they read a rollup). */
  bucketMs: number;
  /** Payload and ad-hoc filters together. */
  filters: Filters;
  payload: TargetPayload;
  /** QUERY_MAX_RANGE_DAYS (also the look-back for a release's first appearance) and QUERY_MAX_POINTS. */
  limits: ScopeLimits;
}

export interface CatalogEntry {
  value: string;
  label: string;
  kind: TargetKind;
  payloads: readonly PayloadName[];
  run(services: GrafanaServices, request: TargetRequest): Promise<GrafanaFrame[]>;
}

/** The scope of a target, under the limits of the REST endpoints (a range too long is a 400 naming the target). */
function targetScope(request: TargetRequest, range: TimeRange = request.range): AnalyticsScope {
  return checkedScope(request.projectId, range, request.bucketMs, request.filters, request.limits);
}

/** Points of a series split by release → one list per release, in the service's order. */
function byRelease<P extends { t: number }>(points: readonly P[]): Map<string, P[]> {
  const groups = new Map<string, P[]>();
  for (const point of points) {
    const release = String((point as { release?: unknown }).release ?? '');
    const group = groups.get(release);
    if (group) group.push(point);
    else groups.set(release, [point]);
  }
  return groups;
}

const TRANSACTION_PAYLOADS: readonly PayloadName[] = ['release', 'environment', 'transaction', 'group_by'];

/**
 * A per-bucket transaction metric (GET transactions/series). With `group_by: release`, one series
 * per release (the five with most transactions in the range), named `p95 release=1.4.0`.
 */
function transactionSeries(value: string, label: string, metric: string, read: (point: TransactionPoint) => number | null, percentile?: number): CatalogEntry {
  return {
    value,
    label,
    kind: 'series',
    payloads: TRANSACTION_PAYLOADS,
    async run(services, request) {
      const answer = await services.transactions.series({
        ...targetScope(request),
        percentiles: percentile === undefined ? DEFAULT_PERCENTILES : [percentile],
        apdexThresholdMs: DEFAULT_APDEX_T_MS,
        byRelease: request.payload.groupBy === 'release',
        limit: DEFAULT_SERIES_RELEASES,
      });
      if (request.payload.groupBy !== 'release') return [timeSeries(seriesName(metric, request.payload.labels), answer.series, read)];
      return [...byRelease(answer.series)].map(([release, points]) => timeSeries(seriesName(metric, { ...request.payload.labels, release }), points, read));
    },
  };
}

const percentile = (p: number) => (point: TransactionPoint) => point[`p${p}`] as number | null;

/** Per-release error counts and rates (GET releases/series): the newest five releases in the range, or the `release` payload. */
function releaseErrorSeries(value: string, label: string, metric: string, read: (point: ReleaseSeriesPoint) => number | null): CatalogEntry {
  return {
    value,
    label,
    kind: 'series',
    payloads: ['release', 'environment'],
    async run(services, request) {
      const answer = await services.releases.series({ ...targetScope(request), limit: DEFAULT_SERIES_RELEASES });
      return [...byRelease(answer.series)].map(([release, points]) => timeSeries(seriesName(metric, { ...request.payload.labels, release }), points, read));
    },
  };
}

const TRANSACTION_COLUMNS: ColumnSpec<TransactionSummary>[] = [
  { text: 'transaction', type: 'string' },
  { text: 'count', type: 'number' },
  { text: 'tpm', type: 'number' },
  { text: 'p50', type: 'number' },
  { text: 'p95', type: 'number' },
  { text: 'failure_rate', type: 'number' },
  { text: 'apdex', type: 'number' },
  { text: 'user_misery', type: 'number' },
  { text: 'users', type: 'number' },
];

/** Rows of the transaction table a panel shows: the busiest names first. */
export const TRANSACTION_TABLE_ROWS = 100;

const transactionsTable: CatalogEntry = {
  value: 'transactions',
  label: 'Transactions (table: count, tpm, p50, p95, failure rate, apdex, user misery, users)',
  kind: 'table',
  payloads: ['release', 'environment'],
  async run(services, request) {
    const page = await services.transactions.table({ ...targetScope(request), apdexThresholdMs: DEFAULT_APDEX_T_MS, sort: 'count', order: 'desc', limit: TRANSACTION_TABLE_ROWS, offset: 0 });
    return [table(TRANSACTION_COLUMNS, page.data)];
  },
};

type ReleaseRow = ReleaseHealth & { time: number | null };

/**
 * `time` first: Grafana maps a table to annotations by its `time` field and its first text field
 * (`release`), so this table is also the deploy-marker annotation source.
 */
const RELEASE_COLUMNS: ColumnSpec<ReleaseRow>[] = [
  { text: 'time', type: 'time' },
  { text: 'release', type: 'string' },
  { text: 'transactions', type: 'number' },
  { text: 'errors', type: 'number' },
  { text: 'error_rate', type: 'number' },
  { text: 'failure_rate', type: 'number' },
  { text: 'users_affected', type: 'number' },
  { text: 'crash_free_sessions', type: 'number' },
  { text: 'crash_free_users', type: 'number' },
];

/**
 * Release health of the releases seen in the range (GET releases), newest first. `time` is when
 * a release was first seen, looked up over the service's longest range before `to` rather than
 * within the panel's range: a release deployed before the range then has its real deploy time
 * (outside the chart, so Grafana draws no marker for it) instead of the range's start.
 */
const releasesTable: CatalogEntry = {
  value: 'releases',
  label: 'Releases (table, and annotations: first seen, errors, error rate, failure rate, crash-free)',
  kind: 'table',
  payloads: ['release', 'environment'],
  async run(services, request) {
    const lookback = { fromMs: Math.max(0, request.range.toMs - request.limits.maxRangeDays * 86_400_000), toMs: request.range.toMs };
    const [inRange, history] = await Promise.all([
      services.releases.list(targetScope(request)),
      lookback.fromMs < request.range.fromMs ? services.releases.list(targetScope(request, lookback)) : Promise.resolve([]),
    ]);
    const firstSeen = new Map(history.map((row) => [row.release, row.first_seen]));
    const rows = inRange.map((row): ReleaseRow => ({ ...row, time: firstSeen.get(row.release) ?? row.first_seen }));
    return [table(RELEASE_COLUMNS, rows)];
  },
};

const VITAL_NAMES: Record<RatedVitalName, string> = {
  lcp: 'LCP (ms)',
  fcp: 'FCP (ms)',
  cls: 'CLS (score)',
  inp: 'INP (ms)',
  ttfb: 'TTFB (ms)',
  fid: 'FID (ms)',
};

const WEB_VITAL_PAYLOADS: readonly PayloadName[] = ['release', 'environment', 'page'];

/** A vital's p75 per bucket (GET web-vitals/series), named e.g. `lcp p75 page=/checkout`. */
function webVitalP75(vital: RatedVitalName): CatalogEntry {
  return {
    value: `web_vitals.${vital}.p75`,
    label: `Web Vitals ${VITAL_NAMES[vital]} p75`,
    kind: 'series',
    payloads: WEB_VITAL_PAYLOADS,
    async run(services, request) {
      const answer = await services.webVitals.series({ ...targetScope(request), vital });
      return [timeSeries(seriesName(`${vital} p75`, request.payload.labels), answer.series, (point) => point.p75)];
    },
  };
}

type VitalRow = VitalSummary & { vital: RatedVitalName };

const WEB_VITAL_COLUMNS: ColumnSpec<VitalRow>[] = [
  { text: 'vital', type: 'string' },
  { text: 'count', type: 'number' },
  { text: 'p50', type: 'number' },
  { text: 'p75', type: 'number' },
  { text: 'p95', type: 'number' },
  { text: 'good', type: 'number' },
  { text: 'needs_improvement', type: 'number' },
  { text: 'poor', type: 'number' },
];

/** One row per vital over the range (GET web-vitals): count, p50/p75/p95, rating shares; `vital` keeps one row. */
const webVitalsTable: CatalogEntry = {
  value: 'web_vitals',
  label: 'Web Vitals (table: count, p50, p75, p95 and good / needs improvement / poor per vital)',
  kind: 'table',
  payloads: [...WEB_VITAL_PAYLOADS, 'vital'],
  async run(services, request) {
    const summary = await services.webVitals.summary(targetScope(request));
    const vitals = REPORTED_VITALS.filter((vital) => request.payload.vital === undefined || vital === request.payload.vital);
    return [table(WEB_VITAL_COLUMNS, vitals.map((vital): VitalRow => ({ vital, ...summary[vital] })))];
  },
};

const ERROR_COLUMNS: ColumnSpec<ErrorGroup>[] = [
  { text: 'title', type: 'string' },
  { text: 'culprit', type: 'string' },
  { text: 'level', type: 'string' },
  { text: 'count', type: 'number' },
  { text: 'users', type: 'number' },
  { text: 'unhandled', type: 'number' },
  { text: 'first_seen', type: 'time' },
  { text: 'last_seen', type: 'time' },
  { text: 'releases', type: 'string', get: (group) => group.releases.join(', ') },
  { text: 'fingerprint', type: 'string' },
];

/** Rows of the error group table: the most frequent groups first. */
export const ERROR_TABLE_ROWS = 100;

/** Error groups in the range (GET errors), most events first. */
const errorsTable: CatalogEntry = {
  value: 'errors',
  label: 'Error groups (table: title, level, events, users, first and last seen, releases)',
  kind: 'table',
  payloads: ['release', 'environment', 'transaction'],
  async run(services, request) {
    const groups = await services.errors.groups({ ...targetScope(request), sort: 'count', order: 'desc', limit: ERROR_TABLE_ROWS, offset: 0 });
    return [table(ERROR_COLUMNS, groups)];
  },
};

/**
 * Events per bucket of one issue (GET issues/:issueId/series): the issue is the `issue` payload
 * (its id or short id, e.g. a `$issue` variable); release and environment filter its events, and
 * any other filter is a 400 rather than ignored.
 */
const issueEvents: CatalogEntry = {
  value: 'issue.events',
  label: 'Events of one issue per bucket (payload issue: its id or short id)',
  kind: 'series',
  payloads: ['issue', 'release', 'environment'],
  async run(services, request) {
    const issue = request.payload.issue;
    if (issue === undefined) throw new QueryParameterError('issue.events needs the payload issue: an issue id or short id, e.g. SHOP-1A');
    const { range, intervalMs, filters } = targetScope(request);
    const refused = [...FILTER_NAMES.filter((name) => name !== 'release' && name !== 'environment' && filters[name] !== undefined), ...(filters.tags?.length ? ['tag'] : [])];
    if (refused.length > 0) throw new QueryParameterError(`issue.events can be filtered by release and environment, not ${refused.join(', ')}`);
    const points = await services.issues.eventCounts(request.projectId, issue, { range, intervalMs, filters: { release: filters.release, environment: filters.environment } });
    return [timeSeries(seriesName('events', request.payload.labels), points.map((point) => ({ t: point.timestampMs, count: point.count })), (point) => point.count)];
  },
};

/** Every target, in the order POST /metrics lists them. */
export const GRAFANA_CATALOG: readonly CatalogEntry[] = [
  transactionSeries('transaction.p50', 'Transaction duration p50 (ms)', 'p50', percentile(50), 50),
  transactionSeries('transaction.p75', 'Transaction duration p75 (ms)', 'p75', percentile(75), 75),
  transactionSeries('transaction.p95', 'Transaction duration p95 (ms)', 'p95', percentile(95), 95),
  transactionSeries('transaction.p99', 'Transaction duration p99 (ms)', 'p99', percentile(99), 99),
  transactionSeries('transaction.count', 'Transactions per bucket', 'count', (point) => point.count),
  transactionSeries('transaction.tpm', 'Transactions per minute', 'tpm', (point) => point.tpm),
  transactionSeries('transaction.failure_rate', 'Failure rate (share of failed transactions)', 'failure_rate', (point) => point.failure_rate),
  transactionSeries('transaction.apdex', 'Apdex (T = 300 ms)', 'apdex', (point) => point.apdex),
  releaseErrorSeries('errors.count', 'Error events per bucket, per release', 'errors', (point) => point.errors),
  releaseErrorSeries('errors.rate', 'Errors per transaction per bucket, per release', 'error_rate', (point) => point.error_rate),
  ...REPORTED_VITALS.map(webVitalP75),
  transactionsTable,
  releasesTable,
  errorsTable,
  webVitalsTable,
  issueEvents,
  ...ANNOTATION_TARGETS,
];

export function findTarget(value: string): CatalogEntry | undefined {
  return GRAFANA_CATALOG.find((entry) => entry.value === value);
}
