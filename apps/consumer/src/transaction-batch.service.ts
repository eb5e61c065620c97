import { Injectable } from '@nestjs/common';
import { decodeRecord, RecordBatch, RecordKind, SCHEMA_HEADER } from '@pulse/kafka';
import { toTransactionRow, TransactionRow, TransactionWriter } from '@pulse/storage';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.publisher';

/**
 * One Kafka batch of transactions → one ClickHouse insert. Messages that cannot be decoded go to
 * the dead-letter topic; the rest of the batch still lands. Returning resolves the commit.
 */
@Injectable()
export class TransactionBatchService {
  constructor(
    private readonly writer: TransactionWriter,
    private readonly deadLetters: DeadLetterSink,
    private readonly metrics: ConsumerMetrics,
  ) {}

  async handle(batch: RecordBatch): Promise<void> {
    const rows: TransactionRow[] = [];
    const letters: DeadLetter[] = [];
    for (const message of batch.messages) {
      const decoded = decodeRecord(RecordKind.Transaction, message.value, message.headers[SCHEMA_HEADER]);
      if (decoded.ok) rows.push(toTransactionRow(decoded.record));
      else letters.push({ message, reason: decoded.reason });
    }
    const stopTimer = this.metrics.insertSeconds.startTimer({ table: 'transactions' });
    await this.writer.insert(rows);
    stopTimer();
    this.metrics.rowsInserted.inc({ table: 'transactions' }, rows.length);
    await this.deadLetters.send(batch.topic, batch.partition, letters);
    this.metrics.deadLettered.inc({ topic: batch.topic }, letters.length);
  }
}
