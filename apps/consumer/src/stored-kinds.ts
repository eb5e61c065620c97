import { RecordKind, RecordTypes } from '@pulse/kafka';
import { ERROR_ENCODER, errorIdentity, SESSION_ENCODER, sessionIdentity, SPAN_ENCODER, spanIdentity, TableEncoder, TRANSACTION_ENCODER, transactionIdentity, WEB_VITAL_ENCODER, webVitalIdentity } from '@pulse/storage';

export interface StoredKind<K extends RecordKind> {
  /** The raw table's columns and how a record becomes a RowBinary row of it. */
  encoder: TableEncoder<RecordTypes[K]>;
  /** What makes a record "the same record sent again" (libs/storage/src/record-identity.ts); undefined: never deduplicated. */
  identity: (record: RecordTypes[K]) => string | undefined;
}

/** The raw table each record kind lands in, its row encoding and its identity. */
export const STORED_KINDS: { [K in RecordKind]: StoredKind<K> } = {
  [RecordKind.Transaction]: { encoder: TRANSACTION_ENCODER, identity: transactionIdentity },
  [RecordKind.Span]: { encoder: SPAN_ENCODER, identity: spanIdentity },
  [RecordKind.WebVital]: { encoder: WEB_VITAL_ENCODER, identity: webVitalIdentity },
  [RecordKind.Error]: { encoder: ERROR_ENCODER, identity: errorIdentity },
  [RecordKind.Session]: { encoder: SESSION_ENCODER, identity: sessionIdentity },
};
