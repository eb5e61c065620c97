import { encodeRecord, encodeRecordGroup, EncodedMessage } from '@pulse/kafka';
import { RecordKind, TransactionRecord } from '@pulse/model';

/**
 * How the consumer benchmark writes its backlog: as ingest does (schema 2, the records of one
 * request in one message: `recordsPerRequest` transactions, 1 for an SDK envelope or store
 * request), or as ingest did before (schema 1, one message per record) for an older consumer.
 */
export interface MessageShape {
  schema: 1 | 2;
  recordsPerRequest: number;
}

/** The messages of one producer send: `records` cut into requests of `recordsPerRequest`. */
export function backlogMessages(records: readonly TransactionRecord[], shape: MessageShape): EncodedMessage[] {
  if (shape.schema === 1) return records.map((record) => encodeRecord(RecordKind.Transaction, record));
  const messages: EncodedMessage[] = [];
  for (let start = 0; start < records.length; start += shape.recordsPerRequest) {
    messages.push(...encodeRecordGroup(RecordKind.Transaction, records.slice(start, start + shape.recordsPerRequest)));
  }
  return messages;
}

/**
 * The produced message values, one concatenated buffer per send, so the baseline inserts exactly
 * the bytes the consumer reads without generating the records again (generation costs ~50 µs a
 * record on this machine, longer than the inserts themselves). Off the V8 heap: ~630 B a record.
 */
export interface KeptPayloads {
  chunks: Array<{ data: Buffer; lengths: Uint32Array }>;
}

export function keepPayloads(kept: KeptPayloads, messages: readonly EncodedMessage[]): void {
  kept.chunks.push({ data: Buffer.concat(messages.map((m) => m.value)), lengths: Uint32Array.from(messages, (m) => m.value.length) });
}

/** The kept records in produced order: each message's record, or each record of its JSON array. */
export function* keptRecords(kept: KeptPayloads): Generator<TransactionRecord> {
  for (const { data, lengths } of kept.chunks) {
    let offset = 0;
    for (const length of lengths) {
      const parsed = JSON.parse(data.toString('utf8', offset, offset + length)) as TransactionRecord | TransactionRecord[];
      offset += length;
      if (Array.isArray(parsed)) yield* parsed;
      else yield parsed;
    }
  }
}
