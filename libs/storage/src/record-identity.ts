import type { ClientReportRecord, ErrorRecord, SessionRecord, SpanRecord, TransactionRecord, WebVitalRecord } from '@pulse/model';
import { createHash, hash } from 'node:crypto';

/**
 * What makes two records "the same record sent twice", per kind. An identity must be equal for a
 * re-send of the same envelope and differ for records that should both be counted; when in doubt
 * it is more specific (two rows, as before) rather than less (a lost row). It never uses what the
 * ingest derives per request (receive time, the page name a late vital gets from a per-process
 * cache) or what the time rules may move (timestamps, for every kind but session updates, which
 * have nothing else).
 */
export function transactionIdentity(record: TransactionRecord): string {
  return record.eventId;
}

export function errorIdentity(record: ErrorRecord): string {
  return record.eventId;
}

/** Span ids are unique within a trace. */
export function spanIdentity(record: SpanRecord): string {
  return `${record.traceId}:${record.spanId}`;
}

/**
 * A vital of one page view (trace and page-load span). The value is part of it because the
 * browser SDK may report INP (and CLS) again for the same page when it changes; an identical value
 * is the same report.
 */
export function webVitalIdentity(record: WebVitalRecord): string {
  return `${record.traceId}:${record.segmentId}:${record.vital}:${record.value}`;
}

/**
 * A session update: a session sends several updates by design (init, errors, the end), so the
 * identity is the session id plus everything that tells its updates apart. Aggregate buckets
 * (no session id) have none: two server processes may well report the same counts for the same
 * minute, and both are real, so they are never deduplicated.
 */
export function sessionIdentity(record: SessionRecord): string | undefined {
  if (record.sessionId === '') return undefined;
  return [record.sessionId, record.init, record.status, record.errors, record.startedMs, record.timestampMs, record.durationS, record.distinctId].join(':');
}

/**
 * A client report has no id, and two equal reports are two real reports (an SDK that dropped 3
 * errors for a full queue twice in a row sends the same report twice), exactly as session
 * aggregate buckets: never deduplicated. An envelope sent again counts its outcomes twice; the
 * consumer's replay of a Kafka range is still exact (ClickHouse's insert deduplication token).
 */
export function clientReportIdentity(_record: ClientReportRecord): undefined {
  return undefined;
}

/**
 * The stored key of a record: MD5 of its project and identity as a UInt128 (random, even spread),
 * the digest read big-endian. One-shot `hash` into bytes, not a Hash object and hex text: this runs
 * once per consumed record.
 */
export function recordKey(projectId: number, identity: string): bigint {
  const digest = hash('md5', `${projectId}\n${identity}`, 'buffer');
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
}

/** The `batch` column of the keys a batch stores: 64 bits of MD5 of its deduplication token. */
export function batchHash(dedupToken: string): bigint {
  return BigInt(`0x${createHash('md5').update(dedupToken).digest('hex').slice(0, 16)}`);
}
