import { ClickHouseError } from '@clickhouse/client';
import { ProjectRegistry } from '@pulse/config';
import { EncodedMessage, encodeRecord, encodeRecordGroup, RecordBatch } from '@pulse/kafka';
import type { AppliedPosition, RecordOutcome } from '@pulse/issues';
import { errorRecord } from '@pulse/issues/testing';
import { transactionRecord as record } from '@pulse/kafka/testing';
import { ErrorRecord, RecordKind, SessionRecord } from '@pulse/model';
import { MetricsRegistry } from '@pulse/platform';
import { batchHash, BinaryRowWriter, EncodedRows, recordKey, RecordKeyStore, STORED_KINDS } from '@pulse/storage';
import { readRowBinary } from '@pulse/storage/testing';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.sink';
import { IssueSink } from './issue.step';
import { RecordBatchService } from './record-batch.service';
import { RetentionPolicy } from './retention-policy';

/** A writer that refuses any insert holding a row of a "bad" event id, as ClickHouse refuses a whole block. */
class FakeWriter extends BinaryRowWriter {
  readonly inserts: Array<{ table: string; rows: Array<Record<string, unknown>>; token: string }> = [];
  failWith: Error | undefined;
  constructor(private readonly log: string[] = []) {
    super();
  }
  async insert(encoded: EncodedRows, token: string): Promise<void> {
    this.log.push(`insert ${token}`);
    if (this.failWith) throw this.failWith;
    const { table } = encoded;
    const encoder = Object.values(STORED_KINDS).find((kind) => kind.encoder.table === table)!.encoder;
    expect(encoded.columnList).toBe(encoder.columnList);
    const typed = readRowBinary(encoded, encoder.columns);
    if (typed.some((row) => String(row.event_id).startsWith('bad'))) {
      throw new ClickHouseError({ message: 'Too large value for FixedString(32)', code: '131', type: 'TOO_LARGE_STRING_SIZE' });
    }
    this.inserts.push({ table, rows: typed, token });
  }
}

/**
 * Remembers which batch stored which key, as record_keys does, and logs its calls into the log it
 * shares with the writer (to check the order of the two inserts).
 */
class FakeKeys extends RecordKeyStore {
  readonly stored = new Map<string, Map<bigint, Set<bigint>>>();
  readonly remembered: Array<{ kind: string; keys: bigint[]; batch: bigint; token: string }> = [];
  failRemember: Error | undefined;
  constructor(private readonly log: string[] = []) {
    super();
  }
  async storedByOthers(kind: string, keys: readonly bigint[], batch: bigint): Promise<Set<bigint>> {
    this.log.push('lookup');
    const ofKind = this.stored.get(kind) ?? new Map<bigint, Set<bigint>>();
    return new Set(keys.filter((key) => ofKind.has(key) && !ofKind.get(key)?.has(batch)));
  }
  async remember(kind: string, keys: readonly bigint[], batch: bigint, token: string): Promise<void> {
    this.log.push(`remember ${token}`);
    if (this.failRemember) throw this.failRemember;
    this.remembered.push({ kind, keys: [...keys], batch, token });
    const ofKind = this.stored.get(kind) ?? new Map<bigint, Set<bigint>>();
    for (const key of keys) ofKind.set(key, (ofKind.get(key) ?? new Set()).add(batch));
    this.stored.set(kind, ofKind);
  }
}

class FakeDeadLetters extends DeadLetterSink {
  readonly sent: DeadLetter[] = [];
  async send(_topic: string, _partition: number, letters: DeadLetter[]): Promise<void> {
    this.sent.push(...letters);
  }
}

