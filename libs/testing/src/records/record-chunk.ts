import { emptyRecords, ErrorRecord, GROUPING_CONFIG, NormalizedRecords, TransactionRecord } from '@pulse/model';
import { logNormal, seededRandom } from '../numbers';
import type { DatasetShape } from './dataset-shape';
import { errorExceptions, errorGroupFields, hexWord, Random, sessionUpdates, uniformPicker, vitalValue, Weighted, weightedPicker } from './record-draws';

/** One insert's worth of records: `transactions` of them in [fromMs, toMs), and what comes with them. */
export interface ChunkPlan {
  layer: number;
  index: number;
  transactions: number;
  fromMs: number;
  toMs: number;
}

export type RecordChunk = NormalizedRecords;

/** Changes whenever the generator's output changes, so a kept database made by another version is not reused. */
export const GENERATOR_VERSION = 1;

/**
 * The records of one chunk of a data set of `shape`, made `count` transactions at a time (each with
 * the spans, errors, vitals and sessions that come with it), so a caller can let other work run in
 * between. Deterministic for (shape, seed, dataset start, plan): an interrupted fill that inserts
 * the chunk again sends the same rows under the same deduplication tokens.
 */
export function chunkGenerator(shape: DatasetShape, seed: number, datasetStartMs: number, plan: ChunkPlan): { generate(count: number): RecordChunk } {
  const random = seededRandom((seed ^ Math.imul(plan.layer + 1, 0x9e3779b1) ^ Math.imul(plan.index + 1, 0x85ebca6b)) >>> 0);
  const pick = uniformPicker(random);
  const weighted = weightedPicker(random);
  const environment = weighted(shape.environments);
  const browser = weighted(shape.browsers);
  const status = weighted(shape.statuses);
  const name = weighted(shape.transactionNames.map((entry): Weighted<DatasetShape['transactionNames'][number]> => [entry, entry.weight]));
  const errorGroup = weighted(Array.from({ length: shape.errorGroups }, (_, group): Weighted<number> => [group, 1 / (group + 1)]));
  const hex32 = (): string => hexWord(random) + hexWord(random) + hexWord(random) + hexWord(random);
  const hex16 = (): string => hexWord(random) + hexWord(random);
  const user = (): string => (random() < shape.anonymousShare ? '' : `user-${Math.floor(random() * shape.users)}`);

  const generate = (count: number): RecordChunk => {
    const chunk: RecordChunk = emptyRecords();
    for (let i = 0; i < count; i++) {
      const timestampMs = plan.fromMs + Math.floor(random() * (plan.toMs - plan.fromMs));
      const { release, newest } = releaseAt(shape, datasetStartMs, timestampMs, random);
      const route = name();
      const durationMs = Math.max(1, Math.round(logNormal(random, route.medianMs * (newest ? shape.newestReleaseSlowdown : 1), shape.durationSigma)));
      const outcome = status();
      // Plain fields rather than object spreads: spreads are a slow path of V8 at millions of records.
      const common: Common = { projectId: pick(shape.projects), release, environment: environment() };
      const { projectId } = common;
      const env = common.environment;
      const traceId = hex32();
      const spanId = hex16();
      const userId = user();
      const browserName = browser();
      const osName = pick(shape.operatingSystems);
      chunk.transactions.push({
        projectId, release, environment: env, eventId: hex32(), traceId, spanId, parentSpanId: '', name: route.name, source: 'route', op: route.op,
        status: outcome.status, statusCode: 0, startTimestampMs: timestampMs - durationMs, timestampMs, durationMs, dist: '',
        platform: route.op === 'pageload' ? 'javascript' : 'node', sdkName: route.op === 'pageload' ? 'sentry.javascript.browser' : 'sentry.javascript.node',
        sdkVersion: '11.12.0', userId, httpMethod: route.method, httpStatusCode: outcome.httpStatusCode, browserName, osName,
        tags: { region: pick(shape.regions) }, measurements: {}, receivedAtMs: timestampMs + 1000,
      });

      const spans = Math.floor(random() * (shape.perTransaction.maxSpans + 1));
      for (let s = 0; s < spans; s++) {
        const kind = pick(shape.spanOps);
        const spanDurationMs = Math.min(durationMs, Math.max(0, Math.round(logNormal(random, kind.medianMs, 1))));
        const spanEndMs = timestampMs - Math.floor(random() * (durationMs - spanDurationMs + 1));
        chunk.spans.push({
          projectId, release, environment: env, traceId, spanId: hex16(), parentSpanId: spanId, segmentId: spanId, transactionName: route.name, op: kind.op,
          description: kind.description, status: 'ok', statusCode: 0, startTimestampMs: spanEndMs - spanDurationMs, timestampMs: spanEndMs,
          durationMs: spanDurationMs, receivedAtMs: timestampMs + 1000,
        });
      }

      if (random() < shape.perTransaction.errorShare) {
        const context = { common, timestampMs, traceId, spanId, transaction: route.name, userId, browserName, osName };
        chunk.errors.push(errorRecord(shape, random, errorGroup(), context, hex32()));
      }

      if (random() < shape.perTransaction.webVitalShare) {
        const vital = pick(shape.vitals);
        chunk.webVitals.push({
          projectId, release, environment: env, vital, value: vitalValue(vital, random, shape.vitalMedians), page: pick(shape.pages), traceId, segmentId: spanId, browserName, browserVersion: '120',
          osName, userId, timestampMs, receivedAtMs: timestampMs + 1000,
        });
      }

      if (random() < shape.perTransaction.sessionShare) for (const update of sessionUpdates(random, { ...common, sessionId: hex32(), distinctId: userId, startedMs: timestampMs })) chunk.sessions.push(update);
    }
    return chunk;
  };
  return { generate };
}

/** The release serving `timestampMs`: the newest deployed one, ramping up to 90 % over the ramp; else the one before. */
function releaseAt(shape: DatasetShape, datasetStartMs: number, timestampMs: number, random: Random): { release: string; newest: boolean } {
  const { releases, releaseEveryMs, releaseRampMs } = shape;
  const deployed = Math.min(releases.length - 1, Math.floor((timestampMs - datasetStartMs) / releaseEveryMs));
  if (deployed <= 0) return { release: releases[0], newest: false };
  const ageMs = timestampMs - datasetStartMs - deployed * releaseEveryMs;
  const share = Math.min(0.9, 0.1 + (0.8 * ageMs) / releaseRampMs);
  const onNewest = random() < share;
  return { release: releases[onNewest ? deployed : deployed - 1], newest: onNewest && deployed === releases.length - 1 };
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

function errorRecord(shape: DatasetShape, random: Random, group: number, context: ErrorContext, eventId: string): ErrorRecord {
  const { common, timestampMs, traceId, spanId, transaction, userId, browserName, osName } = context;
  const handled = random() < 0.8;
  const inTrace = random() < shape.perTransaction.errorInTraceShare;
  const exceptions = errorExceptions(random, group, handled);
  return {
    projectId: common.projectId, release: common.release, environment: common.environment, eventId, timestampMs, level: shape.errorLevels[group % shape.errorLevels.length],
    platform: 'javascript', ...errorGroupFields(group), message: '', handled, exceptions, transaction, traceId: inTrace ? traceId : '', spanId: inTrace ? spanId : '',
    dist: '', userId, browserName, osName, sdkName: 'sentry.javascript.browser', sdkVersion: '11.12.0', tags: {}, eventJson: '', receivedAtMs: timestampMs + 1000,
    groupingConfig: GROUPING_CONFIG, secondaryFingerprint: '',
  };
}
