import type { ClickHouseClient } from '@clickhouse/client';
import { createKafka, ensureTopics } from '@pulse/kafka';
import { RecordKind, RecordTypes } from '@pulse/model';
import { waitUntil } from '@pulse/local-infra';
import { createClickHouse, Tables } from '@pulse/storage';
import type { Message } from 'kafkajs';
import { ClickHouseProxy } from './support/clickhouse-proxy';
import { ConsumerProgress, RecordGenerator, testInfra } from '@pulse/testing';
import { E2EStack } from './support/e2e-stack';
import { RecordProducer } from './support/record-producer';
import { DeadLetterReader } from './support/dead-letter-reader';

jest.setTimeout(240_000);

const ALL_KINDS = Object.values(RecordKind);
const TABLE_OF: Record<RecordKind, string> = {
  [RecordKind.Transaction]: Tables.transactions,
  [RecordKind.Span]: Tables.spans,
  [RecordKind.WebVital]: Tables.webVitals,
  [RecordKind.Error]: Tables.errors,
  [RecordKind.Session]: Tables.sessions,
  [RecordKind.ClientReport]: Tables.clientReports,
};
/** Each rollup and the expression that counts the raw rows it was fed. */
const ROLLUP_COUNTS = {
  [RecordKind.Transaction]: 'SELECT sum(count) AS n FROM transactions_minute',
  [RecordKind.WebVital]: 'SELECT sum(count) AS n FROM web_vitals_minute',
  [RecordKind.Error]: 'SELECT sum(count) AS n FROM errors_minute',
};

/**
 * The consumer app against the real broker and engine: every kind lands in its table and rollup,
 * exactly once through crashes, redeliveries and shutdowns, and poison goes to the dead-letter
 * topic without holding up the rest.
 */
