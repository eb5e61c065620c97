import { ProjectRegistry } from '@pulse/config';
import { encodeRecord, encodeRecordGroup, RecordBatch } from '@pulse/kafka';
import { IssueRecorder } from '@pulse/issues';
import { errorRecord } from '@pulse/issues/testing';
import { RecordKind, TransactionRecord } from '@pulse/model';
import { MetricsRegistry } from '@pulse/platform';
import { BinaryRowWriter, ClickHouseBinaryRowWriter, ClickHouseRecordKeyStore, EncodedRows, RecordKeyStore } from '@pulse/storage';
import { MigratedDatabase, migratedDatabase, selectRows } from '@pulse/storage/testing';
import { freshDatabase, FreshDatabase } from '@pulse/testing';
import { ConsumerMetrics } from './consumer.metrics';
import { DeadLetter, DeadLetterSink } from './dead-letter.sink';
import { IssueSink } from './issue.step';
import { RecordBatchService } from './record-batch.service';
import { RetentionPolicy } from './retention-policy';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

/**
 * RecordBatchService against the real tables: a process that dies at each point of a batch (its
 * raw insert landed but the answer was lost; its key insert likewise) and a successor that replays
 * the batch end with every record counted once in the raw table and both rollup tiers. The failures are injected around the real writer and key store:
 * the write happens, then the call throws as a lost answer would.
 */
class LosesAnswerOnce {
  constructor(public armed: boolean) {}
  /** Runs `write`, then throws the first time while armed. */
  async around(write: () => Promise<void>): Promise<void> {
    await write();
    if (this.armed) {
      this.armed = false;
      throw new Error('socket hang up');
    }
  }
}

class FlakyWriter extends BinaryRowWriter {
  private readonly fault;
  constructor(private readonly writer: BinaryRowWriter, armed: boolean) {
    super();
    this.fault = new LosesAnswerOnce(armed);
  }
  insert(rows: EncodedRows, token: string): Promise<void> {
    return this.fault.around(() => this.writer.insert(rows, token));
  }
}

class FlakyKeys extends RecordKeyStore {
  private readonly fault;
  constructor(private readonly store: RecordKeyStore, armed: boolean) {
    super();
    this.fault = new LosesAnswerOnce(armed);
  }
  storedByOthers(kind: string, keys: readonly bigint[], batch: bigint): Promise<Set<bigint>> {
    return this.store.storedByOthers(kind, keys, batch);
  }
  remember(kind: string, keys: readonly bigint[], batch: bigint, token: string): Promise<void> {
    return this.fault.around(() => this.store.remember(kind, keys, batch, token));
  }
}

class NoDeadLetters extends DeadLetterSink {
  async send(_topic: string, _partition: number, letters: DeadLetter[]): Promise<void> {
    if (letters.length > 0) throw new Error(`unexpected dead letters: ${letters.map((l) => l.reason).join('; ')}`);
  }
}

const registry = new ProjectRegistry({ projects: [{ id: 5, name: 'p', keys: ['a'.repeat(32)] }], tokens: [] });
const NOW = Date.now();

function transaction(i: number): TransactionRecord {
  const hex = (n: number, length: number) => n.toString(16).padStart(length, '0');
  return {
    projectId: 5, eventId: hex(i, 32), traceId: hex(i + 1, 32), spanId: hex(i + 2, 16), parentSpanId: '', name: 'GET /retry', source: 'route',
    op: 'http.server', status: 'ok', statusCode: 0, startTimestampMs: NOW - 60_000 - i, timestampMs: NOW - 59_000 - i, durationMs: 1000,
    release: 'r1', environment: 'production', dist: '', platform: 'node', sdkName: 'sentry.javascript.node', sdkVersion: '11.12.0', userId: '',
    httpMethod: 'GET', httpStatusCode: 200, browserName: '', osName: '', tags: {}, measurements: {}, receivedAtMs: NOW,
  } as TransactionRecord;
}

/** The records as `/1` messages, one each, or (`grouped`) as `/2` messages of two records, as ingest writes a request's records. */
function batch(token: string, ids: number[], grouped = false): RecordBatch {
  const encoded = grouped
    ? ids.flatMap((_, i) => (i % 2 === 0 ? encodeRecordGroup(RecordKind.Transaction, ids.slice(i, i + 2).map(transaction)) : []))
    : ids.map((id) => encodeRecord(RecordKind.Transaction, transaction(id)));
  return {
    kind: RecordKind.Transaction,
    topic: 'pulse.transactions',
    partition: 0,
    range: { first: '0', last: String(encoded.length - 1) },
    dedupToken: token,
    messages: encoded.map((message, offset) => ({ offset: String(offset), key: message.key, value: message.value, headers: message.headers })),
  };
}

