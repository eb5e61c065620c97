import type { ErrorRecord, SessionRecord, SessionStatus, SpanRecord, TransactionRecord, WebVitalName, WebVitalRecord } from '@pulse/model';
import { isRatedVital, VITAL_THRESHOLDS } from '@pulse/model';
import { logNormal, seededRandom } from '@pulse/testing';
import {
  ANONYMOUS_SHARE,
  BROWSERS,
  DURATION_SIGMA,
  ENVIRONMENTS,
  ERROR_GROUPS,
  ERROR_LEVELS,
  NEWEST_RELEASE_SLOWDOWN,
  OPERATING_SYSTEMS,
  PAGES,
  PER_TRANSACTION,
  PROJECTS,
  REGIONS,
  RELEASE_EVERY_MS,
  RELEASE_RAMP_MS,
  RELEASES,
  SPAN_OPS,
  STATUSES,
  TRANSACTION_NAMES,
  USERS,
  VITAL_MEDIANS,
  VITALS,
  Weighted,
} from './dataset-shape';

/** One insert's worth of records: `transactions` of them in [fromMs, toMs), and what comes with them. */
export interface ChunkPlan {
  layer: number;
  index: number;
  transactions: number;
  fromMs: number;
  toMs: number;
}

export interface RecordChunk {
  transactions: TransactionRecord[];
  spans: SpanRecord[];
  webVitals: WebVitalRecord[];
  errors: ErrorRecord[];
  sessions: SessionRecord[];
}

/** Changes whenever the generator's output changes, so a kept database made by another version is not reused. */
export const GENERATOR_VERSION = 1;

/**
 * The records of one chunk, made `count` transactions at a time (with what comes with them), so a
 * caller can let other work run in between. Deterministic for (seed, dataset start, plan): an
 * interrupted fill that inserts the chunk again sends the same rows under the same deduplication
 * tokens.
 */
