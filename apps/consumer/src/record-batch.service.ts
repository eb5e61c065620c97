import { Injectable } from '@nestjs/common';
import { ConsumedMessage, decodeRecord, RecordBatch, RecordKind, SCHEMA_HEADER } from '@pulse/kafka';
import { isRejectedRows, RowWriter } from '@pulse/storage';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.publisher';
import { RetentionPolicy } from './retention-policy';
import { STORED_KINDS, StoredKind } from './stored-kinds';

interface PendingRow {
  message: ConsumedMessage;
  row: object;
}

/** Longest ClickHouse message kept as a dead-letter reason. */
const MAX_REASON_CHARS = 1000;

/**
 * One batch of one record kind → one insert into its raw table under the batch's token. Messages
 * that cannot be decoded, and rows ClickHouse refuses, go to the dead-letter topic with the reason;
 * the rest of the batch still lands. Any other failure is thrown: the caller retries the whole
 * batch with the same token, and what already landed is deduplicated.
 */
@Injectable()
export class RecordBatchService {
  constructor(
    private readonly writer: RowWriter,
    private readonly deadLetters: DeadLetterSink,
    private readonly retention: RetentionPolicy,
    private readonly metrics: ConsumerMetrics,
  ) {}

  async handle(batch: RecordBatch): Promise<void> {
    const rows: PendingRow[] = [];
    const letters: DeadLetter[] = [];
    for (const message of batch.messages) {
      const mapped = this.toRow(batch.kind, message);
      if (mapped.ok) rows.push({ message, row: mapped.row });
      else letters.push({ message, reason: mapped.reason });
    }
    await this.insert(STORED_KINDS[batch.kind].table, rows, batch.dedupToken, letters);
    await this.deadLetters.send(batch.topic, batch.partition, letters);
    this.metrics.deadLettered.inc({ topic: batch.topic }, letters.length);
  }

  private toRow<K extends RecordKind>(kind: K, message: ConsumedMessage): { ok: true; row: object } | { ok: false; reason: string } {
    const decoded = decodeRecord(kind, message.value, message.headers[SCHEMA_HEADER]);
    if (!decoded.ok) return decoded;
    const stored: StoredKind<K> = STORED_KINDS[kind];
    return { ok: true, row: stored.toRow(decoded.record, this.retention.daysFor(decoded.record.projectId)) };
  }

  /**
   * When ClickHouse rejects the data, nothing of the insert was written (one insert is one block),
   * so the rows are halved and each half inserted under a token derived from the batch's, until
   * each rejected row stands alone and is dead-lettered. The halving depends only on the rows, so
   * a redelivered batch is split the same way and every half is deduplicated.
   */
  private async insert(table: string, rows: PendingRow[], token: string, letters: DeadLetter[]): Promise<void> {
    if (rows.length === 0) return;
    const stopTimer = this.metrics.insertSeconds.startTimer({ table });
    try {
      await this.writer.insert(table, rows.map((pending) => pending.row), token);
      stopTimer();
      this.metrics.rowsInserted.inc({ table }, rows.length);
    } catch (error) {
      if (!isRejectedRows(error)) throw error;
      this.metrics.rejectedInserts.inc({ table });
      if (rows.length === 1) {
        letters.push({ message: rows[0].message, reason: `ClickHouse rejected the row: ${describe(error)}` });
        return;
      }
      const middle = Math.ceil(rows.length / 2);
      await this.insert(table, rows.slice(0, middle), `${token}/a`, letters);
      await this.insert(table, rows.slice(middle), `${token}/b`, letters);
    }
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text;
}