/** Records what the errors step hands to the issue processor; fails when told to (PostgreSQL down). */
class FakeIssues extends IssueSink {
  readonly calls: Array<{ eventIds: string[]; position: AppliedPosition }> = [];
  failWith: Error | undefined;
  applied = true;
  async record(records: readonly ErrorRecord[], position: AppliedPosition): Promise<RecordOutcome> {
    if (this.failWith) throw this.failWith;
    this.calls.push({ eventIds: records.map((r) => r.eventId), position });
    return { applied: this.applied, created: this.applied ? records.length : 0, updated: 0, regressed: 0, escalated: 0 };
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

/** The service over fresh fakes: its writer, dead-letter sink, 90-day retention and no stored keys. */
function serviceWithFakes(): { writer: FakeWriter; deadLetters: FakeDeadLetters; service: RecordBatchService } {
  const writer = new FakeWriter();
  const deadLetters = new FakeDeadLetters();
  const service = new RecordBatchService(writer, deadLetters, new RetentionPolicy(registry, 90), new ConsumerMetrics(new MetricsRegistry('test')), new FakeKeys(), new FakeIssues());
  return { writer, deadLetters, service };
}

describe('RecordBatchService', () => {
  const message = (eventId: string) => ({ value: encodeRecord(RecordKind.Transaction, { ...record, eventId }).value, schema: 'transaction/1' });
  let writer: FakeWriter;
  let deadLetters: FakeDeadLetters;
  let service: RecordBatchService;
  beforeEach(() => ({ writer, deadLetters, service } = serviceWithFakes()));

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
    await new RecordBatchService(again, new FakeDeadLetters(), new RetentionPolicy(registry, 90), new ConsumerMetrics(new MetricsRegistry('test')), new FakeKeys(), new FakeIssues()).handle(batchOf(ids.map(message)));
    expect(again.inserts.map((insert) => insert.token)).toEqual(tokens);
  });

  it('throws (so the batch is retried, not committed) when ClickHouse fails for another reason', async () => {
    writer.failWith = new Error('connect ECONNREFUSED 127.0.0.1:8123');
    await expect(service.handle(batchOf([message('a'.repeat(32))]))).rejects.toThrow('ECONNREFUSED');
    expect(deadLetters.sent).toHaveLength(0);
  });
});

