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
}

/** Every kind, in the order layers list them (transactions first, sessions last). */
export const RECORD_KINDS: readonly RecordKind[] = Object.values(RecordKind);

/** The record type of each kind. */
export interface RecordTypes {
  [RecordKind.Transaction]: TransactionRecord;
  [RecordKind.Span]: SpanRecord;
  [RecordKind.WebVital]: WebVitalRecord;
  [RecordKind.Error]: ErrorRecord;
  [RecordKind.Session]: SessionRecord;
}

/** Everything one event or envelope item normalizes into: the records of each kind. */
export type NormalizedRecords = { [K in RecordKind]: Array<RecordTypes[K]> };

export function emptyRecords(): NormalizedRecords {
  return { transactions: [], spans: [], webVitals: [], errors: [], sessions: [] };
}
