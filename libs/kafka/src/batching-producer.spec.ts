import { Partitioners, PartitionMetadata, Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { BatchingProducer, OutgoingMessage, PartitionResend, ProducerClosedError, ProducerOverloadedError, UnacknowledgedPartitionsError } from './batching-producer';
import type { PartitionCountSource } from './partition-counts';

/** Which partitions of a batch an answer acknowledges; by default all of them, as a correct client does. */
type Acknowledges = (topic: string, partition: number) => boolean;

/** A kafkajs Producer stand-in that records batches and lets the test decide when and how Kafka answers. */
class FakeProducer {
  readonly batches: ProducerBatch[] = [];
  private answers: Array<{ resolve: (acknowledges: Acknowledges, errorCode: number) => void; reject: (e: unknown) => void }> = [];
  disconnected = false;

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.batches.push(batch);
    return new Promise((resolve, reject) =>
      this.answers.push({
        // The answer names each (topic, partition) of the batch once, as kafkajs's responseSerializer does.
        resolve: (acknowledges, errorCode) => resolve(partitionsOf(batch).filter(([topic, partition]) => acknowledges(topic, partition)).map(([topicName, partition]) => ({ topicName, partition, errorCode }))),
        reject,
      }),
    );
  }

  ack(acknowledges: Acknowledges = () => true, errorCode = 0): void {
    this.answers.shift()!.resolve(acknowledges, errorCode);
  }

  fail(error: Error): void {
    this.answers.shift()!.reject(error);
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

function partitionsOf(batch: ProducerBatch): Array<[string, number]> {
  const seen = new Map<string, [string, number]>();
  for (const { topic, messages } of batch.topicMessages!) for (const { partition } of messages) seen.set(`${topic}/${partition}`, [topic, partition!]);
  return [...seen.values()];
}

class FakePartitionCounts implements PartitionCountSource {
  refreshes = 0;
  closed = false;
  constructor(private readonly count = 4) {}
  async counts(topics: string[]): Promise<Map<string, number>> {
    return new Map(topics.map((topic) => [topic, this.count]));
  }
  refresh(): void {
    this.refreshes++;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** kafkajs's own DefaultPartitioner for a key over `count` partitions: what the producer must agree with. */
function kafkajsPartition(key: string, count: number): number {
  const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 1 }) as PartitionMetadata);
  return Partitioners.DefaultPartitioner()({ topic: 't', partitionMetadata, message: { key, value: null } });
}

const message = (topic: string, value: string, key = '1'): OutgoingMessage => ({ topic, key, value: Buffer.from(value) });
const settled = (promise: Promise<unknown>) => promise.then(() => 'resolved', () => 'rejected');
/** Partitioning waits for the (cached) partition counts, so a batch reaches kafkajs a few microtasks after it is cut. */
const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));
const sentValues = (batch: ProducerBatch) => batch.topicMessages!.flatMap((t) => t.messages.map((m) => `${t.topic}/${m.partition}:${String(m.value)}`));

