import { ClickHouseError } from '@clickhouse/client';
import { ProjectRegistry } from '@pulse/config';
import { encodeRecord, RecordBatch, RecordKind } from '@pulse/kafka';
import { MetricsRegistry } from '@pulse/platform';
import { RowWriter } from '@pulse/storage';
import { record } from '../../../libs/kafka/src/message-codec.spec';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.publisher';
import { RecordBatchService } from './record-batch.service';
import { RetentionPolicy } from './retention-policy';

/** A writer that refuses any insert holding a row of a "bad" event id, as ClickHouse refuses a whole block. */
class FakeWriter extends RowWriter {
  readonly inserts: Array<{ table: string; rows: Array<Record<string, unknown>>; token: string }> = [];
  failWith: Error | undefined;
  async insert(table: string, rows: readonly object[], token: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    const typed = rows as Array<Record<string, unknown>>;
    if (typed.some((row) => String(row.event_id).startsWith('bad'))) {
      throw new ClickHouseError({ message: 'Too large value for FixedString(32)', code: '131', type: 'TOO_LARGE_STRING_SIZE' });
    }
    this.inserts.push({ table, rows: typed, token });
  }
}

class FakeDeadLetters extends DeadLetterSink {
  readonly sent: DeadLetter[] = [];
  async send(_topic: string, _partition: number, letters: DeadLetter[]): Promise<void> {
    this.sent.push(...letters);
  }
}

const registry = new ProjectRegistry({ projects: [{ id: 3, name: 'p', keys: ['a'.repeat(32)], retentionDays: 14 }], tokens: [] });

function batchOf(values: Array<{ value: Buffer | null; schema?: string }>): RecordBatch {
  return {
    kind: RecordKind.Transaction,
    topic: 'pulse.transactions',
    partition: 0,
    range: { first: '0', last: String(values.length - 1) },
    dedupToken: 'pulse.transactions/0/0-9',
    messages: values.map((v, i) => ({ offset: String(i), key: '3', value: v.value, headers: { 'pulse-schema': v.schema } })),
  };
}

describe('RecordBatchService', () => {
  const message = (eventId: string) => ({ value: encodeRecord(RecordKind.Transaction, { ...record, eventId }).value, schema: 'transaction/1' });
  let writer: FakeWriter;
  let deadLetters: FakeDeadLetters;
  let service: RecordBatchService;
  beforeEach(() => {
    writer = new FakeWriter();
    deadLetters = new FakeDeadLetters();
    service = new RecordBatchService(writer, deadLetters, new RetentionPolicy(registry, 90), new ConsumerMetrics(new MetricsRegistry('test')));
  });

  it('inserts a whole batch as one insert into the kind\'s table under the batch token, with the project\'s retention', async () => {
    await service.handle(batchOf([message('a'.repeat(32)), message('b'.repeat(32))]));
    expect(writer.inserts).toHaveLength(1);
    expect(writer.inserts[0]).toMatchObject({ table: 'transactions', token: 'pulse.transactions/0/0-9' });
    expect(writer.inserts[0].rows.map((row) => [row.event_id, row.retention_days])).toEqual([
      ['a'.repeat(32), 14],
      ['b'.repeat(32), 14],
    ]);
    expect(deadLetters.sent).toHaveLength(0);
  });

  it('dead-letters undecodable messages with a reason and still inserts the rest', async () => {
    await service.handle(batchOf([{ value: Buffer.from('garbage'), schema: 'transaction/1' }, message('a'.repeat(32)), { ...message('c'.repeat(32)), schema: 'v0' }]));
    expect(writer.inserts[0].rows).toHaveLength(1);
    expect(deadLetters.sent.map((l) => [l.message.offset, l.reason])).toEqual([
      ['0', 'message is not valid JSON'],
      ['2', 'unsupported schema "v0"'],
    ]);
  });

  it('halves a batch ClickHouse rejects until the rejected rows stand alone, under tokens derived from the batch token', async () => {
    const ids = ['a', 'bad1', 'c', 'd', 'e', 'bad2', 'g'].map((id) => id.padEnd(32, '0'));
    await service.handle(batchOf(ids.map(message)));
    const stored = writer.inserts.flatMap((insert) => insert.rows.map((row) => row.event_id));
    expect(stored.sort()).toEqual(ids.filter((id) => !id.startsWith('bad')).sort());
    expect(deadLetters.sent.map((l) => l.message.offset)).toEqual(['1', '5']);
    expect(deadLetters.sent[0].reason).toBe('ClickHouse rejected the row: Too large value for FixedString(32)');
    const tokens = writer.inserts.map((insert) => insert.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const token of tokens) expect(token).toMatch(/^pulse\.transactions\/0\/0-9(\/[ab])+$/);
    // The same batch again is split the same way: every half keeps its token.
    const again = new FakeWriter();
    await new RecordBatchService(again, new FakeDeadLetters(), new RetentionPolicy(registry, 90), new ConsumerMetrics(new MetricsRegistry('test'))).handle(batchOf(ids.map(message)));
    expect(again.inserts.map((insert) => insert.token)).toEqual(tokens);
  });

  it('throws (so the batch is retried, not committed) when ClickHouse fails for another reason', async () => {
    writer.failWith = new Error('connect ECONNREFUSED 127.0.0.1:8123');
    await expect(service.handle(batchOf([message('a'.repeat(32))]))).rejects.toThrow('ECONNREFUSED');
    expect(deadLetters.sent).toHaveLength(0);
  });
});