describe('RecordBatchService: a record sent again is stored once', () => {
  const txn = (eventId: string, overrides: Partial<typeof record> = {}) => encodeRecord(RecordKind.Transaction, { ...record, eventId, ...overrides });
  const session = (overrides: Partial<SessionRecord>) =>
    encodeRecord(RecordKind.Session, { projectId: 3, sessionId: 'f'.repeat(32), distinctId: 'u1', status: 'ok', init: true, errors: 0, quantity: 1, startedMs: 1000, timestampMs: 1000, durationS: null, release: 'r1', environment: 'production', receivedAtMs: 2000, ...overrides });
  const batch = (token: string, messages: EncodedMessage[], kind = RecordKind.Transaction): RecordBatch => ({
    ...batchOf([]),
    kind,
    topic: `pulse.${kind}`,
    dedupToken: token,
    messages: messages.map((encoded, i) => ({ offset: String(i), key: encoded.key, value: encoded.value, headers: encoded.headers })),
  });
  const A = 'a'.repeat(32);
  const B = 'b'.repeat(32);
  const C = 'c'.repeat(32);

  let log: string[];
  let writer: FakeWriter;
  let keys: FakeKeys;
  let deadLetters: FakeDeadLetters;
  let metrics: ConsumerMetrics;
  let service: RecordBatchService;
  beforeEach(() => {
    log = [];
    writer = new FakeWriter(log);
    keys = new FakeKeys(log);
    deadLetters = new FakeDeadLetters();
    metrics = new ConsumerMetrics(new MetricsRegistry('test'));
    service = new RecordBatchService(writer, deadLetters, new RetentionPolicy(registry, 90), metrics, keys, new FakeIssues());
  });
  const stored = () => writer.inserts.flatMap((insert) => insert.rows.map((row) => row.event_id));
  const duplicates = async (kind: string) => (await metrics.duplicates.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

  it('keeps the first of the same event in one batch and counts the others as duplicates', async () => {
    await service.handle(batch('t/0/0-3', [txn(A, { name: 'first' }), txn(B), txn(A, { name: 'second' }), txn(A)]));
    expect(writer.inserts).toHaveLength(1);
    expect(writer.inserts[0].rows.map((row) => [row.event_id, row.name])).toEqual([[A, 'first'], [B, 'GET /']]);
    expect(await duplicates('transactions')).toBe(2);
  });

  it('drops what another batch stored, inserts the rest and remembers their keys under <token>/keys', async () => {
    await service.handle(batch('t/0/0-1', [txn(A), txn(B)]));
    await service.handle(batch('t/0/2-4', [txn(B), txn(C), txn(A)]));
    expect(writer.inserts.map((insert) => [insert.token, insert.rows.map((row) => row.event_id)])).toEqual([
      ['t/0/0-1', [A, B]],
      ['t/0/2-4', [C]],
    ]);
    expect(log).toEqual(['lookup', 'insert t/0/0-1', 'remember t/0/0-1/keys', 'lookup', 'insert t/0/2-4', 'remember t/0/2-4/keys']);
    expect(keys.remembered.map((call) => [call.kind, call.keys, call.batch])).toEqual([
      ['transactions', [recordKey(3, A), recordKey(3, B)], batchHash('t/0/0-1')],
      ['transactions', [recordKey(3, C)], batchHash('t/0/2-4')],
    ]);
    expect(await duplicates('transactions')).toBe(2);
  });

  it('fails the batch when the raw insert fails, and the retry ignores the keys the failed attempt wrote', async () => {
    writer.failWith = new Error('connect ECONNREFUSED 127.0.0.1:8123');
    await expect(service.handle(batch('t/0/0-0', [txn(A)]))).rejects.toThrow('ECONNREFUSED');
    expect(log).toEqual(['lookup', 'insert t/0/0-0', 'remember t/0/0-0/keys']);
    writer.failWith = undefined;
    await service.handle(batch('t/0/0-0', [txn(A)]));
    expect(stored()).toEqual([A]);
  });

  it('repeats its first insert exactly when replayed after a crash before, or after, its keys were written', async () => {
    const messages = [txn(A), txn(B), txn(C)];
    await service.handle(batch('t/0/0-0', [txn(B)]));
    keys.failRemember = new Error('connection reset');
    await expect(service.handle(batch('t/0/1-3', messages))).rejects.toThrow('connection reset');
    keys.failRemember = undefined;
    await service.handle(batch('t/0/1-3', messages)); // crashed before its keys: the replay
    await service.handle(batch('t/0/1-3', messages)); // crashed after its keys, before the commit
    expect(writer.inserts.map((insert) => [insert.token, insert.rows.map((row) => row.event_id)])).toEqual([
      ['t/0/0-0', [B]],
      ['t/0/1-3', [A, C]],
      ['t/0/1-3', [A, C]],
      ['t/0/1-3', [A, C]],
    ]);
    // ClickHouse drops the repeats by token; another batch with A is a duplicate.
    await service.handle(batch('t/0/4-4', [txn(A)]));
    expect(writer.inserts).toHaveLength(4);
  });

  it('dead-letters a row ClickHouse rejects and remembers its key with the others (the two inserts run together)', async () => {
    const good = ['a', 'c', 'd'].map((id) => id.padEnd(32, '0'));
    const bad = 'bad1'.padEnd(32, '0');
    await service.handle(batch('t/0/0-3', [txn(good[0]), txn(bad), txn(good[1]), txn(good[2])]));
    expect(stored().sort()).toEqual(good);
    expect(deadLetters.sent.map((letter) => letter.message.offset)).toEqual(['1']);
    expect(keys.remembered.flatMap((call) => call.keys).sort()).toEqual([...good, bad].map((id) => recordKey(3, id)).sort());
  });

  it('tells projects apart: the same event id in two projects is two records', async () => {
    await service.handle(batch('t/0/0-1', [txn(A), txn(A, { projectId: 4 })]));
    expect(writer.inserts[0].rows.map((row) => [row.project_id, row.event_id])).toEqual([[3, A], [4, A]]);
  });

  it('drops a session update sent twice but never an aggregate bucket, which has no identity', async () => {
    const update = session({ init: true, status: 'ok' });
    const ended = session({ init: false, status: 'exited', timestampMs: 9000, durationS: 8 });
    const bucket = session({ sessionId: '', status: 'exited', quantity: 5, distinctId: '' });
    await service.handle(batch('s/0/0-4', [update, ended, update, bucket, bucket], RecordKind.Session));
    await service.handle(batch('s/0/5-7', [ended, bucket, update], RecordKind.Session));
    expect(writer.inserts.map((insert) => insert.rows.map((row) => [row.session_id, row.status, row.quantity]))).toEqual([
      [['f'.repeat(32), 'ok', 1], ['f'.repeat(32), 'exited', 1], ['', 'exited', 5], ['', 'exited', 5]],
      [['', 'exited', 5]],
    ]);
    expect(await duplicates('sessions')).toBe(3);
  });

  it('keys and counts Web Vitals as `web-vitals`, the name record_keys and the metrics have always had', async () => {
    const vital = encodeRecord(RecordKind.WebVital, { projectId: 3, vital: 'lcp', value: 1200, page: '/', traceId: 'b'.repeat(32), segmentId: 'c'.repeat(16), release: 'r1', environment: 'production', browserName: 'Chrome', browserVersion: '120', osName: 'Linux', userId: 'u1', timestampMs: 1000, receivedAtMs: 2000 });
    await service.handle({ ...batch('v/0/0-1', [vital, vital], RecordKind.WebVital), topic: 'pulse.web-vitals' });
    expect(writer.inserts.map((insert) => [insert.table, insert.rows.length])).toEqual([['web_vitals', 1]]);
    expect(keys.remembered.map((call) => call.kind)).toEqual(['web-vitals']);
    expect(await duplicates('web-vitals')).toBe(1);
  });
});

describe('RecordBatchService: schema version 2, the records of one request in one message', () => {
  let writer: FakeWriter;
  let deadLetters: FakeDeadLetters;
  let service: RecordBatchService;
  beforeEach(() => ({ writer, deadLetters, service } = serviceWithFakes()));
  const id = (n: number) => String(n).padStart(32, '0');
  const group = (ids: string[]) => encodeRecordGroup(RecordKind.Transaction, ids.map((eventId) => ({ ...record, eventId })));
  const asMessage = (encoded: EncodedMessage) => ({ value: encoded.value, schema: encoded.headers['pulse-schema'] });
  const stored = () => writer.inserts.flatMap((insert) => insert.rows.map((row) => row.event_id));

  it('stores every record of /2 messages and /1 messages of one batch in one insert, in order', async () => {
    const [first] = group([id(1), id(2), id(3)]);
    const [second] = group([id(5)]);
    await service.handle(batchOf([asMessage(first), asMessage(encodeRecord(RecordKind.Transaction, { ...record, eventId: id(4) })), asMessage(second)]));
    expect(writer.inserts).toHaveLength(1);
    expect(stored()).toEqual([1, 2, 3, 4, 5].map(id));
  });

  it('dead-letters a bad record of a /2 message alone, as a /2 message of its own, with its index; the others are stored', async () => {
    const records = [{ ...record, eventId: id(1) }, { ...record, eventId: id(2), durationMs: 'slow' }, { ...record, eventId: id(3) }];
    await service.handle(batchOf([{ value: Buffer.from(JSON.stringify(records)), schema: 'transaction/2' }]));
    expect(stored()).toEqual([id(1), id(3)]);
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0].reason).toBe('record 1 of 3: field durationMs is missing or not a number');
    expect(JSON.parse(String(deadLetters.sent[0].message.value))).toEqual([records[1]]);
    expect(deadLetters.sent[0].message.headers['pulse-schema']).toBe('transaction/2');
  });

  it('dead-letters a record whose value its column cannot hold, alone, without asking ClickHouse', async () => {
    const [message] = group([id(1), 'f'.repeat(40), id(3)]);
    await service.handle(batchOf([asMessage(message)]));
    expect(stored()).toEqual([id(1), id(3)]);
    expect(deadLetters.sent.map((letter) => letter.reason)).toEqual(['record 1 of 3: row cannot be stored: event_id: 40 bytes do not fit FixedString(32)']);
    expect(JSON.parse(String(deadLetters.sent[0].message.value))).toEqual([{ ...record, eventId: 'f'.repeat(40) }]);
  });

  it('halves a batch of /2 messages ClickHouse rejects and dead-letters the rejected record alone, with its index', async () => {
    const [message] = group([id(1), 'bad'.padEnd(32, '0'), id(3), id(4)]);
    await service.handle(batchOf([asMessage(message)]));
    expect(stored()).toEqual([id(1), id(3), id(4)]);
    expect(deadLetters.sent.map((letter) => letter.reason)).toEqual(['record 1 of 4: ClickHouse rejected the row: Too large value for FixedString(32)']);
  });
});

