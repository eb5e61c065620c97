import type { TransactionRecord } from '@pulse/model';
import { decodeRecord, encodeRecord, SCHEMA_HEADER } from './message-codec';
import { RecordKind } from './topics';

const TRANSACTION_SCHEMA = 'transaction/1';
const encodeTransaction = (r: TransactionRecord) => encodeRecord(RecordKind.Transaction, r);
const decodeTransaction = (value: Buffer | null, schema: string | undefined) => decodeRecord(RecordKind.Transaction, value, schema);

export const record: TransactionRecord = {
  projectId: 3,
  eventId: 'a'.repeat(32),
  traceId: 'b'.repeat(32),
  spanId: 'c'.repeat(16),
  parentSpanId: '',
  name: 'GET /',
  source: 'route',
  op: 'http.server',
  status: 'ok',
  statusCode: 0,
  startTimestampMs: 1000,
  timestampMs: 1250,
  durationMs: 250,
  release: 'r1',
  environment: 'production',
  dist: '',
  platform: 'node',
  sdkName: 'sentry.javascript.node',
  sdkVersion: '11.0.0',
  userId: 'u1',
  httpMethod: 'GET',
  httpStatusCode: 200,
  browserName: '',
  osName: 'Linux',
  tags: { a: 'b' },
  measurements: { lcp: 1200 },
  receivedAtMs: 2000,
  originalTimestampMs: null,
};

describe('transaction message codec', () => {
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