describe('consumer → ClickHouse', () => {
  let stack: E2EStack;
  let clickhouse: ClickHouseClient;
  let producer: RecordProducer;
  let progress: ConsumerProgress;

  async function startStack(env: NodeJS.ProcessEnv = {}): Promise<void> {
    stack = new E2EStack([{ id: 41 }, { id: 42 }]);
    // A killed member is noticed after its session timeout: the shortest the broker allows keeps the restarts quick.
    await stack.start({ KAFKA_TOPIC_PARTITIONS: '2', CONSUMER_MAX_WAIT_MS: '100', CONSUMER_SESSION_TIMEOUT_MS: '6000', ...env }, []);
    // Records go in before the consumer (which would create the topics) first starts.
    await ensureTopics(createKafka({ brokers: testInfra().kafkaBrokers.split(','), clientId: 'pulse-test-admin' }), stack.topics.all().map((topic) => ({ topic, partitions: 2 })));
    clickhouse = createClickHouse({ ...testInfra().clickhouse, database: stack.database });
    producer = new RecordProducer(stack.topics);
    progress = new ConsumerProgress(stack.database, stack.topics);
    await Promise.all([producer.connect(), progress.connect()]);
  }

  afterEach(async () => {
    await stack.stop();
    await Promise.all([producer.disconnect(), progress.disconnect(), clickhouse.close()]);
  });

  async function scalar(query: string): Promise<number> {
    const rows = await (await clickhouse.query({ query, format: 'JSONEachRow' })).json<{ n: string | number }>();
    return Number(rows[0].n);
  }

  function generate<K extends RecordKind>(generator: RecordGenerator, kind: K, count: number): Array<RecordTypes[K]> {
    return Array.from({ length: count }, () => generator.next(kind));
  }

  /** Raw rows, distinct ids and rollup totals all equal what was produced. */
  async function expectExactly(counts: Partial<Record<RecordKind, number>>): Promise<void> {
    for (const [kind, expected] of Object.entries(counts) as Array<[RecordKind, number]>) {
      expect({ kind, rows: await scalar(`SELECT count() AS n FROM ${TABLE_OF[kind]}`) }).toEqual({ kind, rows: expected });
      const rollup = ROLLUP_COUNTS[kind as keyof typeof ROLLUP_COUNTS];
      if (rollup) expect({ kind, rollup: await scalar(rollup) }).toEqual({ kind, rollup: expected });
    }
    if (counts.transactions) expect(await scalar('SELECT uniqExact(event_id) AS n FROM transactions')).toBe(counts.transactions);
  }

  it('stores every record kind in its raw table and rollup', async () => {
    await startStack();
    const generator = new RecordGenerator(1, { projects: [41, 42] });
    const counts = { transactions: 3000, spans: 2000, webVitals: 1500, errors: 1000, sessions: 800, clientReports: 400 } as const;
    await stack.startApp('consumer', 'consumer');
    for (const kind of ALL_KINDS) await producer.send(kind, generate(generator, kind, counts[kind]));
    await progress.waitUntilCaughtUp(ALL_KINDS);
    await expectExactly(counts);
  });

  it('dead-letters undecodable messages and records, and rows that cannot be stored, with the reason, and stores the rest', async () => {
    await startStack();
    const generator = new RecordGenerator(2, { projects: [41] });
    const good = generate(generator, RecordKind.Transaction, 500);
    // originalTimestampMs set: a dead-lettered record of a /2 message is written as decoded (absent → null).
    const tooLongId = { ...generator.transaction(), eventId: 'f'.repeat(40), originalTimestampMs: null };
    const slow = { ...good[0], durationMs: 'slow' };
    const goodInGroup = generator.transaction();
    // Another event than tooLongId: the same one would be dropped as a re-send of it.
    const tooLongInGroup = { ...generator.transaction(), eventId: 'e'.repeat(40), originalTimestampMs: null };
    const poison: Message[] = [
      { key: '41', value: Buffer.from('{not json'), headers: { 'pulse-schema': 'transaction/1' } },
      { key: '41', value: Buffer.from(JSON.stringify(good[0])), headers: { 'pulse-schema': 'transaction/99' } },
      { key: '41', value: Buffer.from(JSON.stringify(slow)), headers: { 'pulse-schema': 'transaction/1' } },
      { key: '41', value: Buffer.from(JSON.stringify(tooLongId)), headers: { 'pulse-schema': 'transaction/1' } },
    ];
    // One /2 message: a good record between a bad one and one whose id does not fit its column.
    const group: Message = { key: '41', value: Buffer.from(JSON.stringify([slow, goodInGroup, tooLongInGroup])), headers: { 'pulse-schema': 'transaction/2' } };
    // Poison in the middle of good messages, so it shares their batches.
    await producer.send(RecordKind.Transaction, good.slice(0, 250));
    await producer.sendRaw(RecordKind.Transaction, [...poison, group]);
    await producer.send(RecordKind.Transaction, good.slice(250));
    const deadLetters = new DeadLetterReader(stack.topics.deadLetter);
    await deadLetters.start();
    try {
      await stack.startApp('consumer', 'consumer');
      await progress.waitUntilCaughtUp([RecordKind.Transaction]);
      await deadLetters.waitFor(poison.length + 2);
      const expectedValues = [...poison.map((m) => String(m.value)), JSON.stringify([slow]), JSON.stringify([tooLongInGroup])];
      expect(deadLetters.received.map((letter) => letter.value).sort()).toEqual(expectedValues.sort());
      const reasons = deadLetters.received.map((letter) => letter.headers['pulse-dlq-reason']).sort();
      expect(reasons).toEqual(
        [
          'message is not valid JSON',
          'unsupported schema "transaction/99"',
          'field durationMs is missing or not a number',
          'row cannot be stored: event_id: 40 bytes do not fit FixedString(32)',
          'record 0 of 3: field durationMs is missing or not a number',
          'record 2 of 3: row cannot be stored: event_id: 40 bytes do not fit FixedString(32)',
        ].sort(),
      );
      for (const letter of deadLetters.received) expect(letter.headers['pulse-dlq-source-topic']).toBe(stack.topics.records[RecordKind.Transaction]);
      await expectExactly({ transactions: good.length + 1 });
    } finally {
      await deadLetters.stop();
    }
  });

  it('counts nothing twice when an insert landed but the consumer died before committing it', async () => {
    const generator = new RecordGenerator(3, { projects: [41, 42] });
    const records = generate(generator, RecordKind.Transaction, 4000);
    let swallowed = false;
    let landed!: () => void;
    const insertLanded = new Promise<void>((resolve) => (landed = resolve));
    const proxy = await ClickHouseProxy.start(
      testInfra().clickhouse.url,
      (query) => !swallowed && /^INSERT INTO\W+transactions\W/.test(query) && (swallowed = true),
      () => landed(),
    );
    try {
      await startStack({ CLICKHOUSE_URL: proxy.url, CONSUMER_MAX_BATCH_ROWS: '1000' });
      await producer.send(RecordKind.Transaction, records);
      const consumer = await stack.startApp('consumer', 'consumer');
      await insertLanded;
      await consumer.kill();
      const landedRows = await scalar('SELECT count() AS n FROM transactions');
      expect(landedRows).toBeGreaterThan(0); // the first batch is in ClickHouse, uncommitted
      expect(await progress.committed(RecordKind.Transaction)).toBeLessThan(records.length);

      // Restarted with another batch size: only the committed intent can reproduce the range.
      await stack.startApp('consumer-again', 'consumer', { CLICKHOUSE_URL: testInfra().clickhouse.url, CONSUMER_MAX_BATCH_ROWS: '333' });
      await progress.waitUntilCaughtUp([RecordKind.Transaction]);
      await expectExactly({ transactions: records.length });
    } finally {
      await proxy.stop();
    }
  });

  it('loses and doubles nothing when killed mid-stream and restarted', async () => {
    await startStack({ CONSUMER_MAX_BATCH_ROWS: '500' });
    const generator = new RecordGenerator(4, { projects: [41, 42] });
    const first = { transactions: generate(generator, RecordKind.Transaction, 6000), errors: generate(generator, RecordKind.Error, 3000) };
    await producer.send(RecordKind.Transaction, first.transactions);
    await producer.send(RecordKind.Error, first.errors);
    const consumer = await stack.startApp('consumer', 'consumer');
    await waitUntil('first transactions stored', async () => (await scalar('SELECT count() AS n FROM transactions')) > 0, { intervalMs: 20 });
    await consumer.kill();
    expect(await progress.lag(RecordKind.Transaction)).toBeGreaterThan(0); // killed with work left

    const more = { transactions: generate(generator, RecordKind.Transaction, 2000), errors: generate(generator, RecordKind.Error, 1000) };
    await producer.send(RecordKind.Transaction, more.transactions);
    await producer.send(RecordKind.Error, more.errors);
    await stack.startApp('consumer-again', 'consumer');
    await progress.waitUntilCaughtUp([RecordKind.Transaction, RecordKind.Error]);
    await expectExactly({ transactions: 8000, errors: 4000 });
  });

  it('on SIGTERM finishes and commits the batch in hand, then leaves its groups', async () => {
    await startStack({ CONSUMER_MAX_BATCH_ROWS: '200' });
    const generator = new RecordGenerator(5, { projects: [41] });
    // One span per message, so that rows and committed offsets compare one to one.
    await producer.send(RecordKind.Span, generate(generator, RecordKind.Span, 20_000), 1);
    const consumer = await stack.startApp('consumer', 'consumer');
    await waitUntil('first spans stored', async () => (await scalar('SELECT count() AS n FROM spans')) > 0, { intervalMs: 20 });
    const exit = await consumer.stop();
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    // Everything stored was committed: nothing is left for a successor to replay.
    expect(await scalar('SELECT count() AS n FROM spans')).toBe(await progress.committed(RecordKind.Span));
    expect(await progress.members(RecordKind.Span)).toBe(0);
  });
});
