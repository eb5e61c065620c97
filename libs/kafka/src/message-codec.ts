import type { TransactionRecord } from '@pulse/model';

/**
 * Wire format of records on Kafka: UTF-8 JSON of the record, with its schema named in the
 * `pulse-schema` header. A schema change that old consumers cannot read gets a new version.
 * Documented in docs/kafka-messages.md.
 */
export const SCHEMA_HEADER = 'pulse-schema';
export const TRANSACTION_SCHEMA = 'transaction/1';

export interface EncodedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export function encodeTransaction(record: TransactionRecord): EncodedMessage {
  return { key: String(record.projectId), value: Buffer.from(JSON.stringify(record)), headers: { [SCHEMA_HEADER]: TRANSACTION_SCHEMA } };
}

export type DecodeResult<T> = { ok: true; record: T } | { ok: false; reason: string };

const TRANSACTION_FIELDS: Array<[keyof TransactionRecord, 'string' | 'number' | 'object']> = [
  ['projectId', 'number'],
  ['eventId', 'string'],
  ['traceId', 'string'],
  ['spanId', 'string'],
  ['parentSpanId', 'string'],
  ['name', 'string'],
  ['source', 'string'],
  ['op', 'string'],
  ['status', 'string'],
  ['statusCode', 'number'],
  ['startTimestampMs', 'number'],
  ['timestampMs', 'number'],
  ['durationMs', 'number'],
  ['release', 'string'],
  ['environment', 'string'],
  ['dist', 'string'],
  ['platform', 'string'],
  ['sdkName', 'string'],
  ['sdkVersion', 'string'],
  ['userId', 'string'],
  ['httpMethod', 'string'],
  ['httpStatusCode', 'number'],
  ['browserName', 'string'],
  ['osName', 'string'],
  ['tags', 'object'],
  ['measurements', 'object'],
  ['receivedAtMs', 'number'],
];

/** Decodes and shape-checks a transaction message; anything else is a dead-letter reason. */
export function decodeTransaction(value: Buffer | null, schema: string | undefined): DecodeResult<TransactionRecord> {
  if (schema !== TRANSACTION_SCHEMA) return { ok: false, reason: `unsupported schema ${JSON.stringify(schema ?? null)}` };
  if (!value) return { ok: false, reason: 'empty message' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'message is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, reason: 'message is not a JSON object' };
  const record = parsed as Record<string, unknown>;
  for (const [field, type] of TRANSACTION_FIELDS) {
    const actual = record[field];
    const valid = type === 'object' ? typeof actual === 'object' && actual !== null && !Array.isArray(actual) : typeof actual === type;
    if (!valid || (type === 'number' && !Number.isFinite(actual))) return { ok: false, reason: `field ${field} is missing or not a ${type}` };
  }
  return { ok: true, record: record as unknown as TransactionRecord };
}
