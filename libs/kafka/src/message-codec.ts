import { checkField, RECORD_SCHEMAS, RecordTypes } from './record-schemas';
import { RecordKind } from './topics';

/**
 * Wire format of records on Kafka: UTF-8 JSON of the record, keyed by project id, with its schema
 * (`transaction/1`, `span/1`, …) in the `pulse-schema` header. A change that an older consumer
 * could not read gets a new version; a field added within a version is optional on the wire
 * (`number|null|absent`). Documented in docs/kafka-messages.md.
 */
export const SCHEMA_HEADER = 'pulse-schema';

export interface EncodedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export function encodeRecord<K extends RecordKind>(kind: K, record: RecordTypes[K]): EncodedMessage {
  return { key: String(record.projectId), value: Buffer.from(JSON.stringify(record)), headers: { [SCHEMA_HEADER]: RECORD_SCHEMAS[kind].name } };
}

export type DecodeResult<T> = { ok: true; record: T } | { ok: false; reason: string };

/** Decodes and shape-checks a message of `kind`; anything else is a dead-letter reason. */
export function decodeRecord<K extends RecordKind>(kind: K, value: Buffer | null, schema: string | undefined): DecodeResult<RecordTypes[K]> {
  const expected = RECORD_SCHEMAS[kind];
  if (schema !== expected.name) return { ok: false, reason: `unsupported schema ${JSON.stringify(schema ?? null)}` };
  if (!value) return { ok: false, reason: 'empty message' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'message is not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'message is not a JSON object' };
  const record = parsed as Record<string, unknown>;
  for (const [field, type] of Object.entries(expected.fields)) {
    const value = record[field];
    if (!checkField(value, type)) return { ok: false, reason: `field ${field} is missing or not a ${type}` };
    // Messages written before the field existed: absent means null, so consumers see one shape.
    if (value === undefined) record[field] = null;
  }
  return { ok: true, record: record as unknown as RecordTypes[K] };
}
