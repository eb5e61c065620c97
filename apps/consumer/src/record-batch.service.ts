import { Injectable } from '@nestjs/common';
import { ConsumedMessage, decodeRecord, RecordBatch, RecordKind, RecordTypes, SCHEMA_HEADER } from '@pulse/kafka';
import { batchHash, errorIdentity, isRejectedRows, RecordKeyStore, recordKey, RowWriter, sessionIdentity, spanIdentity, transactionIdentity, webVitalIdentity } from '@pulse/storage';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.publisher';
import { RetentionPolicy } from './retention-policy';
import { STORED_KINDS, StoredKind } from './stored-kinds';

interface PendingRow {
  message: ConsumedMessage;
  row: object;
  /** The record's stored key; undefined for records without an identity (session aggregates). */
  key: bigint | undefined;
}

/** Longest ClickHouse message kept as a dead-letter reason. */
const MAX_REASON_CHARS = 1000;

/** What makes a record of each kind "the same record sent again" (libs/storage/src/record-identity.ts). */
const IDENTITY_OF: { [K in RecordKind]: (record: RecordTypes[K]) => string | undefined } = {
  [RecordKind.Transaction]: transactionIdentity,
  [RecordKind.Span]: spanIdentity,
  [RecordKind.WebVital]: webVitalIdentity,
  [RecordKind.Error]: errorIdentity,
  [RecordKind.Session]: sessionIdentity,
};

/**
 * One batch of one record kind → one insert into its raw table under the batch's token. Messages
 * that cannot be decoded, and rows ClickHouse refuses, go to the dead-letter topic with the reason;
 * the rest of the batch still lands. Any other failure is thrown: the caller retries the whole
 * batch with the same token, and what already landed is deduplicated.
 *
 * A record sent again by a client (same event_id, or the kind's identity) is stored once: the
 * materialized views count every row inserted into the raw tables, so duplicates are dropped
 * before that insert. In order:
 * 1. drop the batch's own repeats (the first wins);
 * 2. drop the records whose key another batch stored (`record_keys`, kept 24 hours at least);
 * 3. insert the rest under the batch token;
 * 4. then remember their keys, under `<token>/keys`, tagged with a hash of the token.
 * Every crash point is safe because a replayed batch (same messages, same token) ignores keys it
 * wrote itself:
 * - before 3 completes: nothing of the batch is stored; the replay starts over.
 * - after 3, before 4 (or during 4, on a cluster where the keys of one insert go to several
 *   shards): the replay finds none, or some, of its own keys and ignores them, so step 2 drops
 *   exactly what it dropped the first time; step 3 repeats the first insert under the same token
 *   and ClickHouse drops it; step 4 writes the keys.
 * - after 4: the replay again drops only other batches' keys, repeats insert 3 and the key
 *   insert, and ClickHouse drops both.
 * Step 2 sees the same keys on a replay because a partition's batches run one after another and
 * each writes its keys before it is committed; a project's records all go to one partition.
 */
@Injectable()
export class RecordBatchService {
  constructor(
    private readonly writer: RowWriter,
    private readonly deadLetters: DeadLetterSink,
    private readonly retention: RetentionPolicy,
    private readonly metrics: ConsumerMetrics,
    private readonly keys: RecordKeyStore,
  ) {}

  async handle(batch: RecordBatch): Promise<void> {
    const rows: PendingRow[] = [];
    const letters: DeadLetter[] = [];
    for (const message of batch.messages) {
      const mapped = this.toRow(batch.kind, message);
      if (mapped.ok) rows.push({ message, row: mapped.row, key: mapped.key });
      else letters.push({ message, reason: mapped.reason });
    }
    const batchId = batchHash(batch.dedupToken);
    const fresh = await this.dropDuplicates(batch.kind, rows, batchId);
    const stored: PendingRow[] = [];
    await this.insert(STORED_KINDS[batch.kind].table, fresh, batch.dedupToken, letters, stored);
    await this.keys.remember(batch.kind, keysOf(stored), batchId, `${batch.dedupToken}/keys`);
    await this.deadLetters.send(batch.topic, batch.partition, letters);
    this.metrics.deadLettered.inc({ topic: batch.topic }, letters.length);
  }

  private toRow<K extends RecordKind>(kind: K, message: ConsumedMessage): { ok: true; row: object; key: bigint | undefined } | { ok: false; reason: string } {
    const decoded = decodeRecord(kind, message.value, message.headers[SCHEMA_HEADER]);
    if (!decoded.ok) return decoded;
    const stored: StoredKind<K> = STORED_KINDS[kind];
    const identity = IDENTITY_OF[kind](decoded.record);
    return {
      ok: true,
      row: stored.toRow(decoded.record, this.retention.daysFor(decoded.record.projectId)),
      key: identity === undefined ? undefined : recordKey(decoded.record.projectId, identity),
    };
  }

  /** Steps 1 and 2 of the class comment; counts what it drops. */
  private async dropDuplicates(kind: RecordKind, rows: PendingRow[], batchId: bigint): Promise<PendingRow[]> {
    const seenInBatch = new Set<bigint>();
    const unique = rows.filter((pending) => {
      if (pending.key === undefined) return true;
      if (seenInBatch.has(pending.key)) return false;
      seenInBatch.add(pending.key);
      return true;
    });
    const storedBefore = await this.keys.storedByOthers(kind, keysOf(unique), batchId);
    const fresh = storedBefore.size === 0 ? unique : unique.filter((pending) => pending.key === undefined || !storedBefore.has(pending.key));
    this.metrics.duplicates.inc({ kind }, rows.length - fresh.length);
    return fresh;
  }

  /**
   * When ClickHouse rejects the data, nothing of the insert was written (one insert is one block),
   * so the rows are halved and each half inserted under a token derived from the batch's, until
   * each rejected row stands alone and is dead-lettered. The halving depends only on the rows, so
   * a redelivered batch is split the same way and every half is deduplicated.
   */
  private async insert(table: string, rows: PendingRow[], token: string, letters: DeadLetter[], stored: PendingRow[]): Promise<void> {
    if (rows.length === 0) return;
    const stopTimer = this.metrics.insertSeconds.startTimer({ table });
    try {
      await this.writer.insert(table, rows.map((pending) => pending.row), token);
      stopTimer();
      this.metrics.rowsInserted.inc({ table }, rows.length);
      stored.push(...rows);
    } catch (error) {
      if (!isRejectedRows(error)) throw error;
      this.metrics.rejectedInserts.inc({ table });
      if (rows.length === 1) {
        letters.push({ message: rows[0].message, reason: `ClickHouse rejected the row: ${describe(error)}` });
        return;
      }
      const middle = Math.ceil(rows.length / 2);
      await this.insert(table, rows.slice(0, middle), `${token}/a`, letters, stored);
      await this.insert(table, rows.slice(middle), `${token}/b`, letters, stored);
    }
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

function keysOf(rows: readonly PendingRow[]): bigint[] {
  return rows.flatMap((pending) => (pending.key === undefined ? [] : [pending.key]));
}
