import { encodeRecord, RecordBatch, RecordKind } from '@pulse/kafka';
import { MetricsRegistry } from '@pulse/platform';
import { TransactionRow, TransactionWriter } from '@pulse/storage';
import { record } from '../../../libs/kafka/src/message-codec.spec';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.publisher';
import { TransactionBatchService } from './transaction-batch.service';

class FakeWriter extends TransactionWriter {
  readonly inserts: TransactionRow[][] = [];
  failWith: Error | undefined;
  async insert(rows: TransactionRow[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.inserts.push(rows);
  }
}

class FakeDeadLetters extends DeadLetterSink {
  readonly sent: DeadLetter[] = [];
  async send(_topic: string, _partition: number, letters: DeadLetter[]): Promise<void> {
    this.sent.push(...letters);
  }
}

function batchOf(values: Array<{ value: Buffer | null; schema?: string }>): RecordBatch {
  return {
    kind: RecordKind.Transaction,
    topic: 'pulse.transactions',
    partition: 0,
    messages: values.map((v, i) => ({ offset: String(i), key: '3', value: v.value, headers: { 'pulse-schema': v.schema } })),
  };
}

describe('TransactionBatchService', () => {
  const good = encodeRecord(RecordKind.Transaction, record);
  let writer: FakeWriter;
  let deadLetters: FakeDeadLetters;
  let service: TransactionBatchService;
  beforeEach(() => {
    writer = new FakeWriter();
    deadLetters = new FakeDeadLetters();
    service = new TransactionBatchService(writer, deadLetters, new ConsumerMetrics(new MetricsRegistry('test')));
  });

  it('inserts a whole batch as one insert of mapped rows', async () => {
    await service.handle(batchOf([{ value: good.value, schema: 'transaction/1' }, { value: good.value, schema: 'transaction/1' }]));
    expect(writer.inserts).toHaveLength(1);
    expect(writer.inserts[0]).toHaveLength(2);
    expect(writer.inserts[0][0]).toMatchObject({ project_id: 3, event_id: 'a'.repeat(32), duration_ms: 250, start_timestamp: '1970-01-01 00:00:01.000' });
    expect(deadLetters.sent).toHaveLength(0);
  });

  it('dead-letters undecodable messages with a reason and still inserts the rest', async () => {
    await service.handle(batchOf([{ value: Buffer.from('garbage'), schema: 'transaction/1' }, { value: good.value, schema: 'transaction/1' }, { value: good.value, schema: 'v0' }]));
    expect(writer.inserts[0]).toHaveLength(1);
    expect(deadLetters.sent.map((l) => [l.message.offset, l.reason])).toEqual([
      ['0', 'message is not valid JSON'],
      ['2', 'unsupported schema "v0"'],
    ]);
  });

  it('fails the batch (so it is not committed) when the insert fails', async () => {
    writer.failWith = new Error('ClickHouse is down');
    await expect(service.handle(batchOf([{ value: good.value, schema: 'transaction/1' }]))).rejects.toThrow('ClickHouse is down');
  });
});