describe('RecordBatchService against ClickHouse: crashes at each step, then a replay', () => {
  let db: MigratedDatabase;
  let pg: FreshDatabase;
  beforeAll(async () => {
    pg = await freshDatabase('p6a_consumer');
  });
  afterAll(async () => pg?.drop());
  beforeEach(async () => {
    db = await migratedDatabase('pulse_batch_resend');
  });
  afterEach(() => db?.client.close());

  const service = (writer: BinaryRowWriter, keys: RecordKeyStore, issues: IssueSink = new IssueRecorder(pg.pool)) =>
    new RecordBatchService(writer, new NoDeadLetters(), new RetentionPolicy(registry, 30), new ConsumerMetrics(new MetricsRegistry('test')), keys, issues);
  const counts = async () => {
    const [row] = await selectRows<Record<string, string>>(
      db.client,
      `SELECT (SELECT count() FROM transactions) AS raw, (SELECT sum(count) FROM transactions_minute) AS minute,
              (SELECT sum(count) FROM transactions_hour) AS hour, (SELECT uniqExact(event_id) FROM transactions) AS events`,
    );
    return Object.fromEntries(Object.entries(row).map(([name, value]) => [name, Number(value)]));
  };

  it.each([
    { crash: 'whose raw insert landed unanswered', rawLost: true, keysLost: false, grouped: false },
    { crash: 'whose key insert landed unanswered', rawLost: false, keysLost: true, grouped: false },
    { crash: 'whose two inserts landed unanswered', rawLost: true, keysLost: true, grouped: false },
    { crash: 'whose raw insert landed unanswered, of /2 messages', rawLost: true, keysLost: false, grouped: true },
  ])('counts every record once after a crash of a batch $crash, and the replay', async ({ rawLost, keysLost, grouped }) => {
    const real = { writer: new ClickHouseBinaryRowWriter(db.client), keys: new ClickHouseRecordKeyStore(db.client) };
    await service(real.writer, real.keys).handle(batch('pulse.transactions/0/0-1', [1, 2], grouped));

    const keys = new FlakyKeys(real.keys, keysLost);
    const first = service(new FlakyWriter(real.writer, rawLost), keys);
    // Records 1 and 2 are re-sends: the first attempt drops them and stores 3, 4, 5, then dies.
    await expect(first.handle(batch('pulse.transactions/0/2-6', [3, 1, 4, 2, 5], grouped))).rejects.toThrow('socket hang up');
    // The successor replays the same range under the same token.
    await service(real.writer, real.keys).handle(batch('pulse.transactions/0/2-6', [3, 1, 4, 2, 5], grouped));
    expect(await counts()).toEqual({ raw: 5, minute: 5, hour: 5, events: 5 });

    // Later batches still see every key: re-sends of 1, 3 and 5 are dropped, 6 is stored.
    await service(real.writer, real.keys).handle(batch('pulse.transactions/0/7-10', [5, 6, 3, 1], grouped));
    expect(await counts()).toEqual({ raw: 6, minute: 6, hour: 6, events: 6 });
  });

  it('turns a batch of errors into issues with exact counts; the batch replayed (also after a PostgreSQL failure) changes nothing', async () => {
    const real = { writer: new ClickHouseBinaryRowWriter(db.client), keys: new ClickHouseRecordKeyStore(db.client) };
    const [a, b] = ['a1', 'b1'].map((seed) => seed.padEnd(32, '0'));
    const errors = [errorRecord({ projectId: 5, fingerprint: a }), errorRecord({ projectId: 5, fingerprint: a }), errorRecord({ projectId: 5, fingerprint: b })];
    const encoded = errors.map((error) => encodeRecord(RecordKind.Error, error));
    // A client re-send of the first error: dropped as a duplicate before ClickHouse and before PostgreSQL.
    encoded.push(encodeRecord(RecordKind.Error, errors[0]));
    const errorBatch = (token: string, first: number): RecordBatch => ({
      kind: RecordKind.Error,
      topic: 'pulse.errors',
      partition: 0,
      range: { first: String(first), last: String(first + encoded.length - 1) },
      dedupToken: token,
      messages: encoded.map((message, i) => ({ offset: String(first + i), key: message.key, value: message.value, headers: message.headers })),
    });
    const issueCounts = async () => {
      const { rows } = await pg.pool.query<{ hash: string; times_seen: string }>(
        'SELECT h.hash, i.times_seen FROM issues i JOIN issue_hashes h ON h.issue_id = i.id WHERE i.project_id = 5 ORDER BY h.hash',
      );
      return rows.map((row) => [row.hash, Number(row.times_seen)]);
    };
    const rawErrors = async () => Number((await selectRows<{ n: string }>(db.client, 'SELECT count() AS n FROM errors'))[0].n);

    const postgresDown = new (class extends IssueSink {
      async record(): Promise<never> {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      }
    })();
    await expect(service(real.writer, real.keys, postgresDown).handle(errorBatch('pulse.errors/0/0-3', 0))).rejects.toThrow('ECONNREFUSED');
    expect(await rawErrors()).toBe(3);
    expect(await issueCounts()).toEqual([]);

    await service(real.writer, real.keys).handle(errorBatch('pulse.errors/0/0-3', 0));
    expect(await issueCounts()).toEqual([[a, 2], [b, 1]]);
    // Committed in PostgreSQL, not in Kafka: the replay finds its offsets applied.
    await service(real.writer, real.keys).handle(errorBatch('pulse.errors/0/0-3', 0));
    expect(await issueCounts()).toEqual([[a, 2], [b, 1]]);
    expect(await rawErrors()).toBe(3);
    // The same records at later offsets are re-sends: stored and counted nowhere.
    await service(real.writer, real.keys).handle(errorBatch('pulse.errors/0/4-7', 4));
    expect(await issueCounts()).toEqual([[a, 2], [b, 1]]);
  });
});
