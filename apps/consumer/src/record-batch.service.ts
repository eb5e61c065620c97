import { Injectable } from '@nestjs/common';
import { kafkaNameOf, RecordBatch } from '@pulse/kafka';
import { RecordKind } from '@pulse/model';
import { batchHash, BinaryRowWriter, isRejectedRows, RecordKeyStore, STORED_KINDS, TableEncoder } from '@pulse/storage';
import { EncodedBatch, keepRows, letterOf, PendingRow, prepareBatch, rowsOf } from './batch-rows';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.sink';
import { IssueSink, recordIssues } from './issue.step';
import { RetentionPolicy } from './retention-policy';

/** Longest ClickHouse message kept as a dead-letter reason. */
const MAX_REASON_CHARS = 1000;

/**
 * One batch of one record kind → one insert into its raw table under the batch's token. Messages
 * and records that cannot be decoded, and rows that cannot be stored (a value its column cannot
 * hold, or refused by ClickHouse), go to the dead-letter topic with the reason; a bad record of a
 * `/2` message goes alone. The rest of the batch still lands. Any other failure is thrown: the
 * caller retries the whole batch with the same token, and what already landed is deduplicated.
 *
 * Rows are encoded in RowBinary straight from each decoded message (batch-rows.ts), into one buffer.
 *
 * A record sent again by a client (same event_id, or the kind's identity) is stored once: the
 * materialized views count every row inserted into the raw tables, so duplicates are dropped
 * before that insert. In order:
 * 1. drop the batch's own repeats (the first wins);
 * 2. drop the records whose key another batch stored (`record_keys`, kept 24 hours at least);
 *    step 1 and the encoding are one pass over the messages before this lookup (prepareBatch), so
 *    the decoded records die young; the other partitions' batches fill the lookup's wait;
 * 3. insert the rest under the batch token, and at the same time
 * 4. remember their keys, under `<token>/keys`, tagged with a hash of the token.
 * Every crash point is safe because a replayed batch (same messages, same token) ignores keys it
 * wrote itself:
 * - before 3 and 4 complete (either, both, or parts of 4 on a cluster where the keys of one insert
 *   go to several shards): the replay finds none, some or all of its own keys and ignores them, so
 *   step 2 drops exactly what it dropped the first time; step 3 repeats the first insert under the
 *   same token and ClickHouse drops whatever of it landed; step 4 likewise.
 * - after both: the replay does the same, and ClickHouse drops both inserts.
 * Step 2 sees the same keys on a replay because a partition's batches run one after another and
 * each writes its keys before it is committed; a project's records all go to one partition.
 * Because 3 and 4 run together, the keys of rows ClickHouse then refuses (dead-lettered) are
 * remembered too: a re-send of such a record is dropped as a duplicate rather than refused again.
 * 5. errors only: the stored rows become issues in PostgreSQL (issue.step.ts), before the commit.
 *    On a replay the same rows are fresh (step 2 ignores the batch's own keys) and PostgreSQL finds
 *    the offset range applied, so an event is counted into its issue once.
 */
@Injectable()
export class RecordBatchService {
  constructor(
    private readonly writer: BinaryRowWriter,
    private readonly deadLetters: DeadLetterSink,
    private readonly retention: RetentionPolicy,
    private readonly metrics: ConsumerMetrics,
    private readonly keys: RecordKeyStore,
    private readonly issues: IssueSink,
  ) {}

  async handle(batch: RecordBatch): Promise<void> {
    const { kind } = batch;
    const { keyKind, encoder } = STORED_KINDS[kind];
    const batchId = batchHash(batch.dedupToken);
    const { encoded, letters, repeats, keys } = prepareBatch(kind, batch.messages, (projectId) => this.retention.daysFor(projectId));
    const storedBefore = await this.keys.storedByOthers(keyKind, keys, batchId);
    const fresh = storedBefore.size === 0 ? encoded : keepRows(encoded, (pending) => pending.key === undefined || !storedBefore.has(pending.key));
    this.metrics.duplicates.inc({ kind: kafkaNameOf(kind) }, repeats + encoded.records.length - fresh.records.length);
    const rejected = new Set<PendingRow>();
    await Promise.all([
      this.insert(encoder as TableEncoder<unknown>, fresh, 0, fresh.records.length, batch.dedupToken, letters, rejected),
      this.keys.remember(keyKind, keysOf(fresh.records), batchId, `${batch.dedupToken}/keys`),
    ]);
    if (kind === RecordKind.Error) {
      const stored = rejected.size === 0 ? fresh.records : fresh.records.filter((pending) => !rejected.has(pending));
      await recordIssues(this.issues, this.metrics, batch, stored);
    }
    await this.deadLetters.send(batch.topic, batch.partition, letters);
    this.metrics.deadLettered.inc({ topic: batch.topic }, letters.length);
  }

  /**
   * Rows `from` to `to` of `rows` as one insert. When ClickHouse rejects the data, nothing of the
   * insert was written (one insert is one block), so the rows are halved and each half inserted
   * under a token derived from the batch's, until each rejected row stands alone and is
   * dead-lettered. The halving depends only on the rows, so a redelivered batch is split the same
   * way and every half is deduplicated. Rows dead-lettered this way are added to `rejected`.
   */
  private async insert(encoder: TableEncoder<unknown>, rows: EncodedBatch, from: number, to: number, token: string, letters: DeadLetter[], rejected: Set<PendingRow>): Promise<void> {
    if (to === from) return;
    const { table } = encoder;
    const stopTimer = this.metrics.insertSeconds.startTimer({ table });
    try {
      await this.writer.insert(rowsOf(rows, from, to, encoder), token);
      stopTimer();
      this.metrics.rowsInserted.inc({ table }, to - from);
    } catch (error) {
      if (!isRejectedRows(error)) throw error;
      this.metrics.rejectedInserts.inc({ table });
      if (to - from === 1) {
        letters.push(letterOf(rows.records[from], `ClickHouse rejected the row: ${describe(error)}`));
        rejected.add(rows.records[from]);
        return;
      }
      const middle = from + Math.ceil((to - from) / 2);
      await this.insert(encoder, rows, from, middle, `${token}/a`, letters, rejected);
      await this.insert(encoder, rows, middle, to, `${token}/b`, letters, rejected);
    }
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}

function keysOf(rows: readonly PendingRow[]): bigint[] {
  const keys: bigint[] = [];
  for (const { key } of rows) if (key !== undefined) keys.push(key);
  return keys;
}