describe('RecordBatchService: the errors step hands the stored errors to the issue processor', () => {
  const id = (n: number | string) => String(n).padEnd(32, '0');
  const error = (eventId: string) => encodeRecord(RecordKind.Error, errorRecord({ projectId: 3, eventId }));
  const batch = (token: string, messages: EncodedMessage[], kind = RecordKind.Error): RecordBatch => ({
    kind,
    topic: `pulse.${kind}`,
    partition: 2,
    range: { first: '10', last: String(10 + messages.length - 1) },
    dedupToken: token,
    messages: messages.map((encoded, i) => ({ offset: String(10 + i), key: encoded.key, value: encoded.value, headers: encoded.headers })),
  });
  let writer: FakeWriter;
  let issues: FakeIssues;
  let metrics: ConsumerMetrics;
  let service: RecordBatchService;
  beforeEach(() => {
    writer = new FakeWriter();
    issues = new FakeIssues();
    metrics = new ConsumerMetrics(new MetricsRegistry('test'));
    service = new RecordBatchService(writer, new FakeDeadLetters(), new RetentionPolicy(registry, 90), metrics, new FakeKeys(), issues);
  });
  const counter = async (name: 'issuesCreated' | 'issueBatchesSkipped') => (await metrics[name].get()).values[0]?.value ?? 0;

  it('passes the fresh records (no repeats, no re-sends, none ClickHouse refused) with the batch position', async () => {
    await service.handle(batch('e/2/0-0', [error(id(1))]));
    const grouped = encodeRecordGroup(RecordKind.Error, [errorRecord({ projectId: 3, eventId: id(2) }), errorRecord({ projectId: 3, eventId: id('bad') })]);
    await service.handle(batch('e/2/1-4', [error(id(1)), ...grouped, error(id(3)), error(id(3))]));
    expect(issues.calls).toEqual([
      { eventIds: [id(1)], position: { consumer: 'issues', topic: 'pulse.errors', partition: 2, lastOffset: '10' } },
      { eventIds: [id(2), id(3)], position: { consumer: 'issues', topic: 'pulse.errors', partition: 2, lastOffset: '13' } },
    ]);
    expect(await counter('issuesCreated')).toBe(3);
  });

  it('fails the batch when the issue processor fails, after the insert (the retry is deduplicated by token)', async () => {
    issues.failWith = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    await expect(service.handle(batch('e/2/0-0', [error(id(1))]))).rejects.toThrow('ECONNREFUSED');
    expect(writer.inserts.map((insert) => insert.token)).toEqual(['e/2/0-0']);
  });

  it('counts a batch the processor had applied as skipped, and never calls it for other kinds', async () => {
    issues.applied = false;
    await service.handle(batch('e/2/0-0', [error(id(1))]));
    expect(await counter('issueBatchesSkipped')).toBe(1);
    await service.handle(batch('t/2/0-0', [encodeRecord(RecordKind.Transaction, record)], RecordKind.Transaction));
    expect(issues.calls).toHaveLength(1);
  });

  it('passes an errors batch without fresh records too, so the partition\'s applied offset moves (the alerts app waits for it)', async () => {
    await service.handle(batch('e/2/0-0', [error(id(1))]));
    await service.handle(batch('e/2/1-1', [error(id(1))]));
    expect(issues.calls).toEqual([
      { eventIds: [id(1)], position: { consumer: 'issues', topic: 'pulse.errors', partition: 2, lastOffset: '10' } },
      { eventIds: [], position: { consumer: 'issues', topic: 'pulse.errors', partition: 2, lastOffset: '10' } },
    ]);
  });
});