describe('BatchingProducer', () => {
  let fake: FakeProducer;
  let partitionCounts: FakePartitionCounts;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    fake = new FakeProducer();
    partitionCounts = new FakePartitionCounts();
  });
  afterEach(() => jest.useRealTimers());

  const create = (overrides: Partial<ConstructorParameters<typeof BatchingProducer>[1]> = {}) =>
    new BatchingProducer(fake as unknown as Producer, { lingerMs: 5, maxBatchMessages: 3, maxPendingBytes: 1000, partitionCounts, ...overrides });

  it('sends messages of several callers as one batch after the linger time, grouped by topic', async () => {
    const producer = create({ maxBatchMessages: 100 });
    const a = producer.send([message('t1', 'a')]);
    const b = producer.send([message('t2', 'b'), message('t1', 'c')]);
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(0);
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(1);
    expect(fake.batches[0].acks).toBe(-1);
    expect(fake.batches[0].topicMessages!.map((t) => [t.topic, t.messages.map((m) => String(m.value))])).toEqual([
      ['t1', ['a', 'c']],
      ['t2', ['b']],
    ]);
    fake.ack();
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
  });

  it("gives every message the partition kafkajs's DefaultPartitioner gives its key, keeping each key's order", async () => {
    const producer = create({ maxBatchMessages: 100 });
    const keys = ['1', '2', '3', '17', '42', '1', '2'];
    const sending = producer.send(keys.map((key, i) => message('t', `v${i}`, key)));
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    const sent = fake.batches[0].topicMessages![0].messages;
    expect(sent.map((m) => [m.key, m.partition])).toEqual(expect.arrayContaining(keys.map((key) => [key, kafkajsPartition(key, 4)])));
    expect(new Set(sent.map((m) => m.partition)).size).toBeGreaterThan(1);
    const ofKey1 = sent.filter((m) => m.key === '1').map((m) => String(m.value));
    expect(ofKey1).toEqual(['v0', 'v5']);
    fake.ack();
    await sending;
  });

  it('settles a caller only when Kafka acknowledged its batch', async () => {
    const producer = create();
    const pending = settled(producer.send([message('t', 'x')]));
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    let state = 'pending';
    void pending.then((s) => (state = s));
    await flushMicrotasks();
    expect(state).toBe('pending');
    fake.ack();
    await expect(pending).resolves.toBe('resolved');
  });

  it('sends at once when the batch is full', async () => {
    const producer = create({ maxBatchMessages: 2 });
    void producer.send([message('t', 'a')]);
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(0);
    void producer.send([message('t', 'b')]);
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(1);
  });

  it('rejects every caller of a failed batch and re-reads the partition counts', async () => {
    const producer = create();
    const a = producer.send([message('t', 'a')]);
    const b = producer.send([message('t', 'b')]);
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    fake.fail(new Error('broker down'));
    await expect(a).rejects.toThrow('broker down');
    await expect(b).rejects.toThrow('broker down');
    expect(producer.pending.bytes).toBe(0);
    expect(partitionCounts.refreshes).toBe(1);
  });

  it('refuses new messages past the pending-bytes bound instead of buffering them', async () => {
    const producer = create({ maxPendingBytes: 10, maxBatchMessages: 100 });
    const first = producer.send([message('t', '12345678')]); // 8 + key 1 = 9 bytes
    await expect(producer.send([message('t', 'xy')])).rejects.toBeInstanceOf(ProducerOverloadedError);
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    fake.ack();
    await first;
    const again = producer.send([message('t', 'xy')]);
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    fake.ack();
    await expect(again).resolves.toBeUndefined();
  });

  it('flushes what waits on close, then refuses new messages, closes the partition counts and disconnects', async () => {
    const producer = create({ lingerMs: 60_000, maxBatchMessages: 100 });
    const waiting = producer.send([message('t', 'a')]);
    const closing = producer.close();
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(1);
    fake.ack();
    await closing;
    await expect(waiting).resolves.toBeUndefined();
    expect(fake.disconnected).toBe(true);
    expect(partitionCounts.closed).toBe(true);
    await expect(producer.send([message('t', 'b')])).rejects.toBeInstanceOf(ProducerClosedError);
  });

  it('rejects the batch when the partition counts cannot be read', async () => {
    partitionCounts.counts = () => Promise.reject(new Error('topic t is not in the metadata'));
    const producer = create();
    const sending = producer.send([message('t', 'a')]);
    jest.advanceTimersByTime(5);
    await expect(sending).rejects.toThrow('not in the metadata');
    expect(fake.batches).toHaveLength(0);
  });
});

/**
 * The kafkajs 2.2.4 flaw (docs/chaos.md): after a leader moved during its retries, `sendBatch`
 * resolves with RecordMetadata that does not name the moved partition, which was never written.
 */