export function chunkGenerator(seed: number, datasetStartMs: number, plan: ChunkPlan): { generate(count: number): RecordChunk } {
  const random = seededRandom((seed ^ Math.imul(plan.layer + 1, 0x9e3779b1) ^ Math.imul(plan.index + 1, 0x85ebca6b)) >>> 0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const weighted = weightedPicker(random);
  const environment = weighted(ENVIRONMENTS);
  const browser = weighted(BROWSERS);
  const status = weighted(STATUSES);
  const name = weighted(TRANSACTION_NAMES.map((entry): Weighted<(typeof TRANSACTION_NAMES)[number]> => [entry, entry.weight]));
  const errorGroup = weighted(Array.from({ length: ERROR_GROUPS }, (_, group): Weighted<number> => [group, 1 / (group + 1)]));
  const hex32 = (): string => word(random) + word(random) + word(random) + word(random);
  const hex16 = (): string => word(random) + word(random);
  const user = (): string => (random() < ANONYMOUS_SHARE ? '' : `user-${Math.floor(random() * USERS)}`);

  const generate = (count: number): RecordChunk => {
    const chunk: RecordChunk = { transactions: [], spans: [], webVitals: [], errors: [], sessions: [] };
    for (let i = 0; i < count; i++) {
      const timestampMs = plan.fromMs + Math.floor(random() * (plan.toMs - plan.fromMs));
      const { release, newest } = releaseAt(datasetStartMs, timestampMs, random);
      const route = name();
      const durationMs = Math.max(1, Math.round(logNormal(random, route.medianMs * (newest ? NEWEST_RELEASE_SLOWDOWN : 1), DURATION_SIGMA)));
      const outcome = status();
      // Plain fields rather than object spreads: spreads are a slow path of V8 at millions of records.
      const common: Common = { projectId: pick(PROJECTS), release, environment: environment() };
      const { projectId } = common;
      const env = common.environment;
      const traceId = hex32();
      const spanId = hex16();
      const userId = user();
      const browserName = browser();
      const osName = pick(OPERATING_SYSTEMS);
      chunk.transactions.push({
        projectId, release, environment: env, eventId: hex32(), traceId, spanId, parentSpanId: '', name: route.name, source: 'route', op: route.op,
        status: outcome.status, statusCode: 0, startTimestampMs: timestampMs - durationMs, timestampMs, durationMs, dist: '',
        platform: route.op === 'pageload' ? 'javascript' : 'node', sdkName: route.op === 'pageload' ? 'sentry.javascript.browser' : 'sentry.javascript.node',
        sdkVersion: '11.12.0', userId, httpMethod: route.method, httpStatusCode: outcome.httpStatusCode, browserName, osName,
        tags: { region: pick(REGIONS) }, measurements: {}, receivedAtMs: timestampMs + 1000,
      });

      const spans = Math.floor(random() * (PER_TRANSACTION.maxSpans + 1));
      for (let s = 0; s < spans; s++) {
        const kind = pick(SPAN_OPS);
        const spanDurationMs = Math.min(durationMs, Math.max(0, Math.round(logNormal(random, kind.medianMs, 1))));
        const spanEndMs = timestampMs - Math.floor(random() * (durationMs - spanDurationMs + 1));
        chunk.spans.push({
          projectId, release, environment: env, traceId, spanId: hex16(), parentSpanId: spanId, segmentId: spanId, transactionName: route.name, op: kind.op,
          description: kind.description, status: 'ok', statusCode: 0, startTimestampMs: spanEndMs - spanDurationMs, timestampMs: spanEndMs,
          durationMs: spanDurationMs, receivedAtMs: timestampMs + 1000,
        });
      }

      if (random() < PER_TRANSACTION.errorShare) {
        const context = { common, timestampMs, traceId, spanId, transaction: route.name, userId, browserName, osName };
        chunk.errors.push(errorRecord(random, errorGroup(), context, hex32()));
      }

      if (random() < PER_TRANSACTION.webVitalShare) {
        const vital = pick(VITALS);
        chunk.webVitals.push({
          projectId, release, environment: env, vital, value: vitalValue(vital, random), page: pick(PAGES), traceId, segmentId: spanId, browserName, browserVersion: '120',
          osName, userId, timestampMs, receivedAtMs: timestampMs + 1000,
        });
      }

      if (random() < PER_TRANSACTION.sessionShare) for (const update of sessionUpdates(random, common, hex32(), userId, timestampMs)) chunk.sessions.push(update);
    }
    return chunk;
  };
  return { generate };
}

/** The release serving `timestampMs`: the newest deployed one, ramping up to 90 % over 12 h; else the one before. */
function releaseAt(datasetStartMs: number, timestampMs: number, random: () => number): { release: string; newest: boolean } {
  const deployed = Math.min(RELEASES.length - 1, Math.floor((timestampMs - datasetStartMs) / RELEASE_EVERY_MS));
  if (deployed <= 0) return { release: RELEASES[0], newest: false };
  const ageMs = timestampMs - datasetStartMs - deployed * RELEASE_EVERY_MS;
  const share = Math.min(0.9, 0.1 + (0.8 * ageMs) / RELEASE_RAMP_MS);
  const onNewest = random() < share;
  return { release: RELEASES[onNewest ? deployed : deployed - 1], newest: onNewest && deployed === RELEASES.length - 1 };
}

type Common = Pick<TransactionRecord, 'projectId' | 'release' | 'environment'>;

/** The transaction an error happened in. */
interface ErrorContext {
  common: Common;
  timestampMs: number;
  traceId: string;
  spanId: string;
  transaction: string;
  userId: string;
  browserName: string;
  osName: string;
}

function errorRecord(random: () => number, group: number, { common, timestampMs, traceId, spanId, transaction, userId, browserName, osName }: ErrorContext, eventId: string): ErrorRecord {
  const handled = random() < 0.8;
  const inTrace = random() < PER_TRANSACTION.errorInTraceShare;
  const exceptions = [
    { type: 'Error', value: 'connection reset', mechanism: 'generic', handled: true, frames: [] },
    { type: `Error${group}`, value: `failure ${group}`, mechanism: 'onerror', handled, frames: [frame(group)] },
  ].slice(random() < 0.5 ? 0 : 1);
  return {
    projectId: common.projectId, release: common.release, environment: common.environment, eventId, timestampMs, level: ERROR_LEVELS[group % ERROR_LEVELS.length], platform: 'javascript',
    title: `Error${group}: failure ${group}`, message: '', culprit: `handler${group}(app.js)`, fingerprint: group.toString(16).padStart(32, '0'),
    handled, exceptions, transaction, traceId: inTrace ? traceId : '', spanId: inTrace ? spanId : '', dist: '', userId, browserName, osName,
    sdkName: 'sentry.javascript.browser', sdkVersion: '11.12.0', tags: {}, receivedAtMs: timestampMs + 1000,
  };
}

/** A session's updates, as seeded-records makes them: init, maybe an error count, then how it ended (or still open). */
function sessionUpdates(random: () => number, common: Common, sessionId: string, distinctId: string, startedMs: number): SessionRecord[] {
  const updates: Array<{ status: SessionStatus; errors: number }> = [{ status: 'ok', errors: 0 }];
  if (random() < 0.3) updates.push({ status: 'ok', errors: 1 + Math.floor(random() * 3) });
  const end = random();
  const errorsSoFar = updates[updates.length - 1].errors;
  if (end < 0.55) updates.push({ status: 'exited', errors: errorsSoFar });
  else if (end < 0.67) updates.push({ status: 'crashed', errors: errorsSoFar + 1 });
  else if (end < 0.73) updates.push({ status: 'abnormal', errors: errorsSoFar });
  else if (end < 0.85) updates.push({ status: 'errored', errors: errorsSoFar + 1 });
  return updates.map((update, index) => {
    const timestampMs = startedMs + index * 5_000;
    return {
      projectId: common.projectId, release: common.release, environment: common.environment, sessionId, distinctId, startedMs, durationS: null,
      status: update.status, errors: update.errors, init: index === 0, quantity: 1, timestampMs, receivedAtMs: timestampMs + 1000,
    };
  });
}

/** As seeded-records: log-normal around the vital's median; 5 % exactly on a rating threshold, a fifth of CLS exactly 0. */
function vitalValue(vital: WebVitalName, random: () => number): number {
  if (isRatedVital(vital) && random() < 0.05) {
    const { good, poor } = VITAL_THRESHOLDS[vital];
    return random() < 0.5 ? good : poor;
  }
  if (vital === 'cls' && random() < 0.2) return 0;
  return logNormal(random, VITAL_MEDIANS[vital], 0.6);
}

function frame(group: number) {
  return { filename: 'app.js', absPath: 'https://shop.example/app.js', function: `handler${group}`, module: '', lineno: 10 + group, colno: 5, inApp: true, contextLine: '' };
}

/** Eight hex digits from one draw (ids: 4 draws for 32 digits instead of 32). */
function word(random: () => number): string {
  return Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
}

/** A picker over weighted items (cumulative weights, linear scan: the tables are short). */
function weightedPicker(random: () => number) {
  return <T>(items: Weighted<T>[]): (() => T) => {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    const cumulative = items.map(([item], i) => [item, items.slice(0, i + 1).reduce((sum, [, weight]) => sum + weight, 0) / total] as const);
    return () => {
      const draw = random();
      return (cumulative.find(([, upTo]) => draw < upTo) ?? cumulative[cumulative.length - 1])[0];
    };
  };
}
