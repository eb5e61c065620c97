import type { ClientReportRecord } from './client-report.record';
import type { ErrorRecord } from './error.record';
import type { SessionRecord } from './session.record';
import type { SpanRecord } from './span.record';
import type { TransactionRecord } from './transaction.record';
import type { WebVitalRecord } from './web-vital.record';

/**
 * The one list of record kinds: what normalization makes of an event and what each later layer
 * moves, stores and reads. Each layer keeps its own per-kind table keyed by this enum (Kafka:
 * topic and schema; storage: table, row encoder and identity; ingest: metric label), typed as
 * `{ [K in RecordKind]: … }`, so a kind added here and missing in a layer fails the type check.
 *
 * The values are the keys of NormalizedRecords. Names seen outside the process (topic and
 * consumer-group suffixes, table names, metric labels) belong to their layer's table, so they
 * stay what they were when a kind is renamed here.
 */
export enum RecordKind {
  Transaction = 'transactions',
  Span = 'spans',
  WebVital = 'webVitals',
  Error = 'errors',
  Session = 'sessions',
  ClientReport = 'clientReports',
}

/** Every kind, in the order layers list them (transactions first, client reports last). */
export const RECORD_KINDS: readonly RecordKind[] = Object.freeze(Object.values(RecordKind));

/** The record type of each kind. */
export interface RecordTypes {
  [RecordKind.Transaction]: TransactionRecord;
  [RecordKind.Span]: SpanRecord;
  [RecordKind.WebVital]: WebVitalRecord;
  [RecordKind.Error]: ErrorRecord;
  [RecordKind.Session]: SessionRecord;
  [RecordKind.ClientReport]: ClientReportRecord;
}

/** Everything one event or envelope item normalizes into: the records of each kind. */
export type NormalizedRecords = { [K in RecordKind]: Array<RecordTypes[K]> };

/** A number per kind: records moved, expected, counted. */
export type RecordCounts = { [K in RecordKind]: number };

/**
 * The two literals below spell the kinds out rather than loop over RECORD_KINDS: they run per
 * envelope item, and the mapped types make the compiler name a kind missing from them.
 */
export function emptyRecords(): NormalizedRecords {
  return { transactions: [], spans: [], webVitals: [], errors: [], sessions: [], clientReports: [] };
}

export function emptyRecordCounts(): RecordCounts {
  return { transactions: 0, spans: 0, webVitals: 0, errors: 0, sessions: 0, clientReports: 0 };
}

/** Records of one kind, none of the others (an item that normalizes into one kind). */
export function recordsOf<K extends RecordKind>(kind: K, list: NormalizedRecords[K]): NormalizedRecords {
  const records = emptyRecords();
  records[kind] = list;
  return records;
}

/**
 * Appends `more` to `into` (in place) — the records of every item of an envelope in one value.
 * A loop rather than `push(...list)`: a batch of 1,000 spans would be 1,000 call arguments.
 */
export function mergeRecords(into: NormalizedRecords, more: NormalizedRecords): NormalizedRecords {
  for (let k = 0; k < RECORD_KINDS.length; k++) appendKind(into, more, RECORD_KINDS[k]);
  return into;
}

function appendKind<K extends RecordKind>(into: NormalizedRecords, more: NormalizedRecords, kind: K): void {
  const target: Array<RecordTypes[K]> = into[kind];
  const source: ReadonlyArray<RecordTypes[K]> = more[kind];
  for (let i = 0; i < source.length; i++) target.push(source[i]);
}
