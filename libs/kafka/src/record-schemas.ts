import type { ClientReportRecord, ErrorRecord, SessionRecord, SpanFields, SpanRecord, TransactionRecord, WebVitalRecord } from '@pulse/model';

/**
 * `number|null|absent`: a field added after its schema version; a message without it decodes as null.
 * `string|absent`: likewise for a string; a message without it decodes as ''.
 */
type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'number|null' | 'number|null|absent' | 'string|absent';
type Fields<T> = { [K in keyof T]-?: FieldType };

/*
 * Runs of fields several kinds have alike, listed once and spread in at module load, each at its
 * place: the order of a table is the order its fields are checked in, so the first problem a
 * message reports stays the same.
 */
const RELEASE_FIELDS: Fields<{ release: string; environment: string }> = {
  release: 'string',
  environment: 'string',
};

/** Every kind ends with these. */
const RECEIVED_FIELDS: Fields<{ receivedAtMs: number; originalTimestampMs?: number | null }> = {
  receivedAtMs: 'number',
  originalTimestampMs: 'number|null|absent',
};

const SPAN_PLACE_FIELDS: Fields<Pick<SpanFields, 'traceId' | 'spanId' | 'parentSpanId'>> = {
  traceId: 'string',
  spanId: 'string',
  parentSpanId: 'string',
};

const SPAN_OUTCOME_FIELDS: Fields<Pick<SpanFields, 'status' | 'statusCode' | 'startTimestampMs' | 'timestampMs' | 'durationMs' | 'release' | 'environment'>> = {
  status: 'string',
  statusCode: 'number',
  startTimestampMs: 'number',
  timestampMs: 'number',
  durationMs: 'number',
  ...RELEASE_FIELDS,
};

/**
 * The versioned wire schema of every record kind: the name in the `pulse-schema` header and the
 * type of every field. Mapped types make the compiler insist that each record field is listed.
 */
const TRANSACTION: Fields<TransactionRecord> = {
  projectId: 'number',
  eventId: 'string',
  ...SPAN_PLACE_FIELDS,
  name: 'string',
  source: 'string',
  op: 'string',
  ...SPAN_OUTCOME_FIELDS,
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
  ...RECEIVED_FIELDS,
};

const SPAN: Fields<SpanRecord> = {
  projectId: 'number',
  ...SPAN_PLACE_FIELDS,
  segmentId: 'string',
  transactionName: 'string',
  op: 'string',
  description: 'string',
  ...SPAN_OUTCOME_FIELDS,
  ...RECEIVED_FIELDS,
};

const WEB_VITAL: Fields<WebVitalRecord> = {
  projectId: 'number',
  vital: 'string',
  value: 'number',
  page: 'string',
  traceId: 'string',
  segmentId: 'string',
  ...RELEASE_FIELDS,
  browserName: 'string',
  browserVersion: 'string',
  osName: 'string',
  userId: 'string',
  timestampMs: 'number',
  ...RECEIVED_FIELDS,
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
  groupingConfig: 'string|absent',
  secondaryFingerprint: 'string|absent',
  handled: 'boolean',
  exceptions: 'array',
  transaction: 'string',
  traceId: 'string',
  spanId: 'string',
  ...RELEASE_FIELDS,
  dist: 'string',
  userId: 'string',
  browserName: 'string',
  osName: 'string',
  sdkName: 'string',
  sdkVersion: 'string',
  tags: 'object',
  eventJson: 'string|absent',
  ...RECEIVED_FIELDS,
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
  ...RELEASE_FIELDS,
  ...RECEIVED_FIELDS,
};

const CLIENT_REPORT: Fields<ClientReportRecord> = {
  projectId: 'number',
  reason: 'string',
  category: 'string',
  quantity: 'number',
  timestampMs: 'number',
  ...RELEASE_FIELDS,
  sdkName: 'string',
  sdkVersion: 'string',
  ...RECEIVED_FIELDS,
};

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
  'string|absent': (value) => value === undefined || typeof value === 'string',
};

/** What a field that may be absent decodes as when it is. */
const ABSENT_AS: Partial<Record<FieldType, null | string>> = { 'number|null|absent': null, 'string|absent': '' };

function schema(base: string, fields: Record<string, FieldType>): RecordSchema {
  return { name: `${base}/1`, groupName: `${base}/2`, fields, check: fieldChecker(fields) };
}

/** Each kind's schema; KAFKA_KINDS (kafka-kinds.ts) says which kind it belongs to. */
export const TRANSACTION_SCHEMA = schema('transaction', TRANSACTION);
export const SPAN_SCHEMA = schema('span', SPAN);
export const WEB_VITAL_SCHEMA = schema('web-vital', WEB_VITAL);
export const ERROR_SCHEMA = schema('error', ERROR);
export const SESSION_SCHEMA = schema('session', SESSION);
export const CLIENT_REPORT_SCHEMA = schema('client-report', CLIENT_REPORT);

/**
 * The checks of one schema as a list built once: decoding a message then walks an array of
 * (field, check) pairs instead of Object.entries and a switch per field and record. A field that
 * may be absent is set to null or '', so consumers see one shape (messages written before it existed).
 */
function fieldChecker(fields: Record<string, FieldType>): (record: Record<string, unknown>) => string | null {
  const checks = Object.entries(fields).map(([field, type]) => ({ field, test: TYPE_CHECKS[type], absent: ABSENT_AS[type], reason: `field ${field} is missing or not a ${type}` }));
  return (record) => {
    for (const { field, test, absent, reason } of checks) {
      const value = record[field];
      if (!test(value)) return reason;
      if (absent !== undefined && value === undefined) record[field] = absent;
    }
    return null;
  };
}
