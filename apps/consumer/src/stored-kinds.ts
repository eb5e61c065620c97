import { RecordKind, RecordTypes } from '@pulse/kafka';
import { Tables, toErrorRow, toSessionRow, toSpanRow, toTransactionRow, toWebVitalRow } from '@pulse/storage';

export interface StoredKind<K extends RecordKind> {
  table: string;
  toRow: (record: RecordTypes[K], retentionDays: number) => object;
}

/** The raw table each record kind lands in and the row mapping that gets it there. */
export const STORED_KINDS: { [K in RecordKind]: StoredKind<K> } = {
  [RecordKind.Transaction]: { table: Tables.transactions, toRow: toTransactionRow },
  [RecordKind.Span]: { table: Tables.spans, toRow: toSpanRow },
  [RecordKind.WebVital]: { table: Tables.webVitals, toRow: toWebVitalRow },
  [RecordKind.Error]: { table: Tables.errors, toRow: toErrorRow },
  [RecordKind.Session]: { table: Tables.sessions, toRow: toSessionRow },
};
