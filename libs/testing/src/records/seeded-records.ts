import { GROUPING_CONFIG } from '@pulse/model';
import type { ClientReportRecord, ErrorRecord, NormalizedRecords, SessionRecord, SessionStatus, SpanRecord, TransactionRecord, WebVitalRecord } from '@pulse/model';
import { logNormal, seededRandom } from '../numbers';
import { ERROR_LEVELS, errorExceptions, errorGroupFields, hexDigits, sessionUpdates, uniformPicker, VITALS, vitalValue } from './record-draws';

/** The records of every kind, keyed as the model's registry keys them. */
export type SeededRecords = NormalizedRecords;

export interface SeedOptions {
  /** Records fall in [startMs, startMs + minutes). */
  startMs: number;
  minutes: number;
  /** How many of each; a kind left out gets none. */
  transactions?: number;
  spans?: number;
  webVitals?: number;
  errors?: number;
  /** Individual sessions (each 1–3 updates); aggregate buckets come on top. */
  sessions?: number;
  sessionAggregates?: number;
  /** Client report outcomes (one reason and category each); drawn after every other kind, so asking for them changes no other record. */
  clientReports?: number;
}

export const SEEDED_PROJECTS = [1, 2, 3];
const RELEASES = ['1.0.0', '1.1.0', '2.0.0'];
const ENVIRONMENTS = ['production', 'staging'];
const NAMES = ['GET /', 'GET /api/items', 'POST /api/orders', '/checkout'];
const PAGES = ['/', '/products', '/checkout'];
const BROWSERS = ['Chrome', 'Firefox', 'Safari'];
/** ok most of the time; the rest mixes failures with the statuses that are not failures. */
const STATUSES = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'internal_error', 'deadline_exceeded', 'not_found', 'cancelled', 'unknown'];
const FINGERPRINTS = 12;
const CLIENT_REASONS = ['queue_overflow', 'ratelimit_backoff', 'sample_rate', 'before_send', 'network_error'];
const CLIENT_CATEGORIES = ['error', 'transaction', 'span'];

/**
 * Canonical records of every kind from a seeded PRNG (a failure replays exactly), each kind drawn
 * on its own in the numbers asked for: three projects, releases, environments and ~60 users (a
 * fifth of the events without one), log-normal durations in whole milliseconds (as normalization
 * gives them), failed and non-failed statuses, every vital (some exactly on a rating threshold, CLS
 * often 0), a dozen error groups, and sessions with several updates each plus aggregate buckets.
 * The analytics, storage and query tests compute their expectations from these records.
 */
export function seededRecords(seed: number, options: SeedOptions): SeededRecords {
  const random = seededRandom(seed);
  const pick = uniformPicker(random);
  const hex = (length: number): string => hexDigits(random, length);
  const time = (): number => options.startMs + Math.floor(random() * options.minutes * 60_000);
  const user = (): string => (random() < 0.2 ? '' : `user-${Math.floor(random() * 60)}`);
  const common = () => ({ projectId: pick(SEEDED_PROJECTS), release: pick(RELEASES), environment: pick(ENVIRONMENTS) });

  const transactions = Array.from({ length: options.transactions ?? 0 }, (): TransactionRecord => {
    const timestampMs = time();
    const durationMs = Math.round(logNormal(random, 250, 0.9));
    const status = pick(STATUSES);
    return {
      ...common(), eventId: hex(32), traceId: hex(32), spanId: hex(16), parentSpanId: '', name: pick(NAMES), source: 'route',
      op: 'http.server', status, statusCode: 0, startTimestampMs: timestampMs - durationMs, timestampMs, durationMs, dist: '',
      platform: 'node', sdkName: 'sentry.javascript.node', sdkVersion: '11.12.0', userId: user(), httpMethod: 'GET',
      httpStatusCode: 200, browserName: pick(BROWSERS), osName: 'Linux', tags: { region: pick(['eu', 'us']) },
      measurements: {}, receivedAtMs: timestampMs + 1000,
    };
  });

  const spans = Array.from({ length: options.spans ?? 0 }, (): SpanRecord => {
    const timestampMs = time();
    const durationMs = Math.round(logNormal(random, 20, 1));
    return {
      ...common(), traceId: hex(32), spanId: hex(16), parentSpanId: hex(16), segmentId: hex(16), transactionName: pick(NAMES),
      op: pick(['db.query', 'http.client', 'cache.get']), description: 'SELECT * FROM items WHERE id = %s', status: 'ok',
      statusCode: 0, startTimestampMs: timestampMs - durationMs, timestampMs, durationMs, receivedAtMs: timestampMs + 1000,
    };
  });

  const webVitals = Array.from({ length: options.webVitals ?? 0 }, (): WebVitalRecord => {
    const vital = pick(VITALS);
    const timestampMs = time();
    return {
      ...common(), vital, value: vitalValue(vital, random), page: pick(PAGES), traceId: hex(32), segmentId: hex(16),
      browserName: pick(BROWSERS), browserVersion: '120', osName: 'Windows', userId: user(), timestampMs, receivedAtMs: timestampMs + 1000,
    };
  });

  const errors = Array.from({ length: options.errors ?? 0 }, (): ErrorRecord => {
    const group = Math.floor(random() * FINGERPRINTS);
    const timestampMs = time();
    const handled = random() < 0.8;
    const exceptions = errorExceptions(random, group, handled);
    return {
      ...common(), eventId: hex(32), timestampMs, level: ERROR_LEVELS[group % ERROR_LEVELS.length], platform: 'javascript',
      ...errorGroupFields(group), message: '', handled, exceptions, transaction: pick(NAMES),
      traceId: random() < 0.3 ? '' : hex(32), spanId: hex(16), dist: '', userId: user(), browserName: pick(BROWSERS),
      osName: 'Windows', sdkName: 'sentry.javascript.browser', sdkVersion: '11.12.0', tags: {}, eventJson: '', receivedAtMs: timestampMs + 1000,
      groupingConfig: GROUPING_CONFIG, secondaryFingerprint: '',
    };
  });

  const sessions: SessionRecord[] = [];
  for (let i = 0; i < (options.sessions ?? 0); i++) {
    const start = { ...common(), sessionId: hex(32), distinctId: user(), startedMs: time() };
    sessions.push(...sessionUpdates(random, start));
  }
  for (let i = 0; i < (options.sessionAggregates ?? 0); i++) {
    const startedMs = Math.floor(time() / 60_000) * 60_000;
    const bucket = { ...common(), sessionId: '', distinctId: user(), init: true, errors: 0, startedMs, timestampMs: startedMs, durationS: null, receivedAtMs: startedMs + 60_000 };
    const counts: Array<[SessionStatus, number]> = [
      ['exited', Math.floor(random() * 20)],
      ['errored', Math.floor(random() * 4)],
      ['abnormal', Math.floor(random() * 2)],
      ['crashed', Math.floor(random() * 3)],
    ];
    for (const [status, quantity] of counts) if (quantity > 0) sessions.push({ ...bucket, status, quantity });
  }
  const clientReports = Array.from({ length: options.clientReports ?? 0 }, (): ClientReportRecord => {
    const timestampMs = time();
    return {
      ...common(), reason: pick(CLIENT_REASONS), category: pick(CLIENT_CATEGORIES), quantity: 1 + Math.floor(random() * 50), timestampMs,
      sdkName: pick(['sentry.javascript.browser', 'sentry.python']), sdkVersion: '11.12.0', receivedAtMs: timestampMs + 1000,
    };
  });
  return { transactions, spans, webVitals, errors, sessions, clientReports };
}
