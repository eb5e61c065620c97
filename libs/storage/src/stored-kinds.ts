import { RECORD_KINDS, RecordKind, RecordTypes } from '@pulse/model';
import { clientReportIdentity, errorIdentity, sessionIdentity, spanIdentity, transactionIdentity, webVitalIdentity } from './record-identity';
import { CLIENT_OUTCOME_COLUMNS, Column, ERROR_COLUMNS, SESSION_COLUMNS, SPAN_COLUMNS, TableEncoder, TRANSACTION_COLUMNS, WEB_VITAL_COLUMNS } from './row-binary';

/**
 * Storage's table of the record kinds (the kinds themselves: libs/model/src/record-kinds.ts): where
 * each lands and what makes one "the same record sent again". Its table is created by a migration
 * (migrations/), which no compiler checks: a new kind gets its migration with its entry here.
 *
 * Table names and `keyKind` are stored state, so they stay what they are when the model's kind is
 * renamed (the model's `webVitals` is the table `web_vitals` and `web-vitals` in record_keys).
 */
export interface StoredKind<K extends RecordKind, T extends string = string> {
  /** The raw table (on a cluster, the Distributed table of that name); its rollups (`<table>_minute`) are filled by materialized views, never written directly. */
  table: T;
  /** The raw table's columns and how a record becomes a RowBinary row of it. */
  encoder: TableEncoder<RecordTypes[K]>;
  /** What makes a record "the same record sent again" (record-identity.ts); undefined: never deduplicated. */
  identity: (record: RecordTypes[K]) => string | undefined;
  /** The kind's value in record_keys' `kind` column (record-keys.ts). */
  keyKind: string;
}

function storedKind<T extends string, R>(table: T, columns: ReadonlyArray<Column<R>>, identity: (record: R) => string | undefined, keyKind: string) {
  return { table, encoder: new TableEncoder(table, columns), identity, keyKind };
}

/** The entries with their literal table names (RawTable); STORED_KINDS is the same object, typed per kind. */
const STORED = {
  [RecordKind.Transaction]: storedKind('transactions', TRANSACTION_COLUMNS, transactionIdentity, 'transactions'),
  [RecordKind.Span]: storedKind('spans', SPAN_COLUMNS, spanIdentity, 'spans'),
  [RecordKind.WebVital]: storedKind('web_vitals', WEB_VITAL_COLUMNS, webVitalIdentity, 'web-vitals'),
  [RecordKind.Error]: storedKind('errors', ERROR_COLUMNS, errorIdentity, 'errors'),
  [RecordKind.Session]: storedKind('sessions', SESSION_COLUMNS, sessionIdentity, 'sessions'),
  [RecordKind.ClientReport]: storedKind('client_outcomes', CLIENT_OUTCOME_COLUMNS, clientReportIdentity, 'client-reports'),
} satisfies { readonly [K in RecordKind]: StoredKind<K> };

export const STORED_KINDS: { readonly [K in RecordKind]: StoredKind<K> } = STORED;

/** A kind's raw table name, as a literal type (`RawTable<RecordKind.WebVital>` is `'web_vitals'`). */
export type RawTable<K extends RecordKind = RecordKind> = (typeof STORED)[K]['table'];

/**
 * The raw table of each kind by the kind's name (`Tables.webVitals` is `web_vitals`), read from
 * STORED_KINDS: for code that names one table (tests, the SQL API's catalog).
 */
export const Tables = Object.freeze(Object.fromEntries(RECORD_KINDS.map((kind) => [kind, STORED[kind].table]))) as { readonly [K in RecordKind]: RawTable<K> };