describe('BatchingProducer when sendBatch resolves without acknowledging every partition', () => {
  let fake: FakeProducer;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    fake = new FakeProducer();
  });
  afterEach(() => jest.useRealTimers());

  // Keys '1' and '2' land on different partitions of 4 (checked below), so one can go missing alone.
  const keyA = '1';
  const keyB = '2';
  const partitionB = kafkajsPartition(keyB, 4);
  const exceptB: Acknowledges = (topic, partition) => !(topic === 'tx' && partition === partitionB);

  function create(resends: PartitionResend[], overrides: Partial<ConstructorParameters<typeof BatchingProducer>[1]> = {}) {
    return new BatchingProducer(fake as unknown as Producer, { lingerMs: 5, maxBatchMessages: 100, maxPendingBytes: 10_000, partitionCounts: new FakePartitionCounts(4), onPartitionsResent: (resend) => resends.push(resend), ...overrides });
  }

  it('sends the messages of the missing partition again, and only those, before answering', async () => {
    expect(kafkajsPartition(keyA, 4)).not.toBe(partitionB);
    const resends: PartitionResend[] = [];
    const producer = create(resends);
    const a = settled(producer.send([message('tx', 'a1', keyA), message('errors', 'e1', keyB)]));
    const b = settled(producer.send([message('tx', 'b1', keyB), message('tx', 'b2', keyB)]));
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    fake.ack(exceptB);
    await flushMicrotasks();

    expect(fake.batches).toHaveLength(2);
    expect(sentValues(fake.batches[1])).toEqual([`tx/${partitionB}:b1`, `tx/${partitionB}:b2`]);
    expect(resends).toEqual([{ attempt: 1, partitions: [{ topic: 'tx', partition: partitionB }], messages: 2 }]);
    let states = 'pending';
    void Promise.all([a, b]).then((s) => (states = s.join()));
    await flushMicrotasks();
    expect(states).toBe('pending');

    fake.ack();
    await expect(Promise.all([a, b])).resolves.toEqual(['resolved', 'resolved']);
    expect(producer.pending.bytes).toBe(0);
  });

  it('counts a partition answered with an error code as unacknowledged', async () => {
    const producer = create([]);
    const sending = settled(producer.send([message('tx', 'a1', keyA)]));
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    fake.ack(() => true, 6); // NOT_LEADER_FOR_PARTITION
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(2);
    fake.ack();
    await expect(sending).resolves.toBe('resolved');
  });

  it('rejects every caller of the batch when the partition is still missing after the last resend', async () => {
    const resends: PartitionResend[] = [];
    const failures: unknown[] = [];
    const producer = create(resends, { maxResends: 2, onBatchFailed: (_messages, error) => failures.push(error) });
    const a = producer.send([message('tx', 'a1', keyA)]);
    const b = producer.send([message('tx', 'b1', keyB)]);
    jest.advanceTimersByTime(5);
    for (let send = 0; send < 3; send++) {
      await flushMicrotasks();
      fake.ack(exceptB);
    }
    await expect(a).rejects.toBeInstanceOf(UnacknowledgedPartitionsError);
    await expect(b).rejects.toThrow(`partitions tx/${partitionB} after 3 sends`);
    expect(fake.batches).toHaveLength(3);
    expect(resends.map((resend) => resend.attempt)).toEqual([1, 2]);
    expect(failures).toHaveLength(1);
    expect(producer.pending.bytes).toBe(0);
  });

  it('starts no resend after the deadline', async () => {
    const producer = create([], { resendDeadlineMs: 1000 });
    const sending = producer.send([message('tx', 'b1', keyB)]);
    jest.advanceTimersByTime(5);
    await flushMicrotasks();
    jest.advanceTimersByTime(1000);
    fake.ack(exceptB);
    await expect(sending).rejects.toBeInstanceOf(UnacknowledgedPartitionsError);
    expect(fake.batches).toHaveLength(1);
  });
});

describe('BatchingProducer.drain', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('sends what waits at once and stops lingering for later messages', async () => {
    const fake = new FakeProducer();
    const producer = new BatchingProducer(fake as unknown as Producer, { lingerMs: 60_000, maxBatchMessages: 100, maxPendingBytes: 1000, partitionCounts: new FakePartitionCounts() });
    void producer.send([message('t', 'a')]);
    const draining = producer.drain();
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(1);
    void producer.send([message('t', 'b')]);
    await flushMicrotasks();
    expect(fake.batches).toHaveLength(2);
    fake.ack();
    fake.ack();
    await draining;
  });
});
