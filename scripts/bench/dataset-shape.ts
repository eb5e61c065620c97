import type { ErrorRecord, WebVitalName } from '@pulse/model';
import type { DatasetShape, Weighted } from '@pulse/testing';

/**
 * What the stored data looks like (DATASET_SHAPE, drawn by @pulse/testing's chunkGenerator). The
 * value tables follow the tests' seededRecords at the cardinality of a small production
 * deployment: more transaction names, users and error groups, releases that roll out over time,
 * mostly successful requests. Any change here changes the stored rows: raise GENERATOR_VERSION.
 */

export const PROJECTS = [1, 2, 3];
export const DAYS = 7;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const RETENTION_DAYS = 90;

/** A release every 36 h; the newest reaches 90 % of traffic over RELEASE_RAMP_MS, old clients keep the rest. */
export const RELEASES = ['2.0.0', '2.1.0', '2.2.0', '2.3.0', '2.4.0'];
export const RELEASE_EVERY_MS = 36 * HOUR_MS;
export const RELEASE_RAMP_MS = 12 * HOUR_MS;
/** The newest release is a little slower, as a regression a canary check should show. */
export const NEWEST_RELEASE_SLOWDOWN = 1.15;

export const ENVIRONMENTS: Weighted<string>[] = [
  ['production', 0.9],
  ['staging', 0.1],
];

/** A transaction name with its share of traffic and median duration (ms); durations are log-normal around it. */
interface TransactionName {
  name: string;
  weight: number;
  medianMs: number;
  op: string;
  method: string;
}
/** A request to the server, named `<method> <route>` as the Node SDK names it. */
const server = (method: string, route: string, weight: number, medianMs: number): TransactionName => ({ name: `${method} ${route}`, weight, medianMs, op: 'http.server', method });
/** A browser page load, named by its route, without an HTTP method. */
const pageload = (name: string, weight: number, medianMs: number): TransactionName => ({ name, weight, medianMs, op: 'pageload', method: '' });

export const TRANSACTION_NAMES: TransactionName[] = [
  server('GET', '/', 20, 120),
  server('GET', '/api/items', 18, 80),
  server('GET', '/api/items/:id', 14, 60),
  server('GET', '/api/orders/:id', 8, 90),
  pageload('/products', 8, 700),
  pageload('/', 7, 800),
  server('POST', '/api/orders', 6, 350),
  server('GET', '/api/search', 6, 250),
  pageload('/checkout', 5, 900),
  server('POST', '/api/login', 3, 200),
  server('GET', '/health', 3, 5),
  server('POST', '/api/cart', 2, 150),
];
export const DURATION_SIGMA = 0.9;

/** Status, its HTTP code and its share: mostly ok; failures and the non-failure statuses (cancelled, unknown) as in seeded-records. */
export const STATUSES: Weighted<{ status: string; httpStatusCode: number }>[] = [
  [{ status: 'ok', httpStatusCode: 200 }, 0.93],
  [{ status: 'not_found', httpStatusCode: 404 }, 0.02],
  [{ status: 'internal_error', httpStatusCode: 500 }, 0.02],
  [{ status: 'deadline_exceeded', httpStatusCode: 504 }, 0.01],
  [{ status: 'cancelled', httpStatusCode: 499 }, 0.01],
  [{ status: 'unknown', httpStatusCode: 0 }, 0.01],
];

export const BROWSERS: Weighted<string>[] = [
  ['Chrome', 0.65],
  ['Safari', 0.2],
  ['Firefox', 0.1],
  ['Edge', 0.05],
];
export const OPERATING_SYSTEMS = ['Windows', 'macOS', 'Linux', 'iOS', 'Android'];
export const REGIONS = ['eu', 'us', 'ap'];
/** Users per project; a fifth of the events carry none (as in seeded-records). */
export const USERS = 20_000;
export const ANONYMOUS_SHARE = 0.2;

export const PAGES = ['/', '/products', '/checkout', '/account', '/search'];
export const VITALS: WebVitalName[] = ['lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid', 'fp'];
export const VITAL_MEDIANS: Record<WebVitalName, number> = { lcp: 2400, fcp: 1500, cls: 0.08, inp: 180, ttfb: 600, fid: 60, fp: 1200 };

export const SPAN_OPS: Array<{ op: string; description: string; medianMs: number }> = [
  { op: 'db.query', description: 'SELECT * FROM items WHERE id = %s', medianMs: 8 },
  { op: 'http.client', description: 'GET https://payments.example/api/v2/charge', medianMs: 60 },
  { op: 'cache.get', description: 'items:%s', medianMs: 1 },
];

/** Error groups; group g has weight 1 / (g + 1), so a few groups hold most events. */
export const ERROR_GROUPS = 40;
export const ERROR_LEVELS: ErrorRecord['level'][] = ['error', 'error', 'fatal', 'warning'];

/** Per transaction: how many records of the other kinds come with it (means). */
export const PER_TRANSACTION = {
  /** 0, 1 or 2 child spans, uniformly: one span per transaction on average. */
  maxSpans: 2,
  errorShare: 0.1,
  /** Share of errors that belong to the transaction's trace (the rest have no trace). */
  errorInTraceShare: 0.7,
  webVitalShare: 0.3,
  /** A session starts with 5 % of transactions and sends 1–3 updates (≈ 2.15 rows), ≈ 10.7 % of N rows. */
  sessionShare: 0.05,
};

export const DATASET_SHAPE: DatasetShape = {
  projects: PROJECTS,
  releases: RELEASES,
  releaseEveryMs: RELEASE_EVERY_MS,
  releaseRampMs: RELEASE_RAMP_MS,
  newestReleaseSlowdown: NEWEST_RELEASE_SLOWDOWN,
  environments: ENVIRONMENTS,
  transactionNames: TRANSACTION_NAMES,
  durationSigma: DURATION_SIGMA,
  statuses: STATUSES,
  browsers: BROWSERS,
  operatingSystems: OPERATING_SYSTEMS,
  regions: REGIONS,
  users: USERS,
  anonymousShare: ANONYMOUS_SHARE,
  pages: PAGES,
  vitals: VITALS,
  vitalMedians: VITAL_MEDIANS,
  spanOps: SPAN_OPS,
  errorGroups: ERROR_GROUPS,
  errorLevels: ERROR_LEVELS,
  perTransaction: PER_TRANSACTION,
};
