import { ConsumedMessage, decodeMessage, SCHEMA_HEADER, singleRecordGroupValue } from '@pulse/kafka';
import type { RecordKind, RecordTypes } from '@pulse/model';
import { EncodedRows, recordKey, RowBinaryBuffer, STORED_KINDS, ValueDoesNotFit } from '@pulse/storage';
import type { DeadLetter } from './dead-letter.sink';

/** A record of a batch once encoded: where it came from (to dead-letter it alone) and its stored key. */
export interface PendingRow {
  message: ConsumedMessage;
  /** Its place in a `/2` message and that message's record count; undefined for a `/1` message. */
  place: { index: number; of: number } | undefined;
  /** The record's stored key; undefined for records without an identity (session aggregates). */
  key: bigint | undefined;
}

/** A decoded record of a batch, with its row's origin and key. */
export interface PendingRecord<R = unknown> extends PendingRow {
  record: R;
}

/**
 * A record that cannot be stored, as a dead letter: alone, with its place in its message in the
 * reason. An encoded row no longer holds its decoded record (see prepareBatch): its record is read
 * again from its message (rare: only rows ClickHouse refuses).
 */
export function letterOf(pending: PendingRow | PendingRecord, reason: string): DeadLetter {
  if (!pending.place) return { message: pending.message, reason };
  const record = 'record' in pending ? pending.record : recordAt(pending.message, pending.place.index);
  return {
    message: { ...pending.message, value: singleRecordGroupValue(record) },
    reason: `record ${pending.place.index} of ${pending.place.of}: ${reason}`,
  };
}

/** Record `index` of a `/2` message's JSON array, as it was sent. */
function recordAt(message: ConsumedMessage, index: number): unknown {
  return (JSON.parse(message.value?.toString('utf8') ?? '[]') as unknown[])[index];
}

/** Rows of a batch in RowBinary, one buffer, and where each row starts (`starts[rows]` is the end). */
export interface EncodedBatch {
  records: PendingRow[];
  data: Buffer;
  starts: Uint32Array;
}

/** A batch in RowBinary, what could not be read or stored, and the repeats dropped within it. */
export interface PreparedBatch {
  encoded: EncodedBatch;
  letters: DeadLetter[];
  /** Records dropped because an earlier record of the batch had the same key (the first wins). */
  repeats: number;
  /** The keys of the encoded rows (the lookup's input), in row order. */
  keys: bigint[];
}

/**
 * Every message of a batch decoded and each record encoded as a row of the kind's table into one
 * buffer, in one pass: a message is parsed, its records checked, keyed and written, and nothing of
 * them is kept but the row bytes, the row's origin and its key. So the decoded records die young
 * (in V8's young generation) instead of living until the whole batch is decoded, and no
 * intermediate array of records is built. In order:
 * - a message that cannot be read, or a bad record of a `/2` message, is dead-lettered (the bad
 *   record alone, as a `/2` message of its own);
 * - a record whose key an earlier record of the batch had is dropped (the first wins);
 * - a record with a value its column cannot hold (ClickHouse would refuse it) is rolled back and
 *   dead-lettered.
 * The result depends only on the messages (and the retention), so a replayed batch is prepared
 * exactly the same way.
 */
export function prepareBatch<K extends RecordKind>(kind: K, messages: readonly ConsumedMessage[], retentionDaysOf: (projectId: number) => number): PreparedBatch {
  const { encoder, identity } = STORED_KINDS[kind];
  let sizeHint = 0;
  for (const message of messages) sizeHint += message.value?.length ?? 0;
  const out = new RowBinaryBuffer(Math.max(4096, sizeHint));
  const rows: PendingRow[] = [];
  const starts: number[] = [];
  const keys: bigint[] = [];
  const letters: DeadLetter[] = [];
  const seen = new Set<bigint>();
  let repeats = 0;
  for (const message of messages) {
    const decoded = decodeMessage(kind, message.value, message.headers[SCHEMA_HEADER]);
    if (!decoded.ok) {
      letters.push({ message, reason: decoded.reason });
      continue;
    }
    const of = decoded.records.length;
    for (const entry of decoded.records) {
      if (!entry.ok) {
        letters.push({ message: { ...message, value: singleRecordGroupValue(entry.raw) }, reason: entry.reason });
        continue;
      }
      const { record } = entry;
      const place = decoded.grouped ? { index: entry.index, of } : undefined;
      const id = identity(record);
      const key = id === undefined ? undefined : recordKey(record.projectId, id);
      if (key !== undefined) {
        if (seen.has(key)) {
          repeats++;
          continue;
        }
        seen.add(key);
      }
      const start = out.length;
      try {
        encoder.write(out, record, retentionDaysOf(record.projectId));
      } catch (error) {
        if (!(error instanceof ValueDoesNotFit)) throw error;
        out.truncate(start);
        letters.push(letterOf({ message, place, key, record }, `row cannot be stored: ${error.message}`));
        continue;
      }
      rows.push({ message, place, key });
      starts.push(start);
      if (key !== undefined) keys.push(key);
    }
  }
  starts.push(out.length);
  return { encoded: { records: rows, data: out.bytes(), starts: Uint32Array.from(starts) }, letters, repeats, keys };
}

/** The rows of `encoded` whose `keep` holds, compacted into one buffer (the same one when all are kept). */
export function keepRows(encoded: EncodedBatch, keep: (pending: PendingRow) => boolean): EncodedBatch {
  const indexes = encoded.records.flatMap((pending, index) => (keep(pending) ? [index] : []));
  if (indexes.length === encoded.records.length) return encoded;
  const parts = indexes.map((index) => encoded.data.subarray(encoded.starts[index], encoded.starts[index + 1]));
  const starts = new Uint32Array(indexes.length + 1);
  parts.forEach((part, i) => (starts[i + 1] = starts[i] + part.length));
  return { records: indexes.map((index) => encoded.records[index]), data: Buffer.concat(parts), starts };
}

/** Rows `from` (inclusive) to `to` (exclusive) of `encoded`, as one insert of `table`. */
export function rowsOf(encoded: EncodedBatch, from: number, to: number, table: { table: string; columnList: string }): EncodedRows {
  return { table: table.table, columnList: table.columnList, data: encoded.data.subarray(encoded.starts[from], encoded.starts[to]), rows: to - from };
}

/**
 * The records of `rows` read again from their messages, in row order: each message is parsed once,
 * however many of its records are rows. For a kind whose later step needs the records themselves
 * (errors, for issues); a message that decoded when the batch was prepared decodes the same way now.
 */
export function recordsOfRows<K extends RecordKind>(kind: K, rows: readonly PendingRow[]): Array<RecordTypes[K]> {
  const decoded = new Map<ConsumedMessage, Map<number, RecordTypes[K]>>();
  const records: Array<RecordTypes[K]> = [];
  for (const row of rows) {
    let byIndex = decoded.get(row.message);
    if (!byIndex) {
      byIndex = new Map();
      const result = decodeMessage(kind, row.message.value, row.message.headers[SCHEMA_HEADER]);
      if (result.ok) for (const entry of result.records) if (entry.ok) byIndex.set(entry.index, entry.record);
      decoded.set(row.message, byIndex);
    }
    const record = byIndex.get(row.place?.index ?? 0);
    if (record === undefined) throw new Error(`offset ${row.message.offset}: a record stored from this message no longer decodes`);
    records.push(record);
  }
  return records;
}
