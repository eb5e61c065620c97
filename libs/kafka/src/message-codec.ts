import type { RecordKind, RecordTypes } from '@pulse/model';
import { KAFKA_KINDS } from './kafka-kinds';

/**
 * Wire format of records on Kafka (docs/kafka-messages.md), keyed by project id, with the schema
 * in the `pulse-schema` header:
 * - `<kind>/2` (written): a JSON array of the records of one kind from one ingest request, split
 *   into several messages above MAX_GROUP_VALUE_BYTES. One message per request and kind instead of
 *   one per record, so kafkajs encodes and the consumer decodes far fewer messages.
 * - `<kind>/1` (still read, for rolling upgrades and replayed dead letters): one record, a JSON object.
 * A change that an older consumer could not read gets a new version; a field added within a
 * version is optional on the wire (`number|null|absent`).
 */
export const SCHEMA_HEADER = 'pulse-schema';

/**
 * Largest value of a `/2` message before the records continue in another one: well under Kafka's
 * default 1 MB limit (which counts a whole producer batch) and small enough that a consumer fetch
 * of a few MiB holds several messages per partition.
 */
export const MAX_GROUP_VALUE_BYTES = 256 * 1024;

export interface EncodedMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** Schema version 1: one record per message. Producers use encodeRecordGroup; kept for tests of old messages. */
export function encodeRecord<K extends RecordKind>(kind: K, record: RecordTypes[K]): EncodedMessage {
  return { key: String(record.projectId), value: Buffer.from(JSON.stringify(record)), headers: { [SCHEMA_HEADER]: KAFKA_KINDS[kind].schema.name } };
}

/**
 * Schema version 2: the records of one kind (from one request) as JSON arrays, one message per
 * project (a request has one; the key must be the project id so a project stays on one partition)
 * and per MAX_GROUP_VALUE_BYTES of JSON. A record larger than the bound goes alone.
 */
export function encodeRecordGroup<K extends RecordKind>(kind: K, records: ReadonlyArray<RecordTypes[K]>, maxValueBytes = MAX_GROUP_VALUE_BYTES): EncodedMessage[] {
  const headers = { [SCHEMA_HEADER]: KAFKA_KINDS[kind].schema.groupName };
  const open = new Map<number, { parts: string[]; bytes: number }>();
  const messages: EncodedMessage[] = [];
  const flush = (projectId: number, group: { parts: string[] }): void => {
    messages.push({ key: String(projectId), value: Buffer.from(`[${group.parts.join(',')}]`), headers: { ...headers } });
  };
  for (const record of records) {
    const json = JSON.stringify(record);
    // String length is a lower bound of the UTF-8 bytes; exact enough for a bound 4× under the limit.
    const bytes = json.length + 1;
    const group = open.get(record.projectId);
    if (group && group.bytes + bytes > maxValueBytes) {
      flush(record.projectId, group);
      open.delete(record.projectId);
    }
    const current = open.get(record.projectId);
    if (current) {
      current.parts.push(json);
      current.bytes += bytes;
    } else {
      open.set(record.projectId, { parts: [json], bytes: bytes + 1 });
    }
  }
  for (const [projectId, group] of open) flush(projectId, group);
  return messages;
}

export type DecodeResult<T> = { ok: true; record: T } | { ok: false; reason: string };

/** A record of a decoded message: its place in the message (0 for a `/1` message) and the result; a bad one keeps its parsed JSON. */
export type DecodedRecord<T> = { index: number; ok: true; record: T } | { index: number; ok: false; reason: string; raw: unknown };

/** A whole message that cannot be read (schema, JSON, shape), or its records, each good or bad. */
export type MessageDecodeResult<T> = { ok: false; reason: string } | { ok: true; grouped: boolean; records: Array<DecodedRecord<T>> };

/**
 * Decodes and shape-checks a message of `kind` in either schema version. A bad record inside a
 * `/2` message fails alone (its reason, its index); the others are good. Anything that spoils the
 * whole message is the message's reason.
 */
export function decodeMessage<K extends RecordKind>(kind: K, value: Buffer | null, schema: string | undefined): MessageDecodeResult<RecordTypes[K]> {
  const expected = KAFKA_KINDS[kind].schema;
  const grouped = schema === expected.groupName;
  if (!grouped && schema !== expected.name) return { ok: false, reason: `unsupported schema ${JSON.stringify(schema ?? null)}` };
  if (!value) return { ok: false, reason: 'empty message' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'message is not valid JSON' };
  }
  if (!grouped) {
    const result = checkRecord<RecordTypes[K]>(expected.check, parsed);
    return result.ok ? { ok: true, grouped, records: [{ index: 0, ok: true, record: result.record }] } : result;
  }
  if (!Array.isArray(parsed)) return { ok: false, reason: 'message is not a JSON array' };
  const records = new Array<DecodedRecord<RecordTypes[K]>>(parsed.length);
  for (let index = 0; index < parsed.length; index++) {
    const result = checkRecord<RecordTypes[K]>(expected.check, parsed[index]);
    records[index] = result.ok ? { index, ok: true, record: result.record } : { index, ok: false, reason: `record ${index} of ${parsed.length}: ${result.reason}`, raw: parsed[index] };
  }
  return { ok: true, grouped, records };
}

function checkRecord<T>(check: (record: Record<string, unknown>) => string | null, parsed: unknown): DecodeResult<T> {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'record is not a JSON object' };
  const reason = check(parsed as Record<string, unknown>);
  return reason === null ? { ok: true, record: parsed as T } : { ok: false, reason };
}

/**
 * The value of a `/2` message holding `record` alone: what a bad record of a `/2` message is
 * dead-lettered as, so replaying the dead letter stores it and nothing else of its message.
 */
export function singleRecordGroupValue(record: unknown): Buffer {
  return Buffer.from(`[${JSON.stringify(record) ?? 'null'}]`);
}
