import type { ErrorRecord, SessionRecord, SpanRecord, TransactionRecord, WebVitalRecord } from '@pulse/model';
import { RecordKind } from './topics';

/** `number|null|absent`: a field added after its schema version; a message without it decodes as null. */
type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'number|null' | 'number|null|absent';
type Fields<T> = { [K in keyof T]-?: FieldType };

/**
 * The versioned wire schema of every record kind: the name in the `pulse-schema` header and the
 * type of every field. Mapped types make the compiler insist that each record field is listed.
 */
const TRANSACTION: Fields<TransactionRecord> = {
  projectId: 'number',
  eventId: 'string',
  traceId: 'string',
  spanId: 'string',
  parentSpanId: 'string',
  name: 'string',
  source: 'string',
  op: 'string',
  status: 'string',
  statusCode: 'number',
  startTimestampMs: 'number',
  timestampMs: 'number',
  durationMs: 'number',
  release: 'string',
  environment: 'string',
  dist: 'string',
  platform: 'string',
  sdkName: 'string',
  sdkVersion: 'string',
  userId: 'string',
  httpMethod: 'string',
  httpStatusCode: 'number',
  browserName: 'string',
  osName: 'string',
  tags: 'object',
  measurements: 'object',
  receivedAtMs: 'number',
  originalTimestampMs: 'number|null|absent',
};

const SPAN: Fields<SpanRecord> = {
  projectId: 'number',
  traceId: 'string',
  spanId: 'string',
  parentSpanId: 'string',
  segmentId: 'string',
  transactionName: 'string',
  op: 'string',
  description: 'string',
  status: 'string',
  statusCode: 'number',
  startTimestampMs: 'number',
  timestampMs: 'number',
  durationMs: 'number',
  release: 'string',
  environment: 'string',
  receivedAtMs: 'number',
  originalTimestampMs: 'number|null|absent',
};

const WEB_VITAL: Fields<WebVitalRecord> = {
  projectId: 'number',
  vital: 'string',
  value: 'number',
  page: 'string',
  traceId: 'string',
  segmentId: 'string',
  release: 'string',
  environment: 'string',
  browserName: 'string',
  browserVersion: 'string',
  osName: 'string',
  userId: 'string',
  timestampMs: 'number',
  receivedAtMs: 'number',
  originalTimestampMs: 'number|null|absent',
};

const ERROR: Fields<ErrorRecord> = {
  projectId: 'number',
  eventId: 'string',
  timestampMs: 'number',
  level: 'string',
  platform: 'string',
  title: 'string',
  message: 'string',
  culprit: 'string',
  fingerprint: 'string',
  handled: 'boolean',
  exceptions: 'array',
  transaction: 'string',
  traceId: 'string',
  spanId: 'string',
  release: 'string',
  environment: 'string',
  dist: 'string',
  userId: 'string',
  browserName: 'string',
  osName: 'string',
  sdkName: 'string',
  sdkVersion: 'string',
  tags: 'object',
  receivedAtMs: 'number',
  originalTimestampMs: 'number|null|absent',
};

const SESSION: Fields<SessionRecord> = {
  projectId: 'number',
  sessionId: 'string',
  distinctId: 'string',
  status: 'string',
  init: 'boolean',
  errors: 'number',
  quantity: 'number',
  startedMs: 'number',
  timestampMs: 'number',
  durationS: 'number|null',
  release: 'string',
  environment: 'string',
  receivedAtMs: 'number',
  originalTimestampMs: 'number|null|absent',
};

export interface RecordTypes {
  [RecordKind.Transaction]: TransactionRecord;
  [RecordKind.Span]: SpanRecord;
  [RecordKind.WebVital]: WebVitalRecord;
  [RecordKind.Error]: ErrorRecord;
  [RecordKind.Session]: SessionRecord;
}

export interface RecordSchema {
  /** Version 1: one record per message, the value a JSON object. Still read (rolling upgrades). */
  name: string;
  /** Version 2: the records of one kind from one ingest request, the value a JSON array. */
  groupName: string;
  fields: Record<string, FieldType>;
  /** The field checks compiled once (fieldChecker): null when the record is right, else the reason. */
  check: (record: Record<string, unknown>) => string | null;
}

const isFiniteNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

const TYPE_CHECKS: { [T in FieldType]: (value: unknown) => boolean } = {
  string: (value) => typeof value === 'string',
  number: isFiniteNumber,
  boolean: (value) => typeof value === 'boolean',
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  array: (value) => Array.isArray(value),
  'number|null': (value) => value === null || isFiniteNumber(value),
  'number|null|absent': (value) => value === undefined || value === null || isFiniteNumber(value),
};

function schema(base: string, fields: Record<string, FieldType>): RecordSchema {
  return { name: `${base}/1`, groupName: `${base}/2`, fields, check: fieldChecker(fields) };
}

export const RECORD_SCHEMAS: { [K in RecordKind]: RecordSchema } = {
  [RecordKind.Transaction]: schema('transaction', TRANSACTION),
  [RecordKind.Span]: schema('span', SPAN),
  [RecordKind.WebVital]: schema('web-vital', WEB_VITAL),
  [RecordKind.Error]: schema('error', ERROR),
  [RecordKind.Session]: schema('session', SESSION),
};

/**
 * The checks of one schema as a list built once: decoding a message then walks an array of
 * (field, check) pairs instead of Object.entries and a switch per field and record. A field that
 * may be absent is set to null, so consumers see one shape (messages written before it existed).
 */
function fieldChecker(fields: Record<string, FieldType>): (record: Record<string, unknown>) => string | null {
  const checks = Object.entries(fields).map(([field, type]) => ({ field, test: TYPE_CHECKS[type], absentAsNull: type === 'number|null|absent', reason: `field ${field} is missing or not a ${type}` }));
  return (record) => {
    for (const { field, test, absentAsNull, reason } of checks) {
      const value = record[field];
      if (!test(value)) return reason;
      if (absentAsNull && value === undefined) record[field] = null;
    }
    return null;
  };
}
