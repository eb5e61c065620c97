import type { Producer, ProducerBatch } from 'kafkajs';
import { BatchingProducer, OutgoingMessage, ProducerClosedError, ProducerOverloadedError } from './batching-producer';

/** A kafkajs Producer stand-in that records batches and lets the test decide when Kafka answers. */
class FakeProducer {
  readonly batches: ProducerBatch[] = [];
  private answers: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  disconnected = false;

  sendBatch(batch: ProducerBatch): Promise<never[]> {
    this.batches.push(batch);
    return new Promise((resolve, reject) => this.answers.push({ resolve: () => resolve([]), reject }));
  }

  ack(): void {
    this.answers.shift()!.resolve();
  }

  fail(error: Error): void {
    this.answers.shift()!.reject(error);
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

const message = (topic: string, value: string): OutgoingMessage => ({ topic, key: '1', value: Buffer.from(value) });
const settled = (promise: Promise<unknown>) => promise.then(() => 'resolved', () => 'rejected');
const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchingProducer', () => {
  let fake: FakeProducer;
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    fake = new FakeProducer();
  });
  afterEach(() => jest.useRealTimers());

  const create = (overrides: Partial<ConstructorParameters<typeof BatchingProducer>[1]> = {}) =>
    new BatchingProducer(fake as unknown as Producer, { lingerMs: 5, maxBatchMessages: 3, maxPendingBytes: 1000, ...overrides });

  it('sends messages of several callers as one batch after the linger time, grouped by topic', async () => {
    const producer = create({ maxBatchMessages: 100 });
    const a = producer.send([message('t1', 'a')]);
    const b = producer.send([message('t2', 'b'), message('t1', 'c')]);
    expect(fake.batches).toHaveLength(0);
    jest.advanceTimersByTime(5);
    expect(fake.batches).toHaveLength(1);
    expect(fake.batches[0].acks).toBe(-1);
    expect(fake.batches[0].topicMessages!.map((t) => [t.topic, t.messages.map((m) => String(m.value))])).toEqual([
      ['t1', ['a', 'c']],
      ['t2', ['b']],
    ]);
    fake.ack();
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
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

  it('sends at once when the batch is full', () => {
    const producer = create({ maxBatchMessages: 2 });
    void producer.send([message('t', 'a')]);
    expect(fake.batches).toHaveLength(0);
    void producer.send([message('t', 'b')]);
    expect(fake.batches).toHaveLength(1);
  });

  it('rejects every caller of a failed batch', async () => {
    const producer = create();
    const a = producer.send([message('t', 'a')]);
    const b = producer.send([message('t', 'b')]);
    jest.advanceTimersByTime(5);
    fake.fail(new Error('broker down'));
    await expect(a).rejects.toThrow('broker down');
    await expect(b).rejects.toThrow('broker down');
    expect(producer.pending.bytes).toBe(0);
  });

  it('refuses new messages past the pending-bytes bound instead of buffering them', async () => {
    const producer = create({ maxPendingBytes: 10, maxBatchMessages: 100 });
    const first = producer.send([message('t', '12345678')]); // 8 + key 1 = 9 bytes
    await expect(producer.send([message('t', 'xy')])).rejects.toBeInstanceOf(ProducerOverloadedError);
    jest.advanceTimersByTime(5);
    fake.ack();
    await first;
    const again = producer.send([message('t', 'xy')]);
    jest.advanceTimersByTime(5);
    fake.ack();
    await expect(again).resolves.toBeUndefined();
  });

  it('flushes what waits on close, then refuses new messages and disconnects', async () => {
    const producer = create({ lingerMs: 60_000, maxBatchMessages: 100 });
    const waiting = producer.send([message('t', 'a')]);
    const closing = producer.close();
    expect(fake.batches).toHaveLength(1);
    fake.ack();
    await closing;
    await expect(waiting).resolves.toBeUndefined();
    expect(fake.disconnected).toBe(true);
    await expect(producer.send([message('t', 'b')])).rejects.toBeInstanceOf(ProducerClosedError);
  });
});

describe('BatchingProducer.drain', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('sends what waits at once and stops lingering for later messages', async () => {
    const fake = new FakeProducer();
    const producer = new BatchingProducer(fake as unknown as Producer, { lingerMs: 60_000, maxBatchMessages: 100, maxPendingBytes: 1000 });
    void producer.send([message('t', 'a')]);
    const draining = producer.drain();
    expect(fake.batches).toHaveLength(1);
    void producer.send([message('t', 'b')]);
    expect(fake.batches).toHaveLength(2);
    fake.ack();
    fake.ack();
    await draining;
  });
});
