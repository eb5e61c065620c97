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
  name: string;
  fields: Record<string, FieldType>;
}

export const RECORD_SCHEMAS: { [K in RecordKind]: RecordSchema } = {
  [RecordKind.Transaction]: { name: 'transaction/1', fields: TRANSACTION },
  [RecordKind.Span]: { name: 'span/1', fields: SPAN },
  [RecordKind.WebVital]: { name: 'web-vital/1', fields: WEB_VITAL },
  [RecordKind.Error]: { name: 'error/1', fields: ERROR },
  [RecordKind.Session]: { name: 'session/1', fields: SESSION },
};

/** Whether `value` has the wire type `type`. */
export function checkField(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'number|null':
      return value === null || (typeof value === 'number' && Number.isFinite(value));
    case 'number|null|absent':
      return value === undefined || value === null || (typeof value === 'number' && Number.isFinite(value));
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    default:
      return typeof value === type;
  }
}
