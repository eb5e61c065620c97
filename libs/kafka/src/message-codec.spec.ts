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
};

describe('transaction message codec', () => {
  it('round-trips a record, keyed by project id, with its schema in a header', () => {
    const message = encodeTransaction(record);
    expect(message.key).toBe('3');
    expect(message.headers).toEqual({ [SCHEMA_HEADER]: TRANSACTION_SCHEMA });
    expect(decodeTransaction(message.value, message.headers[SCHEMA_HEADER])).toEqual({ ok: true, record });
  });

  it.each([
    ['an unknown schema', Buffer.from('{}'), 'transaction/9', /unsupported schema "transaction\/9"/],
    ['a missing schema', Buffer.from('{}'), undefined, /unsupported schema null/],
    ['an empty message', null, TRANSACTION_SCHEMA, /empty message/],
    ['bad JSON', Buffer.from('{"proj'), TRANSACTION_SCHEMA, /not valid JSON/],
    ['a missing field', Buffer.from(JSON.stringify({ ...record, durationMs: undefined })), TRANSACTION_SCHEMA, /durationMs is missing or not a number/],
    ['a wrong type', Buffer.from(JSON.stringify({ ...record, tags: [] })), TRANSACTION_SCHEMA, /tags is missing or not a object/],
  ])('reports %s as a reason', (_what, value, schema, reason) => {
    const result = decodeTransaction(value, schema);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
