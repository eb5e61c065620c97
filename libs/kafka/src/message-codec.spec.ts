import { RecordKind, TransactionRecord } from '@pulse/model';
import { decodeMessage, DecodeResult, encodeRecord, encodeRecordGroup, SCHEMA_HEADER } from './message-codec';
import { transactionRecord as record } from './testing';

const TRANSACTION_SCHEMA = 'transaction/1';
const encodeTransaction = (r: TransactionRecord) => encodeRecord(RecordKind.Transaction, r);
/** A `/1` message decodes to one record, or to the message's reason. */
const decodeTransaction = (value: Buffer | null, schema: string | undefined): DecodeResult<TransactionRecord> => {
  const decoded = decodeMessage(RecordKind.Transaction, value, schema);
  if (!decoded.ok) return decoded;
  expect(decoded.records).toHaveLength(1);
  const [only] = decoded.records;
  return only.ok ? { ok: true, record: only.record } : { ok: false, reason: only.reason };
};

describe('transaction message codec, schema version 1', () => {
  it('round-trips a record, keyed by project id, with its schema in a header', () => {
    const message = encodeTransaction(record);
    expect(message.key).toBe('3');
    expect(message.headers).toEqual({ [SCHEMA_HEADER]: TRANSACTION_SCHEMA });
    expect(decodeTransaction(message.value, message.headers[SCHEMA_HEADER])).toEqual({ ok: true, record });
  });

  it('round-trips the original timestamp of a record the time rules moved', () => {
    const moved = { ...record, originalTimestampMs: 900 };
    expect(decodeTransaction(encodeTransaction(moved).value, TRANSACTION_SCHEMA)).toEqual({ ok: true, record: moved });
  });

  it('decodes a message written before originalTimestampMs existed, as null', () => {
    const { originalTimestampMs: _absent, ...old } = record;
    const result = decodeTransaction(Buffer.from(JSON.stringify(old)), TRANSACTION_SCHEMA);
    expect(result.ok && result.record.originalTimestampMs).toBeNull();
  });

  it.each([
    ['an unknown schema', Buffer.from('{}'), 'transaction/9', /unsupported schema "transaction\/9"/],
    ['a missing schema', Buffer.from('{}'), undefined, /unsupported schema null/],
    ['an empty message', null, TRANSACTION_SCHEMA, /empty message/],
    ['bad JSON', Buffer.from('{"proj'), TRANSACTION_SCHEMA, /not valid JSON/],
    ['a missing field', Buffer.from(JSON.stringify({ ...record, durationMs: undefined })), TRANSACTION_SCHEMA, /durationMs is missing or not a number/],
    ['a wrong type', Buffer.from(JSON.stringify({ ...record, tags: [] })), TRANSACTION_SCHEMA, /tags is missing or not a object/],
    ['a text original timestamp', Buffer.from(JSON.stringify({ ...record, originalTimestampMs: '900' })), TRANSACTION_SCHEMA, /originalTimestampMs is missing or not a number\|null\|absent/],
  ])('reports %s as a reason', (_what, value, schema, reason) => {
    const result = decodeTransaction(value, schema);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('transaction message codec, schema version 2 (the records of one request)', () => {
  const ids = (count: number) => Array.from({ length: count }, (_, i) => ({ ...record, eventId: String(i).padStart(32, '0') }));

  it('puts the records of one request in one message, keyed by project id, and decodes each', () => {
    const records = ids(3);
    const messages = encodeRecordGroup(RecordKind.Transaction, records);
    expect(messages).toHaveLength(1);
    expect(messages[0].key).toBe('3');
    expect(messages[0].headers).toEqual({ [SCHEMA_HEADER]: 'transaction/2' });
    expect(decodeMessage(RecordKind.Transaction, messages[0].value, 'transaction/2')).toEqual({ ok: true, grouped: true, records: records.map((r, index) => ({ index, ok: true, record: r })) });
  });

  it('splits above the size bound, every message within it, keeping the order', () => {
    const records = ids(50);
    const oneRecordBytes = JSON.stringify(records[0]).length;
    const messages = encodeRecordGroup(RecordKind.Transaction, records, oneRecordBytes * 8);
    expect(messages.length).toBeGreaterThanOrEqual(7);
    for (const message of messages) expect(message.value.length).toBeLessThanOrEqual(oneRecordBytes * 8);
    const decoded = messages.flatMap((message) => {
      const result = decodeMessage(RecordKind.Transaction, message.value, 'transaction/2');
      return result.ok ? result.records.map((entry) => (entry.ok ? entry.record.eventId : 'bad')) : ['bad'];
    });
    expect(decoded).toEqual(records.map((r) => r.eventId));
  });

  it('keeps projects apart: one message per project, each keyed by its project', () => {
    const messages = encodeRecordGroup(RecordKind.Transaction, [{ ...record, projectId: 1 }, { ...record, projectId: 2 }, { ...record, projectId: 1 }]);
    expect(messages.map((m) => [m.key, (JSON.parse(String(m.value)) as unknown[]).length])).toEqual([['1', 2], ['2', 1]]);
  });

  it('fails a bad record alone, with its index and its parsed JSON', () => {
    const bad = { ...record, durationMs: 'slow' };
    const result = decodeMessage(RecordKind.Transaction, Buffer.from(JSON.stringify([record, bad, 7])), 'transaction/2');
    expect(result).toEqual({
      ok: true,
      grouped: true,
      records: [
        { index: 0, ok: true, record },
        { index: 1, ok: false, reason: 'record 1 of 3: field durationMs is missing or not a number', raw: bad },
        { index: 2, ok: false, reason: 'record 2 of 3: record is not a JSON object', raw: 7 },
      ],
    });
  });

  it.each([
    ['an object instead of an array', Buffer.from(JSON.stringify(record)), /not a JSON array/],
    ['bad JSON', Buffer.from('[{"proj'), /not valid JSON/],
    ['an empty message', null, /empty message/],
  ])('fails the whole message for %s', (_what, value, reason) => {
    const result = decodeMessage(RecordKind.Transaction, value, 'transaction/2');
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
