import { ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { toErrorRow } from './error.row';
import { isRejectedRows } from './rejected-rows';
import { ClickHouseRowWriter } from './row-writer';
import { Tables } from './stored-kinds';
import { MigratedDatabase, migratedDatabase, selectRows } from './testing/migrated-database';
import { seededRecords } from '@pulse/testing';
import { toTransactionRow } from './transaction.row';

/** Migrating a database takes about a second; a machine running other suites may take many. */
jest.setTimeout(30_000);

/** Provokes each failure on the real engine and classifies the error object the client gives. */
describe('isRejectedRows on errors provoked from this ClickHouse', () => {
  let db: MigratedDatabase;
  let writer: ClickHouseRowWriter;
  const records = seededRecords(3, { startMs: Date.now() - 3_600_000, minutes: 10, transactions: 1, errors: 1 });
  const transaction = toTransactionRow(records.transactions[0], 30);
  const error = toErrorRow(records.errors[0], 30);

  beforeAll(async () => {
    db = await migratedDatabase('pulse_rejected_rows', { quiet: true });
    writer = new ClickHouseRowWriter(db.client);
  });
  afterAll(() => db?.client.close());

  const failure = async (attempt: Promise<unknown>): Promise<unknown> => {
    try {
      await attempt;
    } catch (caught) {
      return caught;
    }
    throw new Error('expected the attempt to fail');
  };
  const typeOf = (caught: unknown) => (caught as { type?: string }).type;
  /** `attempt` fails with ClickHouse's error `type`, which isRejectedRows classifies as `rejected`. */
  const expectFailure = async (attempt: Promise<unknown>, type: string, rejected: boolean): Promise<void> => {
    const caught = await failure(attempt);
    expect(typeOf(caught)).toBe(type);
    expect(isRejectedRows(caught)).toBe(rejected);
  };

  it.each([
    ['a 33-character event id into FixedString(32)', Tables.transactions, { ...transaction, event_id: 'a'.repeat(33) }, 'TOO_LARGE_STRING_SIZE'],
    ['a string into a UInt64', Tables.transactions, { ...transaction, project_id: 'abc' }, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
    ['a date that is not one', Tables.transactions, { ...transaction, timestamp: 'not a date' }, 'CANNOT_PARSE_DATETIME'],
    ['a month 13', Tables.transactions, { ...transaction, timestamp: '2026-13-01 00:00:00.000' }, 'CANNOT_PARSE_DATETIME'],
    ['text as a measurement value', Tables.transactions, { ...transaction, measurements: { lcp: 'x' } }, 'CANNOT_PARSE_NUMBER'],
    ['an object into FixedString(32)', Tables.transactions, { ...transaction, event_id: { id: 1 } }, 'CANNOT_PARSE_QUOTED_STRING'],
    ['a word into a Bool', Tables.errors, { ...error, handled: 'yes' }, 'CANNOT_PARSE_BOOL'],
  ])('rejected: %s', async (_, table, row, type) => {
    await expectFailure(writer.insert(table, [row], `rejected-${type}`), type, true);
  });

  it.each([
    ['a duplicate field', '{"project_id": 1, "project_id": 2}', 'INCORRECT_DATA'],
    ['a row cut short', '{"project_id": 1, "name": "GET /"', 'CANNOT_READ_ALL_DATA'],
    ['a lone UTF-16 surrogate under the default setting', '{"name": "a\\ud83d"}', 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
  ])('rejected (JSON that JSON.stringify never writes): %s', async (_, json, type) => {
    await expectFailure(db.client.command({ query: `INSERT INTO transactions FORMAT JSONEachRow ${json}` }), type, true);
  });

  it('stores a lone surrogate as its escape text through the writer instead of rejecting the row', async () => {
    await writer.insert(Tables.transactions, [{ ...transaction, name: 'cut emoji \ud83d' }], 'lone-surrogate');
    expect(await selectRows(db.client, "SELECT name FROM transactions WHERE name LIKE 'cut emoji%'")).toEqual([{ name: 'cut emoji \\ud83d' }]);
  });

  it('not rejected: a table that does not exist (migrations not run)', async () => {
    await expectFailure(writer.insert('no_such_table', [transaction], 'unknown-table'), 'UNKNOWN_TABLE', false);
  });

  it('not rejected: too many parts', async () => {
    await db.client.command({ query: 'CREATE TABLE crowded (x UInt8) ENGINE = MergeTree ORDER BY x SETTINGS parts_to_throw_insert = 1' });
    await db.client.command({ query: `SYSTEM STOP MERGES ${db.database}.crowded` });
    await writer.insert('crowded', [{ x: 1 }], 'crowded-1');
    await expectFailure(writer.insert('crowded', [{ x: 2 }], 'crowded-2'), 'TOO_MANY_PARTS', false);
  });

  it.each([
    ['memory limit', 'SELECT groupArray(number) FROM numbers(1000000) SETTINGS max_memory_usage = 1000000', 'MEMORY_LIMIT_EXCEEDED'],
    ['time limit', 'SELECT count() FROM numbers(10000000000) SETTINGS max_execution_time = 0.01, timeout_before_checking_execution_speed = 0', 'TIMEOUT_EXCEEDED'],
    ['read-only user', 'INSERT INTO transactions SETTINGS readonly = 1 FORMAT JSONEachRow {}', 'READONLY'],
  ])('not rejected: %s', async (_, query, type) => {
    await expectFailure(db.client.command({ query }), type, false);
  });

  it('not rejected: ClickHouse unreachable', async () => {
    const unreachable: ClickHouseClient = createClient({ url: 'http://127.0.0.1:1', log: { level: ClickHouseLogLevel.OFF } });
    try {
      const caught = await failure(new ClickHouseRowWriter(unreachable).insert(Tables.transactions, [transaction], 'unreachable'));
      expect((caught as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      expect(isRejectedRows(caught)).toBe(false);
    } finally {
      await unreachable.close();
    }
  });
});
